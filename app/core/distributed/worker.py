"""A worker of a distributed search: asks the chief for trials and trains them in a child process.

``run_worker`` (the ``tunestudio worker`` command, and the chief's local workers) says hello to
the chief, finds the search folder it names (shared with the chief, at the same path or given
with ``workdir``) and the dataset (at the chief's path or remapped with ``data``), then runs
trials in a spawned child with the same supervision as local training (``app.core.search.process``):
Keras Tuner's ``OracleClient`` asks the chief for each trial, the child trains it with the
ordinary runner (``runner.execute_search``) and a fresh child takes over every
``TRIALS_PER_PROCESS`` trials. The ``KERASTUNER_*`` variables are set in the child only.

The worker writes its events and a heartbeat to ``workers/`` in the search folder (see
:mod:`.protocol`). It returns when the chief says the search is done; it raises
:class:`WorkerError` (a message for the user) when it cannot reach the chief or the data, or when
the chief stays away longer than ``reconnect_wait``.
"""
from __future__ import annotations

import contextlib
import json
import os
import socket
import sys
import threading
import time
import traceback
from dataclasses import replace
from pathlib import Path

from app.core.search import events as ev
from app.core.options.config import SearchConfig
from app.core.distributed import protocol, security

IDLE_WAIT_S = 1.0
MAX_CRASHES = 3


class WorkerError(RuntimeError):
    """The worker cannot go on; the message says why, for the user."""


# --------------------------------------------------------------------------- the training child


def _patch_oracle_client(address: str, token: str | None, call_timeout: float, tls: dict | None) -> None:
    """Keras Tuner's ``OracleClient``, with the token on every call, a bounded wait for the chief
    (Keras Tuner waits an hour per call, #990) and a pause when the chief answers "wait" (IDLE).
    Patched in this child only: ``BaseTuner`` looks the class up when it builds a worker's tuner."""
    from keras_tuner.src import protos
    from keras_tuner.src.distribute import oracle_client

    oracle_client.TIMEOUT = call_timeout
    base = oracle_client.OracleClient
    if getattr(base, "tunestudio", False):
        return

    class StudioOracleClient(base):
        tunestudio = True

        def __init__(self, oracle):
            super().__init__(oracle)
            self.stub = protos.get_service_grpc().OracleStub(protocol.channel(address, token, tls))

        @property
        def trials(self) -> dict:
            return {}  # the chief keeps the trials; the runner only counts them here

        # The runner wraps the oracle's sampler (first trial at the defaults); the chief's oracle
        # samples, so on a worker the wrapper is set and never called.
        _random_values = None

        def create_trial(self, tuner_id):
            trial = super().create_trial(tuner_id)
            if trial.status == "IDLE":
                time.sleep(IDLE_WAIT_S)
            return trial

    oracle_client.OracleClient = StudioOracleClient


def _worker_child(config_dict: dict, search_dir: str, _resume: bool, events, cancel, parent_pid: int,
                  max_trials_in_process: int | None, settings: dict) -> None:
    from app.core.search.process import child_setup

    child_setup(parent_pid)
    host, port = protocol.parse_address(settings["address"])
    os.environ["KERASTUNER_TUNER_ID"] = settings["name"]
    os.environ["KERASTUNER_ORACLE_IP"] = host
    os.environ["KERASTUNER_ORACLE_PORT"] = str(port)
    import grpc

    from app.core.search.planning.budget import BudgetClock
    from app.core.search.search_dir import SearchError
    from app.core.search.runner import explain_error, execute_search

    _patch_oracle_client(settings["address"], settings.get("token") or None, settings["call_timeout"],
                         settings.get("tls"))
    started = time.time()
    # The chief keeps the time budget and decides when the search ends: a worker's own planner
    # must neither stop at a budget nor at a plateau (it sees only its own trials).
    config = replace(SearchConfig.from_dict(config_dict), time_budget=0, plateau_trials=0)
    state: dict = {"tuner": None, "clock": BudgetClock(0), "reason": "", "test": None}
    status, error, chief_lost = ev.FAILED, "", False
    with contextlib.redirect_stdout(sys.stderr):
        try:
            status, error = execute_search(config, settings["info"], Path(search_dir), True,
                                    events.put, cancel, state, {}, max_trials_in_process,
                                    cache_root=Path(settings["cache_root"]))
        except grpc.RpcError as exc:
            chief_lost = True
            error = f"lost the chief at {settings['address']} ({exc.code().name if hasattr(exc, 'code') else exc})"
        except SearchError as exc:
            error = str(exc)
        except Exception as exc:  # noqa: BLE001 - reported to the user, with the traceback on stderr
            traceback.print_exc(file=sys.stderr)
            error = explain_error(exc, search_dir)
    if status == ev.RECYCLE:
        events.put(ev.make_event(ev.RECYCLE, search_dir=search_dir, pid=os.getpid()))
    else:
        events.put(ev.make_event(ev.SEARCH_FINISHED, status=status, error=error, chief_lost=chief_lost,
                                 best_trial_id=None, best_score=None, best_hyperparameters=None, trials=[],
                                 duration=time.time() - started, search_dir=search_dir))
    events.close()
    events.join_thread()


