"""``tunestudio --version`` and ``tunestudio doctor``: each check's verdicts and hints, text and JSON."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib.metadata import version
from types import SimpleNamespace

import pytest

from app import __version__
from app.cli import display_check, doctor
from conftest import REPO_ROOT

STATUSES = {"ok", "warn", "fail"}


def run_cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "app", *args], cwd=REPO_ROOT, capture_output=True, text=True,
                          timeout=timeout, env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))


def test_version_flag_prints_the_package_version():
    result = run_cli("--version")
    assert result.returncode == 0 and result.stdout.strip() == f"TuneStudio {__version__}"
    assert 'dynamic = ["version"]' in (REPO_ROOT / "pyproject.toml").read_text()  # written once, in app/


def test_python_other_than_311_is_a_warning_with_a_hint():
    assert doctor.check_python((3, 11, 7)).status == "ok"
    newer = doctor.check_python((3, 12, 1))
    assert newer.status == "warn" and "3.12.1" in newer.detail and "3.11" in newer.hint


def test_tensorflow_version_and_gpus_come_from_the_probe():
    tf, gpu = doctor.check_tensorflow(probe=lambda: {"tensorflow": "2.21.0", "gpus": [], "device": "CPU: Z80"})
    assert (tf.status, tf.detail) == ("ok", "2.21.0")
    assert gpu.status == "ok" and "none seen" in gpu.detail and "Z80" in gpu.detail
    _, gpu = doctor.check_tensorflow(probe=lambda: {"tensorflow": "2.21.0", "gpus": ["GPU 0: L4", "GPU 1: L4"]})
    assert gpu.detail.startswith("GPU 0: L4; GPU 1: L4")


def test_a_tensorflow_that_fails_to_load_is_a_failure_quoting_what_it_printed():
    def broken():
        os.write(2, b"ImportError: libcudart.so.12: cannot open shared object file\n")
        raise ImportError("DLL load failed")

    tf, gpu = doctor.check_tensorflow(probe=broken)
    assert tf.status == "fail" and "DLL load failed" in tf.detail and "libcudart.so.12" in tf.detail
    assert "tensorflow==2.21.0" in tf.hint
    assert gpu.status == "warn"

    def slow():
        raise TimeoutError()

    tf, _ = doctor.check_tensorflow(probe=slow, timeout=7)
    assert tf.status == "fail" and "longer than 7 s" in tf.detail


def test_display_verdicts(monkeypatch):
    assert doctor.check_display({"QT_QPA_PLATFORM": "offscreen"}).status == "ok"
    no_qt = doctor.check_display({"QT_QPA_PLATFORM": "offscreen"}, find_plugins=lambda: None)
    assert no_qt.status == "fail" and "PySide6" in no_qt.hint
    monkeypatch.setitem(display_check.XCB_LIBRARIES, "libtunestudio-absent.so.7", "libtunestudio-absent7")
    missing = doctor.check_display({"QT_QPA_PLATFORM": "xcb", "DISPLAY": ":0"})
    assert missing.status == "fail" and "libtunestudio-absent.so.7" in missing.detail
    assert missing.hint.startswith("sudo apt-get install -y") and "libtunestudio-absent7" in missing.hint
    monkeypatch.setattr(display_check, "missing_libraries", lambda names=None: [])
    assert doctor.check_display({"QT_QPA_PLATFORM": "xcb"}).status == "warn"
    assert doctor.check_display({"QT_QPA_PLATFORM": "xcb", "DISPLAY": ":3"}).status == "ok"


@pytest.mark.skipif(sys.platform != "linux", reason="fontconfig check is Linux-only")
def test_cjk_font_found_missing_or_unknown():
    def fc_list(stdout):
        return lambda *a, **k: SimpleNamespace(stdout=stdout, returncode=0)

    found = doctor.check_cjk_font(run=fc_list("Noto Sans CJK SC,Noto Sans CJK SC Regular\nAR PL UMing CN\n"))
    assert found.status == "ok" and found.detail == "AR PL UMing CN and 1 more"
    none = doctor.check_cjk_font(run=fc_list(""))
    assert none.status == "warn" and none.hint == "sudo apt-get install -y fonts-noto-cjk"

    def no_fontconfig(*a, **k):
        raise FileNotFoundError("fc-list")

    unknown = doctor.check_cjk_font(run=no_fontconfig)
    assert unknown.status == "warn" and "fonts-noto-cjk" in unknown.hint


def test_home_must_be_writable(monkeypatch, tmp_path, _isolated_home):
    ok = doctor.check_home()
    assert ok.status == "ok" and str(_isolated_home) in ok.detail
    assert list(_isolated_home.iterdir()) == []  # the probe file is gone
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("TUNESTUDIO_HOME", str(blocker / "home"))
    bad = doctor.check_home()
    assert bad.status == "fail" and "TUNESTUDIO_HOME" in bad.hint


@pytest.mark.parametrize("free_gb, status", [(0.2, "fail"), (1.0, "warn"), (40.0, "ok")])
def test_disk_space_thresholds(tmp_path, free_gb, status):
    check = doctor.check_disk(tmp_path, usage=lambda _: SimpleNamespace(free=free_gb * 1e9))
    assert check.status == status and f"{free_gb:.1f} GB free" in check.detail
    assert bool(check.hint) == (status != "ok")


def test_doctor_json_and_text_from_the_command_line():
    result = run_cli("doctor", "--json", "--skip-tensorflow")
    data = json.loads(result.stdout)
    names = [c["name"] for c in data["checks"]]
    assert names == ["Python", "TensorFlow", "Display", "CJK font", "Home folder", "Disk space", "ImageNet weights"]
    assert all(c["status"] in STATUSES for c in data["checks"]) and data["version"] == __version__
    assert all(c["hint"] for c in data["checks"] if c["status"] != "ok")
    assert result.returncode == (0 if data["ok"] else 1) and data["ok"] == all(
        c["status"] != "fail" for c in data["checks"])
    assert next(c for c in data["checks"] if c["name"] == "Display")["detail"] == "Qt platform offscreen"

    text = run_cli("doctor", "--skip-tensorflow")
    lines = text.stdout.splitlines()
    assert lines[0].startswith(f"TuneStudio {__version__} on ")
    assert [line.split()[0] for line in lines[1:] if not line.startswith(" ")][:7] == [
        c["status"] for c in data["checks"]]
    assert text.returncode == result.returncode


@pytest.mark.slow  # imports TensorFlow in a child process: 10-30 s on a busy machine
def test_doctor_asks_the_real_tensorflow_in_a_child_and_keeps_its_chatter_out():
    result = run_cli("doctor", "--json", timeout=300)
    checks = {c["name"]: c for c in json.loads(result.stdout)["checks"]}
    assert checks["TensorFlow"] == {"name": "TensorFlow", "status": "ok", "detail": version("tensorflow"),
                                    "hint": ""}
    assert checks["GPU"]["status"] == "ok"
    assert "cuda" not in result.stderr.lower()
