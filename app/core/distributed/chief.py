"""The chief of a distributed search: Keras Tuner's oracle served over gRPC to the workers.

Keras Tuner's own chief (``tuner.search()`` with ``KERASTUNER_TUNER_ID=chief``) blocks in
``oracle_chief.start_server``, which cannot take an interceptor and polls for the end in 20 s
steps. The chief here serves the same ``OracleServicer`` on its own ``grpc.server`` (with the
token interceptor and a ``Hello`` call that tells workers where the search folder is) and runs
a short loop of its own that

* relays the workers' events (``workers/*.events.jsonl``) to the listener, each with ``worker``;
* reports every worker (``worker_status`` events) from its heartbeat file;
* puts the trial of a worker that stopped beating (killed, unplugged) back in Keras Tuner's retry
  queue, so it costs only that trial;
* ends the search when the oracle has handed out its last trial and every trial has ended.

Everything that touches Keras Tuner runs in a spawned child (:func:`_chief_child`), with the
``KERASTUNER_*`` variables set only there. :func:`run_distributed_search` supervises it exactly
as local training is supervised (``app.core.search.process``), and starts the local workers.
"""
from __future__ import annotations

import contextlib
import functools
import json
import os
import sys
import threading
import time
import traceback
from dataclasses import replace
from pathlib import Path

from app.core.search import events as ev
from app.core.options.config import SearchConfig
from app.core.distributed import DEFAULT_PORT, protocol, security

POLL_S = 0.25
# The chief sends a worker asking for a trial while others still run theirs this answer rather
# than "stop": a trial lost with its worker then still finds someone to run it.
IDLE = "IDLE"
# After the last trial, how long idle workers get to ask once more and hear "stop".
DRAIN_S = 6.0
# How long to wait for a finished trial's events to arrive from the worker's file.
EVENTS_GRACE_S = 10.0
STATUS_REFRESH_S = 5.0


def _chief_child(config_dict: dict, search_dir: str, resume: bool, events, cancel, parent_pid: int,
                 _trials_per_process, settings: dict) -> None:
    from app.core.search.process import child_setup

    child_setup(parent_pid)
    # Keras Tuner reads its role from the environment: set here, in the chief's own process only.
    os.environ["KERASTUNER_TUNER_ID"] = "chief"
    os.environ["KERASTUNER_ORACLE_IP"] = settings["host"]
    os.environ["KERASTUNER_ORACLE_PORT"] = str(settings["port"])
    run_chief(SearchConfig.from_dict(config_dict), events.put, cancel, search_dir, resume, settings)
    events.close()
    events.join_thread()


def run_chief(config: SearchConfig, listener: ev.Listener, cancel, search_dir: str | Path, resume: bool,
              settings: dict) -> dict:
    """Serve the search to workers until it ends; same contract as ``runner.run_search``."""
    from app.core.search.search_dir import EVENTS_FILE, SearchError
    from app.core.search.runner import default_reason, explain_error, final_event, open_search
    from app.core.search.planning.search_plan import plan_for_budget
    from app.core.search.search_dir import update_search_info
    from app.core.search.search_setup import prepare_split

    started = time.time()
    # The chief keeps the search's time budget: it hands out no trial once the budget is spent.
    config, search_dir, clock = open_search(config, search_dir, resume)
    events_file = open(search_dir / EVENTS_FILE, "a", encoding="utf-8")

    def emit(event: dict, keep: bool = True) -> None:
        if keep:
            events_file.write(json.dumps(event, ensure_ascii=False) + "\n")
            events_file.flush()
        try:
            listener(event)
        except Exception:  # noqa: BLE001 - a broken listener must not stop the chief
            traceback.print_exc(file=sys.stderr)

    chief = _Chief(config, search_dir, emit, cancel, settings, clock)
    status, error = ev.COMPLETED, ""
    with contextlib.redirect_stdout(sys.stderr):
        try:
            config.check()
            info = prepare_split(config, search_dir, resume, emit,
                                  converted_dir=search_dir / "converted")
            update_search_info(search_dir, status="running")
            # Automatic choices (image size, ...) are made once, here; workers read them from search.json.
            chief.config, _ = plan_for_budget(config, info, search_dir, emit, clock)
            status, error = chief.run(info, resume)
        except SearchError as exc:
            status, error = ev.FAILED, str(exc)
        except Exception as exc:  # noqa: BLE001 - reported to the user, with the traceback on stderr
            traceback.print_exc(file=sys.stderr)
            status, error = ev.FAILED, explain_error(exc, search_dir)
        finally:
            chief.stop_server()
        final = final_event(chief.tuner, status, error, started, search_dir, chief.ended)
        for trial in final["trials"]:
            trial["worker"] = chief.ended.get(trial["trial_id"], {}).get("worker")
        final["reason"] = chief.reason or default_reason(final["status"], error)
        final["time_budget"] = clock.budget or None
        final["elapsed"] = clock.elapsed()
        try:
            update_search_info(search_dir, status=final["status"], finished=time.time(),
                                best_trial_id=final["best_trial_id"], best_score=final["best_score"],
                                budget_spent=clock.elapsed(), end_reason=final["reason"])
        except (SearchError, OSError):
            pass
        emit(final)
    events_file.close()
    return final