# --------------------------------------------------------------------------- data


def _under(path: str, root: str) -> str | None:
    """``path`` relative to ``root`` when inside it, else None."""
    try:
        rel = os.path.relpath(path, root)
    except ValueError:  # other drive (Windows)
        return None
    return None if rel == os.pardir or rel.startswith(os.pardir + os.sep) else rel


def remap_info(info: dict, chief_search_dir: str, search_dir: Path, data: str | None) -> dict:
    """The search's split with paths as seen from this machine; WorkerError if images are missing."""
    root = info.get("data_root") or ""
    if data:
        data = str(Path(data).expanduser().resolve())
        if not Path(data).is_dir():
            raise WorkerError(f"--data {data}: no such folder on this machine")

    def move(path: str) -> str:
        rel = _under(path, root) if data and root else None
        if rel is not None:
            return os.path.join(data, rel)
        rel = _under(path, chief_search_dir) if str(search_dir) != chief_search_dir else None
        if rel is not None:  # converted copies live in the shared search folder
            return str(search_dir / rel)
        return path

    splits, missing, total = {}, [], 0
    for name, rows in info["splits"].items():
        moved = []
        for row in rows:
            new = [move(row[0]), row[1], move(row[2]) if len(row) > 2 else None]
            if name in ("train", "val"):
                total += 1
                if not os.path.isfile(new[0]):
                    missing.append(new[0])
            moved.append(new)
        splits[name] = moved
    if missing:
        where = f"--data {data}" if data else f"{root} (the chief's path)"
        raise WorkerError(f"{len(missing)} of {total} images of this search cannot be read here, e.g. {missing[0]}. "
                          f"The dataset was looked for under {where}; give --data DIR, the dataset's folder on "
                          "this machine.")
    return {**info, "splits": splits, "data_root": data or root}


def check_paths(info: dict, roots: list[str]) -> None:
    """WorkerError unless every file the search names is inside the allowed folders ``roots``."""
    for rows in info["splits"].values():
        for row in rows:
            for path in (row[0], row[2] if len(row) > 2 else None):
                if path:
                    try:
                        security.check_allowed(path, roots, "an image at")
                    except security.SecurityError as exc:
                        raise WorkerError(str(exc)) from None


# --------------------------------------------------------------------------- the supervisor


class _HeartbeatFollower(ev.SearchListener):
    """What the heartbeat says about this worker, kept up to date from its training events."""

    def __init__(self, state: dict):
        self.state = state

    def on_search_started(self, event: dict) -> None:
        self.state.update(device=event.get("device"), status="idle")

    def on_trial_started(self, event: dict) -> None:
        self.state.update(status="training", trial_id=event.get("trial_id"), number=event.get("number"))

    def on_trial_ended(self, event: dict) -> None:
        self.state.update(status="idle", trial_id=None, number=None)
        self.state["trials_done"] += event.get("status") == "COMPLETED"


