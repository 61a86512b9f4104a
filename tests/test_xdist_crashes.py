"""tests/xdist_crashes.py: a small suite whose workers crash or hang ends, with the crash reported.

Each case runs pytest with two xdist workers (``--dist loadscope``, as the suite does) in a child
process on nine generated test files. Without the plugin pytest-xdist 3.8 waits forever in all three
cases (checked when it was written); the child's time-out here is the proof that it no longer does.
"""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from conftest import REPO_ROOT

INI = """\
[pytest]
addopts = -p xdist_crashes -n 2 --dist loadscope -p no:cacheprovider -p no:randomly
faulthandler_timeout = {timeout}
faulthandler_exit_on_timeout = true
"""
PASSING = "def test_one():\n    pass\n\ndef test_two():\n    pass\n\ndef test_three():\n    pass\n"
# Dies (SIGABRT, as a native crash would) or hangs the first time, or every time; a flag file tells runs apart.
FAULTY = """\
import os, time
from pathlib import Path

FLAG = Path(__file__).with_name("ran-once")

def test_before():
    pass

def test_faulty():
    first = not FLAG.exists()
    FLAG.touch()
    if first or {every_time}:
        {fault}

def test_after():
    pass
"""


def run_suite(tmp_path: Path, fault: str, every_time: bool, timeout: int = 30) -> subprocess.CompletedProcess:
    (tmp_path / "pytest.ini").write_text(INI.format(timeout=timeout))
    # The faulty module last, on a worker that has finished others: stock xdist re-queued those as
    # empty work and hung in every one of these cases.
    for letter in "abcdefgh":
        (tmp_path / f"test_{letter}.py").write_text(PASSING)
    (tmp_path / "test_z.py").write_text(FAULTY.format(fault=fault, every_time=every_time))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "COV_"))}
    env["PYTHONPATH"] = str(REPO_ROOT / "tests")
    # Before the plugin this child never ended: the time-out is the test's point, not a guess at speed.
    return subprocess.run([sys.executable, "-m", "pytest", "-q", str(tmp_path)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=180)


def test_a_test_that_crashes_once_is_rerun_and_the_run_passes(tmp_path):
    result = run_suite(tmp_path, "os.abort()", every_time=False)
    out = result.stdout + result.stderr
    assert result.returncode == 0, out
    assert "27 passed, 1 rerun" in out, out
    assert "crashed while running 'test_z.py::test_faulty'" in out and "runs once more" in out


def test_a_test_that_crashes_every_time_fails_and_the_rest_still_runs(tmp_path):
    result = run_suite(tmp_path, "os.abort()", every_time=True)
    out = result.stdout + result.stderr
    assert result.returncode == 1, out
    assert "1 failed, 26 passed, 1 rerun" in out, out  # test_after and the other files all ran
    assert "FAILED test_z.py::test_faulty" in out


def test_a_hung_test_is_dumped_ended_and_rerun(tmp_path):
    result = run_suite(tmp_path, "time.sleep(600)", every_time=False, timeout=3)
    out = result.stdout + result.stderr
    assert result.returncode == 0, out
    assert "27 passed, 1 rerun" in out, out
    assert "Timeout (0:00:03)!" in out and "in test_faulty" in out  # the hung test's stack was dumped
