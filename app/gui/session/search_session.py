"""One search at a time, from start (or resume) to its final event: the worker, its thread,
the history recorder and the search model.

``SearchSession`` starts a :class:`~app.gui.session.search_worker.SearchWorker` on its own QThread and routes
every event the same way: first the history recorder (the one writer of the history database,
shared with the command line), then the :class:`~app.gui.session.search_model.SearchModel` the panels
observe. When a resumed search starts, the trials finished before are read back from its
``events.jsonl`` and shown too. The window only reacts to ``state_changed`` and ``finished``.

Events are taken one per event-loop turn. Qt runs queued calls back to back, so the burst a
search sends at a trial's end (trial_ended, the next trial_started, a notice, its first batch)
would otherwise run all its panel updates and repaints in one block of the GUI thread (26 ms
seen in ``bench/gui_stall.py``) while timers and input wait.
"""
from __future__ import annotations

from collections import deque
from typing import Callable

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from app.core.options.config import SearchConfig
from app.core.search.events import TRIAL_ENDED, SearchListener, dispatch, of_type
from app.core.history.recorder import HistoryRecorder
from app.core.search.search_dir import SearchError, find_resumable, load_search_info, read_events
from app.core.search.search_state import RUNNING, normalize_status
from app.gui.session.search_model import SearchModel
from app.gui.session.search_worker import Runner, SearchWorker, run_in_background, start_search_thread

QUIT_WAIT_MS = 60000  # the core kills a child that ignores cancel after 30 s


def earlier_trials(search_dir: str) -> list[dict]:
    """The settled ``trial_ended`` events of a search's earlier runs (interrupted trials rerun
    under the same id, so they are left out)."""
    return [e for e in of_type(read_events(search_dir), TRIAL_ENDED)
            if normalize_status(e.get("status")) in ("COMPLETED", "FAILED", "INVALID")]


