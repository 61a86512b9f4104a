"""Distributed search: a chief and worker processes on 127.0.0.1 sharing a temporary search folder.

Each process is a real ``tunestudio`` command (chief: ``search --distributed``, workers:
``worker``), training real TensorFlow models on tiny 16 px images. The workers get their own
TUNESTUDIO_HOME, as on another machine; only the search folder is shared.
"""
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from app.core.distributed import protocol
from tiny_images import make_images

REPO = Path(__file__).resolve().parents[3]
TINY = ["--arch", "mlp", "--epochs", "1", "--image-size", "16", "--width", "8", "--depth", "1",
        "--batch-size", "8", "--augment", "false", "--no-early-stopping"]
TIMEOUT = 600


class Proc:
    """A ``tunestudio`` process whose stderr is collected (and scanned) as it comes."""

    def __init__(self, args: list[str], home: Path, env: dict | None = None):
        full_env = {**os.environ, "TUNESTUDIO_HOME": str(home), "PYTHONPATH": str(REPO),
                    "TF_CPP_MIN_LOG_LEVEL": "3", **(env or {})}
        self.popen = subprocess.Popen([sys.executable, "-m", "app", *args], cwd=REPO, env=full_env,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.err_lines: list[str] = []
        self.out = ""
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        for line in self.popen.stderr:
            self.err_lines.append(line)

    def wait_for_line(self, pattern: str, timeout: float = TIMEOUT) -> re.Match:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.err_lines):
                match = re.search(pattern, line)
                if match:
                    return match
            if self.popen.poll() is not None and not self._reader.is_alive():
                break
            time.sleep(0.2)
        raise AssertionError(f"no line matching {pattern!r}; stderr:\n{self.stderr}")

    def finish(self, timeout: float = TIMEOUT) -> int:
        self.out, _ = self.popen.communicate(timeout=timeout)
        self._reader.join(timeout=5)
        return self.popen.returncode

    @property
    def stderr(self) -> str:
        return "".join(self.err_lines)

    def kill(self):
        if self.popen.poll() is None:
            self.popen.kill()
        self.popen.wait(timeout=30)


def start_chief(tmp_path: Path, trials: int, env: dict | None = None, extra: list[str] = ()) -> tuple[Proc, str]:
    data = make_images(tmp_path / "data")
    chief = Proc(["search", str(data), *TINY, "--max-trials", str(trials), "--distributed", "--port", "0",
                  "--workdir", str(tmp_path / "shared" / "search"), "--json", *extra],
                 tmp_path / "chief-home", env)
    address = chief.wait_for_line(r"Chief listening on (\S+)").group(1)
    return chief, address


def start_worker(tmp_path: Path, address: str, name: str, extra: list[str] = ()) -> Proc:
    # The test's folder holds the shared search and the data: the worker may follow the chief there.
    return Proc(["worker", "--chief", address, "--name", name, "--wait", "120", "--allow", str(tmp_path), *extra],
                tmp_path / f"{name}-home")


def history_trials(home: Path, search_id: str) -> list[dict]:
    from app.core.history.history import HistoryStore

    store = HistoryStore(home / "history.sqlite3")
    try:
        return store.get_trials(search_id)
    finally:
        store.close()


@pytest.fixture
def procs():
    started: list[Proc] = []
    yield started
    for proc in started:
        proc.kill()


@pytest.mark.slow
def test_chief_and_two_workers_share_six_trials(tmp_path, procs):
    chief, address = start_chief(tmp_path, trials=6)
    procs.append(chief)
    workers = [start_worker(tmp_path, address, name) for name in ("w1", "w2")]
    procs.extend(workers)

    for worker in workers:  # first: a worker that fails says why at once
        assert worker.finish() == 0, worker.stderr
    assert chief.finish() == 0, chief.stderr
    summary = json.loads(chief.out)
    assert summary["status"] == "completed"
    trials = summary["trials"]
    assert len(trials) == 6 and all(t["status"] == "COMPLETED" for t in trials)
    by_worker = {name: [t["trial_id"] for t in trials if t["worker"] == name] for name in ("w1", "w2")}
    assert all(by_worker.values()), by_worker  # both workers trained some of them
    assert sum(len(v) for v in by_worker.values()) == 6

    search_dir = Path(summary["search_dir"])
    relayed = [json.loads(line) for line in (search_dir / "events.jsonl").read_text().splitlines()]
    ended = [e for e in relayed if e["type"] == "trial_ended"]
    assert sorted(e["trial_id"] for e in ended) == sorted(t["trial_id"] for t in trials)
    assert {e["worker"] for e in ended} == {"w1", "w2"}
    assert any(e["type"] == "epoch_ended" and e.get("confusion") for e in relayed)
    beats = protocol.read_heartbeats(search_dir)
    assert {beats["w1"]["status"], beats["w2"]["status"]} == {"done"}

    recorded = history_trials(tmp_path / "chief-home", search_dir.name)
    assert sorted(t["trial_id"] for t in recorded) == sorted(t["trial_id"] for t in trials)
    assert all(t["status"] == "COMPLETED" and t["score"] is not None for t in recorded)