class _Heartbeat:
    """Rewrites ``workers/<name>.json`` every HEARTBEAT_S from this (supervising) process."""

    def __init__(self, search_dir: Path, name: str):
        self.search_dir = search_dir
        self.name = name
        self.state = {"name": name, "host": socket.gethostname(), "pid": os.getpid(), "device": None,
                      "status": "starting", "trial_id": None, "number": None, "trials_done": 0, "seq": 0}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"heartbeat-{name}", daemon=True)

    def start(self) -> None:
        self.beat()
        self._thread.start()

    def beat(self) -> None:
        self.state["seq"] += 1
        self.state["time"] = time.time()
        try:
            protocol.write_heartbeat(self.search_dir, self.name, self.state)
        except OSError as exc:
            print(f"warning: cannot write the heartbeat ({exc})", file=sys.stderr)

    def _run(self) -> None:
        while not self._stop.wait(protocol.HEARTBEAT_S):
            self.beat()

    def stop(self, status: str) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.state.update(status=status, trial_id=None, number=None)
        self.beat()


def run_worker(chief: str, token: str | None = None, data: str | None = None, workdir: str | None = None,
               name: str | None = None, listener: ev.Listener | None = None, cancel=None,
               connect_wait: float = 60.0, reconnect_wait: float = 120.0, kill_after: float = 30.0,
               trials_per_process: int | None = None, fingerprint: str | None = None,
               allow: list[str] | None = None) -> dict:
    """Work for the chief at ``chief`` (HOST:PORT) until its search is done.

    Returns ``{"status": "completed" | "cancelled", "worker", "trials_done", "search_dir"}``;
    raises :class:`WorkerError` when it cannot work (chief unreachable or refusing, its certificate
    not the pinned ``fingerprint``, search folder or images not visible here or outside the folders
    ``allow``, ``workdir`` and ``data``, repeated crashes).
    """
    cancel = cancel or threading.Event()
    listener = listener or (lambda event: None)
    name = protocol.worker_name(name)
    access = {"fingerprint": fingerprint, "allow": list(allow or [])}
    address, search_dir, config, settings = _join(chief, token, data, workdir, name, connect_wait, reconnect_wait,
                                                  access)
    heartbeat = _Heartbeat(search_dir, name)
    heartbeat.start()
    events_file = open(protocol.events_path(search_dir, name), "a", encoding="utf-8")
    beat = _HeartbeatFollower(heartbeat.state)

    def relay(event: dict) -> None:
        event = {**event, "worker": name}
        ev.dispatch(event, beat)
        if not ev.is_type(event, ev.SEARCH_STARTED, ev.SEARCH_FINISHED, ev.RECYCLE):
            events_file.write(json.dumps(event, ensure_ascii=False) + "\n")
            events_file.flush()
        listener(event)

    status = "failed"
    try:
        status = _train_until_done(config, settings, relay, listener, cancel, search_dir, kill_after,
                                   trials_per_process, heartbeat)
        return _result("cancelled" if status == "left" else "completed", name, heartbeat, search_dir)
    finally:
        heartbeat.stop(status)
        events_file.close()


def _join(chief: str, token: str | None, data: str | None, workdir: str | None, name: str, connect_wait: float,
          reconnect_wait: float, access: dict):
    """Say hello to the chief and find its search here. Returns (address, search folder, config,
    the settings a training child needs). ``access``: the pinned ``fingerprint`` and the folders
    the user ``allow``-ed besides ``workdir`` and ``data``."""
    from app.core.search.search_dir import SearchError, load_search_info
    from app.core.util.paths import cache_dir

    try:
        host, port = protocol.parse_address(chief)
    except ValueError as exc:
        raise WorkerError(f"--chief: {exc}") from None
    address = protocol.join_address(host, port)
    tls = _pin(host, port, access["fingerprint"], connect_wait)
    answer = _hello(address, token, connect_wait, name, tls)
    roots = security.allowed_roots([*access["allow"], workdir, data])
    search_dir = Path(workdir).expanduser() if workdir else Path(str(answer.get("search_dir")))
    try:  # the chief names the folder this worker writes to: only where the user said it may
        security.check_allowed(search_dir, roots, "the search folder")
    except security.SecurityError as exc:
        raise WorkerError(str(exc)) from None
    try:
        info = load_search_info(search_dir)
    except SearchError:
        raise WorkerError(f"the search folder {search_dir} is not visible on this machine: share it at the same "
                          "path as on the chief, or give --workdir where it is mounted here") from None
    info = remap_info(info, str(answer["search_dir"]), search_dir, data)
    check_paths(info, roots)
    config = SearchConfig.from_dict(info["config"])
    # tf.data's cache files cannot be shared between processes: each worker keeps its own, locally.
    cache_root = cache_dir() / "workers" / f"{info['search_id']}-{name}"
    settings = {"name": name, "address": address, "token": token or "", "info": info, "tls": tls,
                "call_timeout": reconnect_wait, "cache_root": str(cache_root)}
    return address, search_dir, config, settings