class SearchSession(QObject, SearchListener):
    """Runs searches for the window; ``model`` shows the current (or last) one.

    Signals:
      state_changed(str): "running", "stopping" or "idle";
      failed(str): the runner raised (traceback text);
      finished(dict): the final ``search_finished`` event, after the model has shown it.
    """

    state_changed = Signal(str)
    failed = Signal(str)
    finished = Signal(dict)

    def __init__(self, recorder: HistoryRecorder | None, runner: Runner | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.model = SearchModel(self)
        self.recorder = recorder
        self._runner = runner
        # The training page's "Other machines" panel may turn a search into a distributed one.
        self.wrap_runner: Callable = lambda runner: runner
        self.worker: SearchWorker | None = None
        self.thread = None
        self.search_dir: str | None = None
        self.final_event: dict | None = None
        self.resumable: list[dict] = []
        self._launches = 0
        self._saw_final = False
        self._live_ids: set[str] = set()
        self._earlier_from: str | None = None  # a resumed search's folder, to read earlier trials from
        self._pending: deque[dict] = deque()  # arrived, not yet taken in (one per turn)
        self._take_timer = QTimer(self)
        self._take_timer.setInterval(0)  # a zero timer runs when the posted events (paints) are done
        self._take_timer.timeout.connect(self._take_one)

    # ------------------------------------------------------------------ state

    @property
    def is_running(self) -> bool:
        return self.worker is not None

    @property
    def stopping(self) -> bool:
        return self.worker is not None and self.worker.cancel_requested

    def resume_target(self) -> str | None:
        """What Resume continues: the search just stopped here, else the newest unfinished one."""
        if self.final_event and self.final_event.get("status") in ("cancelled", "failed") and self.search_dir:
            return self.search_dir
        return self.resumable[0]["search_dir"] if self.resumable else None

    def look_for_resumable(self, on_found: Callable[[list[dict]], None] | None = None) -> None:
        """Refresh ``resumable`` off the GUI thread (it lists folders)."""
        def found(result: list) -> None:
            if not self.is_running:
                self.resumable = list(result or [])
            if on_found is not None:
                on_found(self.resumable)

        run_in_background(find_resumable, found, receiver=self)

    # ------------------------------------------------------------------ lifecycle

    def start(self, config: SearchConfig, search_dir: str | None = None, resume: bool = False) -> None:
        """Run ``config`` (``resume``: continue ``search_dir``) on the search thread."""
        if self.is_running:
            raise RuntimeError("a search is already running")
        self.take_pending()
        self._launches += 1
        self._saw_final = False
        self._live_ids = set()
        self.final_event = None
        self.search_dir = search_dir
        self.model.clear(config.max_trials if config.tuner not in ("hyperband", "grid") else None)
        self.worker = SearchWorker(config, search_dir=search_dir, resume=resume,
                                   runner=self.wrap_runner(self._runner))
        # Bound methods of this QObject: Qt queues these calls onto the GUI thread.
        self.worker.event_received.connect(self._on_event)
        self.worker.failed.connect(self.failed)
        self.worker.finished.connect(self._on_finished)
        self.thread = start_search_thread(self.worker)
        self.state_changed.emit("running")

    def resume(self, target: str) -> SearchConfig:
        """Continue the search in ``target``; SearchError when its folder cannot be read."""
        info = load_search_info(target)
        try:
            config = SearchConfig.from_dict(info["config"])
        except (KeyError, TypeError, ValueError) as exc:
            raise SearchError(f"{target}: the stored options cannot be read ({exc})") from None
        self.start(config, search_dir=target, resume=True)
        return config

    def stop(self) -> None:
        """Ask the search to stop after the current batch; it stays resumable."""
        if self.worker is not None and not self.worker.cancel_requested:
            self.worker.cancel()
            self.state_changed.emit("stopping")

    def wait_stopped(self, msecs: int = QUIT_WAIT_MS) -> None:
        """Stop and wait for the thread (the application is quitting)."""
        if self.worker is not None and self.thread is not None:
            self.worker.cancel()
            self.thread.wait(msecs)

    # ------------------------------------------------------------------ events

    def _feed(self, event: dict) -> None:
        if self.recorder is not None:
            self.recorder(event)
        self.model.handle_event(event)

    @Slot(dict)
    def _on_event(self, event: dict) -> None:
        self._pending.append(event)
        if not self._take_timer.isActive():
            self._take_timer.start()

    def _take_one(self) -> None:
        if self._pending:
            self._handle(self._pending.popleft())
        if not self._pending:
            self._take_timer.stop()

    def take_pending(self) -> None:
        """Take in every event that has arrived, now (the search has ended: none may be left)."""
        self._take_timer.stop()
        while self._pending:
            self._handle(self._pending.popleft())

    def _handle(self, event: dict) -> None:
        dispatch(event, self)  # the session's own bookkeeping first (hooks below)
        self._feed(event)
        if self._earlier_from is not None:  # after the model has taken in search_started
            search_dir, self._earlier_from = self._earlier_from, None
            self._show_earlier_trials(search_dir)

    def on_search_started(self, event: dict) -> None:
        self.search_dir = event.get("search_dir") or self.search_dir
        if event.get("resumed") and self.search_dir:
            self._earlier_from = str(self.search_dir)

    def on_trial_started(self, event: dict) -> None:
        self._live_ids.add(str(event.get("trial_id")))

    def on_search_finished(self, event: dict) -> None:
        self._saw_final = True

    def _show_earlier_trials(self, search_dir: str) -> None:
        """A resumed search reports only new trials live: show the ones finished before too."""
        launch = self._launches

        def on_result(earlier: list) -> None:
            if launch != self._launches:
                return  # another search has started since: these trials are not its
            for event in earlier:
                trial_id = str(event.get("trial_id"))
                known = self.model.state.trials.get(trial_id)
                if trial_id in self._live_ids or (known is not None and known.status != RUNNING):
                    continue  # reported live in this session
                self.model.handle_event(event)  # already in the history: not recorded again

        run_in_background(lambda: earlier_trials(search_dir), on_result, receiver=self)

    @Slot(dict)
    def _on_finished(self, final: dict) -> None:
        self.take_pending()  # queued before the worker's finished signal: shown before the end
        thread, worker = self.thread, self.worker
        self.worker = None
        self.thread = None
        if thread is not None:
            thread.quit()
            thread.wait()
        del worker  # only now, with its thread stopped, may Python delete the worker
        if final and not self._saw_final:
            self._feed(final)  # synthesised by the worker (the runner crashed): nobody saw it yet
        self.final_event = final
        self.search_dir = final.get("search_dir") or self.search_dir
        self.resumable = [r for r in self.resumable if r.get("search_dir") != self.search_dir]
        self.finished.emit(final)
        self.state_changed.emit("idle")