@pytest.mark.slow
def test_worker_killed_mid_trial_costs_only_that_trial(tmp_path, procs):
    chief, address = start_chief(tmp_path, trials=4, env={"TUNESTUDIO_WORKER_LOST_AFTER_S": "4"})
    procs.append(chief)
    victim = start_worker(tmp_path, address, "victim")
    procs.append(victim)
    search_dir = tmp_path / "shared" / "search"
    deadline = time.monotonic() + TIMEOUT
    while protocol.read_heartbeats(search_dir).get("victim", {}).get("status") != "training":
        assert time.monotonic() < deadline and victim.popen.poll() is None, victim.stderr
        time.sleep(0.2)
    survivor = start_worker(tmp_path, address, "survivor")
    procs.append(survivor)
    lost_trial = protocol.read_heartbeats(search_dir)["victim"]["trial_id"]
    victim.popen.send_signal(signal.SIGKILL)
    assert victim.finish() == -signal.SIGKILL

    assert survivor.finish() == 0, survivor.stderr
    assert chief.finish() == 0, chief.stderr
    summary = json.loads(chief.out)
    assert summary["status"] == "completed"
    assert len(summary["trials"]) == 4
    assert all(t["status"] == "COMPLETED" for t in summary["trials"])
    rerun = next(t for t in summary["trials"] if t["trial_id"] == lost_trial)
    assert rerun["worker"] == "survivor"
    assert "Worker victim has not been heard from" in chief.stderr


@pytest.mark.slow
def test_tls_search_with_a_made_token_and_two_pinned_workers(tmp_path, procs):
    chief, address = start_chief(tmp_path, trials=4, extra=["--tls", "--token", "new"])
    procs.append(chief)
    join = chief.wait_for_line(r"Workers join with: .* --fingerprint ([0-9a-f]{64}) --token (\S+)")
    fingerprint, token = join.group(1), join.group(2)
    made = tmp_path / "chief-home" / "tls" / "chief-cert.pem"
    assert made.is_file()  # made on first use, kept for the next search
    workers = [start_worker(tmp_path, address, name, ["--fingerprint", fingerprint, "--token", token])
               for name in ("w1", "w2")]
    procs.extend(workers)
    for worker in workers:
        assert worker.finish() == 0, worker.stderr
    assert chief.finish() == 0, chief.stderr
    summary = json.loads(chief.out)
    assert summary["status"] == "completed" and len(summary["trials"]) == 4
    assert all(t["status"] == "COMPLETED" for t in summary["trials"])
    assert {t["worker"] for t in summary["trials"]} <= {"w1", "w2"}
    assert chief.stderr.count(token) == 1  # printed once, never again
    search_dir = Path(summary["search_dir"])
    assert token not in (search_dir / "events.jsonl").read_text() + (search_dir / "search.json").read_text()


@pytest.mark.slow
def test_local_workers_join_over_tls_and_stay_in_the_search_folders(tmp_path, procs):
    chief, _ = start_chief(tmp_path, trials=2, extra=["--tls", "--local-workers", "1"])
    procs.append(chief)
    assert chief.finish() == 0, chief.stderr
    summary = json.loads(chief.out)
    assert summary["status"] == "completed" and len(summary["trials"]) == 2
    assert all(t["status"] == "COMPLETED" and "local1" in t["worker"] for t in summary["trials"])