def _train_until_done(config, settings: dict, relay, listener, cancel, search_dir: Path, kill_after: float,
                      trials_per_process: int | None, heartbeat) -> str:
    """Run training children until the search is over. Returns "done" or "left" (cancelled);
    raises :class:`WorkerError` when the chief stays away, training fails or keeps crashing."""
    from app.core.search.process import TRIALS_PER_PROCESS, exit_reason, run_child

    name, address, token, reconnect_wait = (settings["name"], settings["address"], settings["token"] or None,
                                            settings["call_timeout"])
    crashes = 0
    while True:
        final, killed, exitcode = run_child(config, relay, cancel, str(search_dir), True, kill_after,
                                             trials_per_process or TRIALS_PER_PROCESS,
                                             target=_worker_child, extra_args=(settings,))
        if cancel.is_set():
            return "left"
        if ev.is_type(final, ev.RECYCLE):
            continue
        finished = ev.is_type(final, ev.SEARCH_FINISHED)
        if finished and final["status"] == ev.COMPLETED:
            return "done"
        if finished and final.get("chief_lost"):
            listener(ev.make_event(ev.NOTICE, level="warning", worker=name,
                                   message=f"{final['error']}; waiting up to {reconnect_wait:.0f} s for it"))
            heartbeat.state.update(status="waiting for the chief")
            if not _search_over(search_dir):
                _hello(address, token, reconnect_wait, name, settings["tls"])  # raises when it stays away
            if _search_over(search_dir):
                return "done"
            continue
        if finished:
            raise WorkerError(final.get("error") or "training failed")
        crashes += 1
        if crashes >= MAX_CRASHES:
            raise WorkerError(f"the training process {exit_reason(exitcode)} {crashes} times in a row")
        listener(ev.make_event(ev.NOTICE, level="warning", worker=name,
                               message=f"The training process {exit_reason(exitcode)}; its trial runs again."))


def _pin(host: str, port: int, fingerprint: str | None, wait: float) -> dict | None:
    """The chief's certificate checked against ``fingerprint`` (None: a plain channel, refused
    with a clear message when the chief speaks TLS)."""
    try:
        if fingerprint:
            return security.pin_chief(host, port, fingerprint, wait)
    except security.SecurityError as exc:
        raise WorkerError(str(exc)) from None
    except ConnectionError as exc:
        raise WorkerError(f"{exc}: check that 'tunestudio search --distributed' runs there, that the address is "
                          f"right, and that the firewall lets TCP port {port} through") from None
    if security.speaks_tls(host, port):
        raise WorkerError(f"the chief at {protocol.join_address(host, port)} uses TLS: give --fingerprint with the "
                          "certificate fingerprint the chief printed")
    return None


def _hello(address: str, token: str | None, wait: float, name: str, tls: dict | None) -> dict:
    try:
        return protocol.hello(address, token, wait, worker=name, tls=tls)
    except (protocol.ChiefUnreachable, protocol.ChiefRefused) as exc:
        raise WorkerError(str(exc)) from None


def _search_over(search_dir: Path) -> bool:
    from app.core.search.search_dir import SearchError, load_search_info

    try:
        return load_search_info(search_dir).get("status") in (ev.COMPLETED, ev.FAILED)
    except SearchError:
        return False


def _result(status: str, name: str, heartbeat: _Heartbeat, search_dir: Path) -> dict:
    return {"status": status, "worker": name, "trials_done": heartbeat.state["trials_done"],
            "search_dir": str(search_dir)}
