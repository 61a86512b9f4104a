"""The base of panels that draw a search's state rather than keep their own copy of it.

A panel shows what :class:`~app.core.search.search_state.SearchState` knows (trial status, score,
best and running trial, history); it keeps only what is about its own view (which trial is
pinned, what is drawn). Attached to the window's :class:`~app.gui.session.search_model.SearchModel`,
the panel reads the model's state (``observe_state``), which the model feeds before the panel's
hooks run. On its own (tests, screenshots, the Results tab's best-trial curves) the panel owns a
private state and ``handle_event`` feeds that first, then the panel: the same order either way.
"""
from __future__ import annotations

from app.core.search.events import SearchListener, dispatch
from app.core.search.search_state import SearchState


class StatePanel(SearchListener):
    """Mixin for a QWidget panel; subclasses implement ``_rebuild_view()``."""

    _state: SearchState
    _owns_state: bool

    def _init_state(self) -> None:
        self._state = SearchState()
        self._owns_state = True

    @property
    def state(self) -> SearchState:
        return self._state

    def observe_state(self, state: SearchState) -> None:
        """Draw ``state`` (a search model's) from now on instead of a private one."""
        self._state = state
        self._owns_state = False
        self._rebuild_view()

    def handle_event(self, event: dict) -> None:
        """Take one event of ``app/core/search/events.py`` (for a panel used on its own)."""
        if self._owns_state:
            dispatch(event, self._state)
        dispatch(event, self)

    def reset(self) -> None:
        """Forget what is shown (and the private state; a model clears its own)."""
        if self._owns_state:
            self._state.reset()
        self._rebuild_view()

    def _load_state(self, trials: list[dict], objective: str | None) -> None:
        """Put stored trial summaries into the panel's own state."""
        if not self._owns_state:
            raise RuntimeError("this panel shows a search model's state: load the trials into the model")
        self._state.load_trials(trials, objective)

    def _rebuild_view(self) -> None:
        raise NotImplementedError