class _Chief:
    def __init__(self, config: SearchConfig, search_dir: Path, emit, cancel, settings: dict, clock):
        self.config = config
        self.clock = clock
        self.reason = ""
        self.search_dir = search_dir
        self.emit = emit
        self.cancel = cancel or ev.NeverCancel()
        self.host = settings["host"]
        self.port = int(settings["port"])
        self.token = settings.get("token") or None
        self.tls = settings.get("tls") or None
        self.refusals = security.Refusals()
        self.lost_after = float(settings.get("lost_after") or protocol.LOST_AFTER_S)
        self.tuner = None
        self.server = None
        self.servicer = None
        self.ended: dict[str, dict] = {}  # trial_id -> its trial_ended event (from the workers)
        self.tail = protocol.EventTail(search_dir)
        self.beats: dict[str, dict] = {}  # name -> {"seq", "changed" (chief clock), "state"}
        self.reported: dict[str, dict] = {}
        self.started = time.monotonic()

    # ------------------------------------------------------------------ set-up

    def _build_tuner(self, info: dict):
        from app.core.search.trial_model import make_hypermodel
        from app.core.search.trial_tuner import build_tuner

        # The chief trains nothing: its tuner only declares the search space (one model build per
        # conditional branch) and owns the oracle, so it needs no data, weights or GPUs.
        config = replace(self.config, multi_gpu="off")
        splits = info["splits"]
        hypermodel = make_hypermodel(config, range(len(splits["train"])), range(len(splits["val"])),
                                      len(info["classes"]), False, None, self.emit, {})
        return build_tuner(config, self.search_dir, hypermodel)

    def _keep_ongoing_on_resume(self) -> None:
        """Keras Tuner's reload re-queues the trials that were running; workers that come back
        within the wait may still be running them, so they stay theirs until they are lost."""
        oracle = self.tuner.oracle
        try:
            state = json.loads((Path(oracle._project_dir) / "oracle.json").read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            return
        known = protocol.read_heartbeats(self.search_dir)
        for tuner_id, trial_id in (state.get("ongoing_trials") or {}).items():
            if tuner_id in known and trial_id in oracle._retry_queue and trial_id in oracle.trials:
                oracle._retry_queue.remove(trial_id)
                oracle.ongoing_trials[tuner_id] = oracle.trials[trial_id]
                oracle.tuner_ids.add(tuner_id)

    def _hold_idle_workers(self) -> None:
        """A worker that finds the budget spent while other trials still run waits (IDLE) instead
        of leaving: if one of those trials is lost with its worker, this one runs it again."""
        from keras_tuner.src.engine import trial as trial_module

        oracle = self.tuner.oracle
        original = oracle.create_trial

        def create_trial(tuner_id):
            if self.clock.exhausted() and not _has_trial(oracle, tuner_id):
                from app.core.options.duration import format_duration

                self.reason = f"Time budget of {format_duration(self.clock.budget)} reached."
                oracle.tuner_ids.discard(tuner_id)
                return trial_module.Trial(oracle.get_space(), trial_id="", status=trial_module.TrialStatus.STOPPED)
            trial = original(tuner_id)
            if trial.status == trial_module.TrialStatus.STOPPED and _others_running(oracle, tuner_id):
                oracle.tuner_ids.add(tuner_id)
                return trial_module.Trial(oracle.get_space(), trial_id="", status=IDLE)
            return trial

        oracle.create_trial = create_trial

    def _start_server(self) -> None:
        from concurrent import futures

        import grpc
        from keras_tuner.src import protos
        from keras_tuner.src.distribute.oracle_chief import OracleServicer

        from app.core.search.search_dir import SearchError

        interceptors = [protocol.TokenInterceptor(self.token, self.refusals)] if self.token else []
        self.server = grpc.server(futures.ThreadPoolExecutor(max_workers=4), interceptors=interceptors)
        self.servicer = OracleServicer(self.tuner.oracle)
        protos.get_service_grpc().add_OracleServicer_to_server(self.servicer, self.server)
        self.server.add_generic_rpc_handlers([protocol.hello_handler(self._hello)])
        address = protocol.join_address(self.host, self.port)
        try:
            if self.tls:
                credentials = grpc.ssl_server_credentials([(self.tls["key"].encode("ascii"),
                                                            self.tls["cert"].encode("ascii"))])
                bound = self.server.add_secure_port(address, credentials)
            else:
                bound = self.server.add_insecure_port(address)
        except RuntimeError:
            bound = 0
        if not bound:
            raise SearchError(f"Cannot listen on {address}: the port is in use or the address is not "
                              "this machine's. Choose another --port or --host.")
        self.port = bound
        self.server.start()

    def _hello(self, request: dict) -> dict:
        return {"search_dir": str(self.search_dir), "search_id": self.search_dir.name,
                "status": "running", "heartbeat_s": protocol.HEARTBEAT_S, "lost_after": self.lost_after}

    def stop_server(self) -> None:
        if self.server is not None:
            self.server.stop(grace=1.0).wait(5)
            self.server = None

    # ------------------------------------------------------------------ the loop

    def run(self, info: dict, resume: bool) -> tuple[str, str]:
        self.tuner = self._build_tuner(info)
        if resume:
            self._keep_ongoing_on_resume()
        self._hold_idle_workers()
        self.tuner.oracle.verbose = 0  # Keras Tuner's per-trial console table: the events say it all
        self.tuner.save()
        self._start_server()
        oracle = self.tuner.oracle
        splits = info["splits"]
        address = protocol.join_address(self.host, self.port)
        completed = sum(1 for t in oracle.trials.values() if t.status == "COMPLETED")
        from app.core.search.runner import planned_trials
        from app.core.search.search_setup import package_versions

        self.emit(ev.make_event(
            ev.SEARCH_STARTED, search_id=info["search_id"], name=info.get("name"), search_dir=str(self.search_dir),
            config=self.config.to_dict(), device=f"distributed: chief at {address}", devices=[],
            mixed_precision=False, classes=info["classes"], train_count=len(splits["train"]),
            val_count=len(splits["val"]), test_count=len(splits.get("test", [])),
            max_trials=planned_trials(self.config), resumed=bool(resume), completed_trials=completed,
            dataset_fingerprint=info.get("dataset_fingerprint"), versions=info.get("versions") or package_versions(),
            cache="per worker", pid=os.getpid(), distributed=True, chief_address=address,
            token_required=bool(self.token), tls_fingerprint=(self.tls or {}).get("fingerprint")))
        pin = f" --fingerprint {self.tls['fingerprint']}" if self.tls else ""
        self.emit(ev.make_event(ev.NOTICE, level="info",
                                message=f"Waiting for workers: tunestudio worker --chief {address}{pin}"
                                        + (" --token ..." if self.token else "")
                                        + ". Anyone who can reach this port can join"
                                        + (" if they know the token." if self.token else ".")))
        finished_at = None
        while True:
            time.sleep(POLL_S)
            for message in self.refusals.drain():  # kept in events.jsonl: the search's log
                self.emit(ev.make_event(ev.NOTICE, level="warning", message=message))
            self._relay_worker_events()
            self._watch_workers()
            if self.cancel.is_set():
                return ev.CANCELLED, ""
            if finished_at is None and self._all_trials_handed_out():
                finished_at = time.monotonic()
            if finished_at is not None:
                drained = not oracle.tuner_ids or time.monotonic() - finished_at > DRAIN_S
                if drained and self._events_complete(finished_at):
                    break
        self._relay_worker_events()
        from app.core.search.checkpoints import prune_checkpoints

        prune_checkpoints(self.search_dir, self.config.objective, self.config.keep_best_checkpoints)
        return ev.COMPLETED, ""

    def _all_trials_handed_out(self) -> bool:
        oracle = self.tuner.oracle
        if oracle.ongoing_trials or oracle._retry_queue:
            return False
        if self.servicer.stop_triggered:
            return True
        # Every worker may have gone: the budget alone then says the search is over.
        return bool(oracle.max_trials) and len(oracle.trials) >= oracle.max_trials

    def _events_complete(self, since: float) -> bool:
        """Every ended trial's events have arrived (or waited long enough for them)."""
        pending = [tid for tid, t in self.tuner.oracle.trials.items()
                   if t.status in ("COMPLETED", "FAILED", "INVALID") and tid not in self.ended]
        return not pending or time.monotonic() - since > EVENTS_GRACE_S

    def _relay_worker_events(self) -> None:
        for event in self.tail.read():
            if not ev.is_type(event, ev.NOTICE, ev.TRIAL_STARTED, ev.BATCH_ENDED, ev.EPOCH_ENDED, ev.TRIAL_ENDED):
                continue
            if ev.is_type(event, ev.TRIAL_ENDED):
                self.ended[event["trial_id"]] = event
            self.emit(event, keep=not ev.is_type(event, ev.BATCH_ENDED))

    def _watch_workers(self) -> None:
        now = time.monotonic()
        beats = protocol.read_heartbeats(self.search_dir)
        for name, state in beats.items():
            known = self.beats.get(name)
            if known is None or known["seq"] != state.get("seq"):
                self.beats[name] = {"seq": state.get("seq"), "changed": now, "state": state}
        oracle = self.tuner.oracle
        running = dict(_ongoing(oracle))
        for name in set(self.beats) | set(running):
            known = self.beats.get(name)
            state = known["state"] if known else {}
            silent = now - (known["changed"] if known else self.started)
            gone = state.get("status") in ("left", "done", "failed")
            lost = gone or silent > self.lost_after
            if name in running and lost:
                self._requeue(name, running[name], "left the search" if gone else
                              f"has not been heard from for {silent:.0f} s")
                running.pop(name)
            if known is None:
                continue
            status = "lost" if lost and not gone else state.get("status", "unknown")
            report = {"worker": name, "host": state.get("host"), "device": state.get("device"),
                      "status": status, "trial_id": running.get(name) or state.get("trial_id"),
                      "number": state.get("number"), "last_seen": time.time() - silent,
                      "trials_done": state.get("trials_done", 0)}
            previous = self.reported.get(name)
            same = previous is not None and all(previous[k] == report[k] for k in report if k != "last_seen")
            if same and report["last_seen"] - previous["last_seen"] < STATUS_REFRESH_S:
                continue
            self.reported[name] = report
            self.emit(ev.make_event(ev.WORKER_STATUS, **report), keep=False)

    def _requeue(self, worker: str, trial_id: str, why: str) -> None:
        oracle = self.tuner.oracle
        if not _requeue(oracle, worker, trial_id):
            return
        trial = oracle.trials.get(trial_id)
        self.emit(ev.make_event(ev.NOTICE, level="warning", worker=worker,
                                message=f"Worker {worker} {why}; its trial {ev.trial_number(trial_id)} goes back "
                                        "to the queue and runs again on another worker."))
        self.emit(ev.make_event(ev.TRIAL_ENDED, trial_id=trial_id, number=ev.trial_number(trial_id), status="CANCELLED",
                                score=None, best_step=None, duration=None, worker=worker,
                                message=f"worker {worker} was lost; the trial runs again",
                                hyperparameters=dict(trial.hyperparameters.values) if trial else {},
                                history={}, confusion=None))


# Oracle state is changed by the gRPC threads under Keras Tuner's per-oracle lock; these take it too.
def _synchronized(func):
    @functools.wraps(func)
    def locked(oracle, *args):
        # Imported at call time: importing Keras Tuner imports TensorFlow, which the window must not.
        from keras_tuner.src.engine.oracle import synchronized

        return synchronized(func)(oracle, *args)

    return locked


@_synchronized
def _ongoing_locked(oracle):
    return [(tuner_id, trial.trial_id) for tuner_id, trial in oracle.ongoing_trials.items()]


def _ongoing(oracle):
    return _ongoing_locked(oracle)


@_synchronized
def _has_trial(oracle, tuner_id) -> bool:
    return tuner_id in oracle.ongoing_trials


@_synchronized
def _others_running(oracle, tuner_id) -> bool:
    return any(other != tuner_id for other in oracle.ongoing_trials)


@_synchronized
def _requeue(oracle, tuner_id: str, trial_id: str) -> bool:
    """Keras Tuner's own treatment of an interrupted trial (``Oracle.reload``): back to the queue."""
    trial = oracle.ongoing_trials.get(tuner_id)
    if trial is None or trial.trial_id != trial_id:
        return False
    oracle.ongoing_trials.pop(tuner_id)
    oracle.tuner_ids.discard(tuner_id)
    if trial_id not in oracle._retry_queue:
        oracle._retry_queue.append(trial_id)
    oracle.save()
    return True


# --------------------------------------------------------------------------- supervisor


def run_distributed_search(config: SearchConfig, listener: ev.Listener, cancel=None,
                           search_dir: str | Path | None = None, resume: bool = False,
                           host: str = "127.0.0.1", port: int = DEFAULT_PORT, token: str | None = None,
                           local_workers: int = 0, lost_after: float | None = None,
                           kill_after: float = 30.0, tls: dict | None = None) -> dict:
    """Run a search as chief: same contract as ``process.run_search_in_subprocess``.

    ``local_workers`` training workers run on this machine too (each its own training child);
    other machines join with ``tunestudio worker --chief HOST:PORT``. The listener receives the
    chief's events, every worker's trial events (with ``worker``) and ``worker_status`` events;
    it is called from this thread only.

    ``tls`` (``{"cert", "key", "fingerprint"}``, :func:`.security.chief_certificate`) serves the
    channel over TLS. Raises :class:`.security.SecurityError` before anything starts when the chief
    would listen beyond loopback without a token or TLS.
    """
    from app.core.search.process import run_search_in_subprocess
    from app.core.distributed.worker import run_worker

    security.check_chief(host, token, tls)
    settings = {"host": host, "port": int(port), "token": token or "", "lost_after": lost_after, "tls": tls}
    threads: list[threading.Thread] = []
    stop_locals = threading.Event()
    local_errors: list[str] = []

    def start_locals(address: str, allow: list[str]) -> None:
        for i in range(local_workers):
            name = protocol.worker_name(f"{protocol.worker_name()}-local{i + 1}")

            def work(name=name):
                try:
                    run_worker(address, token=token, name=name, cancel=stop_locals, connect_wait=60,
                               fingerprint=(tls or {}).get("fingerprint"), allow=allow)
                except Exception as exc:  # noqa: BLE001 - reported in the chief's listener
                    local_errors.append(f"local worker {name}: {exc}")

            thread = threading.Thread(target=work, name=f"local-worker-{i + 1}", daemon=True)
            thread.start()
            threads.append(thread)

    def relay(event: dict) -> None:
        if ev.is_type(event, ev.SEARCH_STARTED) and not threads and local_workers:
            _, bound = protocol.parse_address(event["chief_address"])
            # This machine's own workers may use what this search uses: its folder and its data.
            start_locals(protocol.join_address(protocol.connect_host(host), bound),
                         [event["search_dir"], str(Path(config.data_dir).expanduser().resolve())])
        while local_errors:
            listener(ev.make_event(ev.NOTICE, level="warning", message=local_errors.pop(0)))
        listener(event)

    try:
        final = run_search_in_subprocess(config, relay, cancel=cancel, search_dir=search_dir, resume=resume,
                                         kill_after=kill_after, trials_per_process=None,
                                         target=_chief_child, extra_args=(settings,))
    finally:
        stop_locals.set()
        for thread in threads:
            thread.join(timeout=kill_after + 10)
    return final
