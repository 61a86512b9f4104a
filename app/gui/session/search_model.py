"""The search the window shows, as a QObject the panels observe.

``SearchModel`` keeps a :class:`~app.core.search.search_state.SearchState` (trials, best and running
trial, progress, budget) and re-emits every event as the signal of its kind after the state has
taken it in, so a panel reading ``model.state`` in a slot sees the state that event produced.
:meth:`attach` connects a panel's hooks (``on_trial_started`` ...) to those signals (and hands
the state to a panel that observes it, see ``app/gui/widgets/state_panel.py``); a panel
that raises is reported once through ``panel_failed`` and never stops the others.

The same model shows a stored search (:meth:`load_stored`): History replays a search from the
history store through the same signals the live window uses.
"""
from __future__ import annotations

import time
from typing import Any, Callable, Iterable

from PySide6.QtCore import QObject, Signal

from app.core.search.events import EVENT_TYPES, HOOKS, WORKER_STATUS, SearchListener, dispatch
from app.core.history.history_queries import stored_search_events
from app.core.search.search_state import SearchState

# The kinds the model re-emits as signals (and connects panels' hooks to).
MODEL_KINDS = (*EVENT_TYPES, WORKER_STATUS)


class SearchModel(QObject, SearchListener):
    """One search's state plus a signal per event kind (each carries the event dict)."""

    stage = Signal(dict)  # a preparation stage before the first trial, or a transfer search's stage
    search_started = Signal(dict)
    notice = Signal(dict)
    trial_started = Signal(dict)
    batch_ended = Signal(dict)
    epoch_ended = Signal(dict)
    trial_ended = Signal(dict)
    search_finished = Signal(dict)
    worker_status = Signal(dict)  # a distributed search's workers (app/gui/training/workers_panel.py)
    cleared = Signal()  # the model was reset: attached panels reset too
    panel_failed = Signal(object, str)  # (panel, message), once per panel

    def __init__(self, parent: QObject | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(parent)
        self.state = SearchState(clock)
        self._failed_panels: set[int] = set()
        # Each hook re-emits its event as the signal of its kind: dispatch() hands an event to the
        # state first, then here, so the panels hear of it after the state has taken it in.
        for kind in MODEL_KINDS:
            setattr(self, HOOKS[kind], self.signal_of(kind).emit)

    # ------------------------------------------------------------------ feeding

    def handle_event(self, event: dict) -> None:
        """Take one event: the state first, then the signal of its kind."""
        dispatch(event, self.state, self)

    def clear(self, max_trials: int | None = None) -> None:
        self.state.reset(max_trials)
        self._failed_panels.clear()
        self.cleared.emit()

    def load_events(self, events: Iterable[dict]) -> None:
        """Show a search from its events (e.g. ``events.jsonl``), replacing what was shown."""
        self.clear()
        for event in events:
            self.handle_event(event)

    def load_stored(self, search: dict) -> None:
        """Show a search kept in the history store (``HistoryStore.get_search``)."""
        self.load_events(stored_search_events(search))

    # ------------------------------------------------------------------ observers

    def signal_of(self, kind: str) -> Any:
        return getattr(self, kind)

    def attach(self, panel: Any) -> None:
        """Connect ``panel``'s hooks (and its ``reset``) to this model's signals."""
        for kind in MODEL_KINDS:
            hook = getattr(panel, HOOKS[kind], None)
            if callable(hook):
                self.signal_of(kind).connect(self._guarded(panel, hook))
        reset = getattr(panel, "reset", None)
        if callable(reset):
            self.cleared.connect(self._guarded(panel, lambda _event=None: reset()))
        # A panel with observe_state() draws this model's state (app/gui/widgets/state_panel.py): trial
        # status, best and running trial then come from the one state, not a copy of its own.
        observe = getattr(panel, "observe_state", None)
        if callable(observe):
            observe(self.state)

    def _guarded(self, panel: Any, hook: Callable[[dict], None]) -> Callable[..., None]:
        def call(*args) -> None:
            try:
                hook(*args)
            except Exception as exc:  # noqa: BLE001 - one broken panel must not stop the others
                if id(panel) not in self._failed_panels:
                    self._failed_panels.add(id(panel))
                    self.panel_failed.emit(panel, f"{type(exc).__name__}: {exc}")
        return call
