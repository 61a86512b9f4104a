"""The History tab: every past search, browsable and comparable exactly as it was recorded.

Top: the searches, in a sortable table filtered as you type (name, dataset, notes) and by
status (``history_table.py``), and the actions under it (``history_actions.py``). Below, for the
opened search(es):

* **Trials**: the search's summary and its trials, curves and confusion matrix, shown through the
  same search model as the live window (``history_trials.py``);
* **Compare**: tick trials of any opened search and compare them (``history_compare.py``);
* **Score vs hyperparameters**: one scatter plot per tuned hyperparameter.

This file puts the parts together and keeps what they share: the searches listed (``searches``),
the ones opened (``opened``, the first is ``current_id``) and which of them is running now.
``refresh()`` reloads after a search; ``follow(model)`` keeps the list current while the window's
own search runs, and a poll of the database's ``data_version`` shows what other processes (a
command-line search on the same home) record. The view reads and edits through one :class:`HistoryStore` on the GUI thread;
the window's search session records the history.
"""
from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QEvent, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QSplitter, QTabWidget, QVBoxLayout, QWidget

from app.core.history.history import HistoryStore
from app.core.history.history_rows import folder_size
from app.core.history.recorder import STORE_ERRORS, open_store
from app.gui.dialogs.questions import Dialogs
from app.gui.history.history_actions import HistoryActions
from app.gui.history.history_compare import ComparePage
from app.gui.history.history_table import SearchesTable
from app.gui.history.history_trials import StoredSearchPage
from app.gui.history.score_scatter import ScoreScatterView
from app.gui.session.search_worker import run_in_background

LIVE_LOG_SECONDS = 300  # a running search's event log changes every few seconds
COMPARE_TAB = 1
OTHER_WRITERS_POLL_MS = 2000  # how soon a search recorded by another process shows here


def _action(name: str):
    """A method of the view that runs the action bar's method ``name`` (the view's API keeps
    the actions: the window, menus and tests call ``view.rerun_current()`` and so on)."""
    def run(self) -> None:
        getattr(self.action_bar, name)()
    run.__name__ = name
    run.__doc__ = f"See HistoryActions.{name}."
    return run


