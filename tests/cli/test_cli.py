"""The command line: user errors are one line with exit code 2; a real search exports a SavedModel."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.core.options.options import TunableError, parse_tunable

REPO = Path(__file__).resolve().parents[2]


def run_cli(*args, **kwargs):
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    return subprocess.run([sys.executable, "-m", "app", *map(str, args)], capture_output=True, text=True,
                          cwd=REPO, env=env, timeout=600, **kwargs)


def test_parse_tunable_forms():
    assert parse_tunable("64", int) == 64
    assert parse_tunable("32,64", int) == {"choices": [32, 64]}
    assert parse_tunable("1e-4:1e-2:log", float) == {"min": 1e-4, "max": 1e-2, "log": True}
    assert parse_tunable("adam,sgd", str) == {"choices": ["adam", "sgd"]}
    assert parse_tunable("true,false", bool) == {"choices": [True, False]}
    with pytest.raises(TunableError):
        parse_tunable("1.5", int)


def test_scan_json_reports_counts(tiny_dataset):
    out = run_cli("scan", tiny_dataset, "--json")
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert sorted(report["counts"].values()) == [6, 6, 6]


@pytest.mark.parametrize("args, needle", [
    (["scan", "/no/such/folder"], "not found"),
    (["search", "/no/such/folder"], "data_dir"),
    (["search", "{data}", "--batch-size", "0"], "batch_size"),
    (["search", "{data}", "--learning-rate", "1e-2:1e-4"], "learning_rate"),
    (["search", "{data}", "--arch", "transformer"], "architecture"),
    (["search", "{data}", "--dropout", "abc"], "dropout"),
    (["export", "/no/such/search", "/tmp/out"], "not a TuneStudio search folder"),
])
def test_user_errors_are_one_line_with_exit_code_2(tiny_dataset, args, needle):
    out = run_cli(*[a.replace("{data}", str(tiny_dataset)) for a in args])
    assert out.returncode == 2
    lines = [ln for ln in out.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and needle in lines[0], out.stderr
    assert "Traceback" not in out.stderr


@pytest.mark.slow
def test_search_with_export_prints_one_json_object(tiny_dataset, tmp_path):
    out_dir = tmp_path / "model"
    out = run_cli("search", tiny_dataset, "--arch", "mlp", "--max-trials", "2", "--epochs", "1",
                  "--image-size", "16", "--batch-size", "8", "--seed", "3", "--export", out_dir, "--export-format", "saved_model,keras", "--json")
    assert out.returncode == 0, out.stderr[-2000:]
    result = json.loads(out.stdout)
    assert result["status"] == "completed"
    assert len(result["trials"]) == 2
    assert result["export"]["self_check"]["passed"] is True
    assert (out_dir / "saved_model" / "saved_model.pb").is_file()
    assert [a["format"] for a in result["export"]["artifacts"]] == ["saved_model", "keras"]
    history = run_cli("history", "--json")
    assert history.returncode == 0, history.stderr
    assert Path(result["search_dir"]).name in history.stdout
