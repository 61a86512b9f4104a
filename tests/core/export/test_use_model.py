"""Using a model: the one predictor for every kind TuneStudio makes, `tunestudio predict` on a folder with
bad files, and the exported model's 'unknown' matching the threshold set for the search."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from app.core.export.export import export_trial
from app.core.export.model_predictor import ModelError, decode_file, open_model, predict_files
from app.core.search.calibration import UNKNOWN, set_threshold
from export_data import CLASSES, SIZE, pattern

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def search(tmp_path_factory, tiny_search_dir):
    """A copy of the tiny search (the threshold is written into it), with ambiguous images."""
    root = tmp_path_factory.mktemp("use")
    copy = root / "search"
    shutil.copytree(tiny_search_dir, copy)
    rng = np.random.default_rng(7)
    mixed = root / "mixed"
    mixed.mkdir()
    for i in range(10):  # "top" fading into "left": confidence from sure to torn
        w = i / 9
        image = (pattern("top", rng) * w + pattern("left", rng) * (1 - w)).astype(np.uint8)
        Image.fromarray(image).save(mixed / f"mix_{i}.png")
    return {"dir": copy, "mixed": sorted(str(p) for p in mixed.iterdir()), "root": root}


def labelled_folder(root: Path) -> Path:
    """One subfolder a class (named as the classes), with a damaged PNG, a text file and a nested image."""
    rng = np.random.default_rng(11)
    folder = root / "to_predict"
    for label in CLASSES:
        (folder / label / "nested").mkdir(parents=True, exist_ok=True)
        for i in range(3):
            Image.fromarray(pattern(label, rng)).save(folder / label / f"{label}_{i}.png")
        Image.fromarray(pattern(label, rng)).save(folder / label / "nested" / f"{label}_deep.jpg")
    (folder / "top" / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 20)
    (folder / "left" / "notes.txt").write_text("not a picture")
    return folder


def run_cli(*args):
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    return subprocess.run([sys.executable, "-m", "app", *map(str, args)], capture_output=True, text=True,
                          cwd=REPO, env=env, timeout=600)


def test_the_search_was_calibrated_when_it_ended(search):
    info = json.loads((search["dir"] / "search.json").read_text())
    record = info["calibration"]
    assert record["trials"] == info["final_model"]["trials"] and record["images"] == len(info["splits"]["val"])
    assert record["ece_after"] <= record["ece_before"] + 1e-9
    assert len(record["coverage"]) == 101 and record["reliability_after"]


def test_predict_a_folder_with_bad_files_streams_rows_and_scores_the_labelled_ones(search, tmp_path):
    folder = labelled_folder(tmp_path)
    csv_path = tmp_path / "out.csv"
    out = run_cli("predict", search["dir"], folder, "--top", "2", "--csv", csv_path, "--json")
    assert out.returncode == 0, out.stderr[-2000:]
    result = json.loads(out.stdout)
    summary = result["summary"]
    assert summary["images"] == 14 and summary["predicted"] == 12
    reasons = {Path(u["file"]).name: u["reason"] for u in summary["unreadable"]}
    assert set(reasons) == {"broken.png", "notes.txt"} and all(reasons.values())
    assert summary["labelled"] == 12 and summary["accuracy"] >= 0.9
    assert summary["confusion"]["columns"] == list(CLASSES) + [UNKNOWN]
    assert sum(map(sum, summary["confusion"]["matrix"])) == 12
    rows = csv_path.read_text().splitlines()
    assert rows[0].startswith("file,true_class,decision,class_1,probability_1,class_2,probability_2,error")
    assert len(rows) == 15 and any("broken.png" in r and "PNG" in r for r in rows)
    assert all(len(r["top"]) == 2 for r in result["results"] if not r.get("error"))
    # A plain-text run says the same per line, and a missing model is one line with exit code 2.
    text = run_cli("predict", search["dir"], folder)
    assert text.returncode == 0 and "unreadable: " in text.stdout and "accuracy 1.0000" in text.stdout
    bad = run_cli("predict", tmp_path / "nothing", folder)
    assert bad.returncode == 2 and "no such file" in bad.stderr and "Traceback" not in bad.stderr


def test_the_exported_model_says_unknown_exactly_where_the_threshold_says(search):
    import tensorflow as tf

    files = search["mixed"]
    confidences = sorted(r.confidence for r in predict_files(open_model(search["dir"]), files))
    threshold = float(np.mean(confidences[4:6]))  # about half the images fall below it
    set_threshold(search["dir"], threshold)
    window = open_model(search["dir"])  # what the window's try-it panel and the CLI use
    decisions = [r.decision for r in predict_files(window, files)]
    assert UNKNOWN in decisions and len(set(decisions)) > 1
    out = search["root"] / "export"
    card = export_trial(search["dir"], out, formats=["saved_model", "keras", "tflite", "onnx"])
    assert card["self_check"]["passed"], card["artifacts"]
    assert card["calibration"]["threshold"] == pytest.approx(threshold)
    assert card["calibration"]["temperature"] == pytest.approx(window.temperature)
    signature = tf.saved_model.load(str(out / "saved_model")).signatures["serving_default"]
    images = np.stack([decode_file(f, SIZE)[0] for f in files])
    served = signature(images=tf.constant(images))
    assert [n.decode() for n in served["class_name"].numpy()] == decisions
    assert all((i == -1) == (d == UNKNOWN) for i, d in zip(served["class_id"].numpy(), decisions))
    # Every artifact, opened the way the window's File > Open Model opens it, answers the same.
    for artifact in ("", "saved_model", "model.keras", "model.tflite", "model.onnx"):
        opened = open_model(out / artifact)
        assert opened.threshold == pytest.approx(threshold) and opened.classes == list(CLASSES)
        assert [r.decision for r in predict_files(opened, files)] == decisions, artifact


def test_a_trial_and_bad_sources_are_opened_or_refused_clearly(search, tmp_path):
    info = json.loads((search["dir"] / "search.json").read_text())
    trial = open_model(search["dir"], trial_id=info["best_trial_id"])
    assert trial.kind == "trial" and trial.gradient_model() is not None
    with pytest.raises(ModelError, match="not a model file"):
        (tmp_path / "x.txt").write_text("x")
        open_model(tmp_path / "x.txt")
    with pytest.raises(ModelError, match="cannot open"):
        (tmp_path / "bad.tflite").write_bytes(b"nope")
        open_model(tmp_path / "bad.tflite")


def test_the_calibration_command_shows_and_sets_the_threshold(search):
    out = run_cli("calibration", search["dir"], "--threshold", "0.4", "--json")
    assert out.returncode == 0, out.stderr[-2000:]
    record = json.loads(out.stdout)
    assert record["threshold"] == 0.4 and record["ece_after"] <= record["ece_before"] + 1e-9
    assert json.loads((search["dir"] / "search.json").read_text())["calibration"]["threshold"] == 0.4
    assert open_model(search["dir"]).threshold == 0.4
    bad = run_cli("calibration", search["dir"], "--threshold", "2")
    assert bad.returncode == 2 and "between 0 and 1" in bad.stderr