class HistoryView(QWidget):
    """Past searches: list, open, compare, re-run, rename, annotate, delete, export, prune."""

    rerunRequested = Signal(dict)
    """The user wants to run a search again: a copy of its config, to edit before starting."""
    resumeRequested = Signal(str)
    """The user wants to continue a stopped or interrupted search: its folder."""
    searchDeleted = Signal(str)

    def __init__(self, store: HistoryStore | None = None, parent: QWidget | None = None,
                 dialogs: Dialogs | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("historyView")
        self.dialogs = dialogs or Dialogs(self)
        self.store_error = ""
        if store is None:  # the window still opens when it cannot be; the tab says what is wrong
            store, self.store_error = open_store()
        self.store = store
        self.searches: dict[str, dict] = {}  # search id -> list_searches() row
        self.opened: dict[str, dict] = {}  # search id -> get_search() result
        self.current_id: str | None = None
        self._measuring: set[str] = set()
        self._live_model = None  # the window's search model (see follow())

        self.search_list = SearchesTable()
        self.table = self.search_list.table
        self.action_bar = HistoryActions(self)
        self.trials_page = StoredSearchPage()
        self.compare_page = ComparePage()
        self.scatter = ScoreScatterView()
        self.tabs = QTabWidget()
        self.tabs.setObjectName("historyTabs")
        self.tabs.addTab(self.trials_page, self.tr("Trials"))
        self.tabs.addTab(self.compare_page, self.tr("Compare"))
        self.tabs.addTab(self.scatter, self.tr("Score vs hyperparameters"))
        # The parts' widgets under the names the window, the tests and the screenshots use.
        self.filter_edit, self.status_combo = self.search_list.filter_edit, self.search_list.status_combo
        self.summary_label, self.trial_table = self.trials_page.summary_label, self.trials_page.trial_table
        self.curves, self.confusion = self.trials_page.curves, self.trials_page.confusion
        self.trial_views, self.search_model = self.trials_page.trial_views, self.trials_page.search_model
        self.compare_list, self.compare_view = self.compare_page.compare_list, self.compare_page.compare_view
        bar = self.action_bar
        self.open_button, self.rerun_button, self.resume_button = (bar.open_button, bar.rerun_button,
                                                                   bar.resume_button)
        self.rename_button, self.notes_button, self.delete_button = (bar.rename_button, bar.notes_button,
                                                                     bar.delete_button)
        self.csv_button, self.prune_button, self.tensorboard_button = (bar.csv_button, bar.prune_button,
                                                                       bar.tensorboard_button)
        self.keep_spin, self.auto_prune_check = bar.keep_spin, bar.auto_prune_check

        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.search_list, 1)
        top_layout.addWidget(self.action_bar)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(top)
        splitter.addWidget(self.tabs)
        splitter.setSizes([230, 670])  # about six searches visible above the details
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(splitter)

        self.search_list.refresh_button.clicked.connect(self.refresh)
        self.table.doubleClicked.connect(lambda _index: self.open_selected())
        self.table.selectionModel().selectionChanged.connect(self.action_bar.update_buttons)
        self.compare_page.compare_button.clicked.connect(self.compare_checked)
        self.action_bar.add_context_menu(self.table)
        self.table.installEventFilter(self)
        if self.store is not None:
            try:
                # Searches whose events never reached the database (the window crashed).
                self.store.import_unrecorded()
            except STORE_ERRORS as exc:
                self.store_error = str(exc)
        self.refresh()
        self._data_version: int | None = self._read_data_version()
        self._other_writers = QTimer(self)
        self._other_writers.setInterval(OTHER_WRITERS_POLL_MS)
        self._other_writers.timeout.connect(self._check_other_writers)
        self._other_writers.start()

    # ------------------------------------------------------------------ the list

    @Slot()
    def refresh(self) -> None:
        """Reload the searches (after a search ended, or on request); keeps the selection."""
        selected = set(self.selected_ids())
        if self.store is None:
            self._clear_details(self.tr("The history database cannot be opened: {error}")
                                .format(error=self.store_error))
            self.action_bar.update_buttons()
            return
        try:
            searches = self.store.list_searches()
        except STORE_ERRORS as exc:
            self.dialogs.error(self.tr("Cannot read the history"), str(exc))
            return
        active = self._active_id()
        self.searches = {s["id"]: s for s in searches}
        self.search_list.fill([(s, self.search_list.status_text(s, self.is_live(s, active))) for s in searches])
        if selected:
            self.select_searches([i for i in selected if i in self.searches])
        for search_id in list(self.opened):
            if search_id not in self.searches:
                del self.opened[search_id]
        if not self.opened:
            self._clear_details()
        elif any(self._signature(self.searches[i]) != self._signature(s) for i, s in self.opened.items()):
            self.open_searches(list(self.opened))  # an opened search changed: show it as it is now
        self._measure_disk_use([s["id"] for s in searches if s.get("disk_bytes") is None])
        self.action_bar.update_buttons()

    @Slot()
    def _check_other_writers(self) -> None:
        """Another connection wrote the history (e.g. a command-line search ended): show it."""
        version = self._read_data_version()
        if version is not None and version != self._data_version:
            self.refresh()
        self._data_version = version

    def _read_data_version(self) -> int | None:
        if self.store is None:
            return None
        try:
            return self.store.data_version()
        except STORE_ERRORS:
            return None

    def follow(self, model) -> None:
        """Keep the table current while ``model`` (the window's live search) runs: the search
        appears when it starts and is updated when it ends (the recorder has written it by then)."""
        self._live_model = model
        model.search_started.connect(self.refresh)
        model.search_finished.connect(self.refresh)

    def export_recorded(self) -> None:
        """An export was recorded: show it if its search is open."""
        if self.opened:
            self.open_searches(list(self.opened))

    def search_ids(self) -> list[str]:
        """Ids of the rows shown (after filter and sort), top to bottom."""
        return self.search_list.search_ids()

    def selected_ids(self) -> list[str]:
        return self.search_list.selected_ids()

    def select_searches(self, search_ids: list[str]) -> None:
        self.search_list.select_searches(search_ids)

    def set_filter(self, text: str = "", status: str = "") -> None:
        self.search_list.set_filter(text, status)

    def is_live(self, search: dict, active: str | None = None) -> bool:
        """Is this search running now: recorded by this window, or its event log still growing
        (a search started from the command line writes the same database)?"""
        if search.get("status") != "running":
            return False
        active = active if active is not None else self._active_id()
        if search["id"] == active:
            return True
        log_file = Path(search.get("search_dir") or "") / "events.jsonl"
        try:
            return bool(search.get("search_dir")) and time.time() - log_file.stat().st_mtime < LIVE_LOG_SECONDS
        except OSError:
            return False

    def _active_id(self) -> str | None:
        """The search this window is running now (recorded by the window's session)."""
        model = self._live_model
        if model is not None and model.state.status == "running":
            return model.state.search_id
        return getattr(self.store, "recording_search_id", None)

    @staticmethod
    def _signature(search: dict) -> tuple:
        """What the table knows of a search; when it is unchanged an opened search needs no reload."""
        return tuple(search.get(k) for k in ("name", "notes", "status", "ended_at", "best_score",
                                               "trial_count", "completed_trials", "disk_bytes"))

    def _measure_disk_use(self, search_ids: list[str]) -> None:
        """Measure search folders off the GUI thread (a big search has thousands of files)."""
        active = self._active_id()
        for search_id in search_ids:
            search = self.searches.get(search_id) or {}
            folder = search.get("search_dir")
            if not folder or search_id == active or search_id in self._measuring or not Path(folder).is_dir():
                continue
            self._measuring.add(search_id)
            run_in_background(lambda f=folder: folder_size(f),
                              lambda total, i=search_id: self._on_disk_measured(i, total),
                              lambda _m, _t, i=search_id: self._measuring.discard(i), receiver=self)

    def _on_disk_measured(self, search_id: str, total: int) -> None:
        self._measuring.discard(search_id)
        search = self.searches.get(search_id)
        if search is None or self.store is None:
            return
        if search.get("disk_bytes") != total:
            try:
                self.store.set_disk_bytes(search_id, total)
            except STORE_ERRORS:
                return
            search["disk_bytes"] = total
        self.search_list.set_disk_bytes(search_id, total)

    # ------------------------------------------------------------------ the opened searches

    @Slot()
    def open_selected(self) -> None:
        ids = self.selected_ids()
        if ids:
            self.open_searches(ids)

    def open_searches(self, search_ids: list[str]) -> None:
        """Show these searches: the first in the Trials tab, all of them for comparison."""
        opened: dict[str, dict] = {}
        if self.store is None:
            return
        for search_id in search_ids:
            try:
                opened[search_id] = self.store.get_search(search_id)
            except STORE_ERRORS as exc:
                self.dialogs.error(self.tr("Cannot open the search"), str(exc))
        if not opened:
            return
        self.opened = opened
        self.current_id = next(iter(opened))
        current = opened[self.current_id]
        disk = self.searches.get(current["id"], {}).get("disk_bytes", current.get("disk_bytes"))
        self.trials_page.show_search(current, self.search_list.status_text(current, self.is_live(current)), disk)
        self.compare_page.set_searches(opened)
        self._plot_scores()
        self.action_bar.update_buttons()
        self._measure_disk_use(list(opened))

    def current_search(self) -> dict | None:
        return self.opened.get(self.current_id) if self.current_id else None

    def ticked_trials(self) -> list[tuple[str, str]]:
        """(search id, trial id) of the trials ticked for comparison."""
        return self.compare_page.ticked_trials()

    def set_ticked_trials(self, keys: list[tuple[str, str]]) -> None:
        self.compare_page.set_ticked_trials(keys)

    @Slot()
    def compare_checked(self) -> None:
        self.compare_trials(self.ticked_trials())

    def compare_trials(self, keys: list[tuple[str, str]]) -> None:
        """Compare trials given as (search id, trial id), from any opened search."""
        if not self.compare_page.compare(keys):
            self.dialogs.inform(self.tr("Compare trials"), self.tr("Tick at least two trials to compare."))
            return
        self.tabs.setCurrentIndex(COMPARE_TAB)

    def _plot_scores(self) -> None:
        trials = [t for s in self.opened.values() for t in s["trials"]]
        self.scatter.set_trials(trials, self.current_search().get("objective") or "val_accuracy")

    def _clear_details(self, message: str = "") -> None:
        self.opened = {}
        self.current_id = None
        self.trials_page.show_message(message)
        self.compare_page.clear()
        self.scatter.set_trials([])

    # ------------------------------------------------------------------ the actions (history_actions.py)

    rerun_current = _action("rerun_current")
    resume_current = _action("resume_current")
    rename_current = _action("rename_current")
    annotate_current = _action("annotate_current")
    delete_selected = _action("delete_selected")
    export_csv = _action("export_csv")
    prune_current = _action("prune_current")
    open_tensorboard = _action("open_tensorboard")

    def stop_tensorboards(self) -> None:
        """Stop every TensorBoard this view started (the app calls it on quit)."""
        self.action_bar.tensorboards.stop_all()

    # ------------------------------------------------------------------ Qt events

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt API)
        # Keys on the searches table; a filter rather than shortcuts so they work wherever the
        # tab is embedded (shortcuts need an active window).
        if watched is self.table and event.type() == QEvent.Type.KeyPress:
            key = event.key()
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.open_selected()
                return True
            if key == Qt.Key.Key_Delete:
                self.delete_selected()
                return True
            if key == Qt.Key.Key_F2:
                self.rename_current()
                return True
        return super().eventFilter(watched, event)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.PaletteChange and self.opened:
            self._plot_scores()  # the scatter's colours follow the palette
        super().changeEvent(event)
