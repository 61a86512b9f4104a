"""The History tab: every past search, browsable and comparable exactly as it was recorded.

Top: the searches, in a sortable table filtered as you type (name, dataset, notes) and by
status. Below, for the opened search(es):

* **Trials**: the search's summary and best hyperparameters, its trials (``TrialTable``), and
  the selected trial's curves (``CurvesPanel``) and confusion matrix (``ConfusionView``);
* **Compare**: tick trials of any opened search and compare them (``CompareView``);
* **Score vs hyperparameters**: one scatter plot per tuned hyperparameter.

Actions: re-run (``rerunRequested(dict)`` carries the config for the options panel), rename,
notes, delete with its files (after confirmation), trials to CSV, prune checkpoints to the best
k, and TensorBoard on 127.0.0.1 in the browser. ``refresh()`` reloads after a search.

The view reads and edits through one :class:`HistoryStore` on the GUI thread, the one thread
that writes history: the main window connects its search worker's ``event_received`` and
``finished`` signals to :meth:`HistoryView.record_event`.
"""
from __future__ import annotations

import json
import logging
import math
import re
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QEvent, QSortFilterProxyModel, Qt, QUrl, Signal, Slot
from PySide6.QtGui import QAction, QBrush, QDesktopServices, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (QAbstractItemView, QApplication, QCheckBox, QComboBox,
                               QHBoxLayout, QHeaderView, QLabel, QLineEdit,
                               QPushButton, QSpinBox, QSplitter, QTableView, QTabWidget,
                               QTreeWidget, QTreeWidgetItem, QTreeWidgetItemIterator, QVBoxLayout, QWidget)

from app.core.formatting import format_score, format_value
from app.core.history import HistoryStore, OutsideHomeError, folder_size
from app.core.recorder import AUTO_PRUNE, DEFAULT_KEEP_BEST, KEEP_BEST, STORE_ERRORS, open_store, read_preference
from app.core.search_state import lower_is_better
from app.gui import i18n, theme
from app.gui.compare_view import CompareView, trial_label
from app.gui.confusion_view import ConfusionView
from app.gui.curves_panel import CurvesPanel
from app.gui.dialogs import Dialogs
from app.gui.score_scatter import ScoreScatterView
from app.gui.search_model import SearchModel
from app.gui.trial_table import TrialTable

log = logging.getLogger(__name__)

SEARCH_ID_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2
COLUMNS = (QT_TRANSLATE_NOOP("HistoryView", "Name"), QT_TRANSLATE_NOOP("HistoryView", "Dataset"),
           QT_TRANSLATE_NOOP("HistoryView", "Status"), QT_TRANSLATE_NOOP("HistoryView", "Started"),
           QT_TRANSLATE_NOOP("HistoryView", "Best score"), QT_TRANSLATE_NOOP("HistoryView", "Trials"),
           QT_TRANSLATE_NOOP("HistoryView", "Disk use"))
LIVE_LOG_SECONDS = 300  # a running search's event log changes every few seconds


def human_bytes(count: int | None) -> str:
    if count is None:
        return "–"
    size = float(count)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if size < 1024 or unit == "TB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return str(count)


def human_time(timestamp: float | None) -> str:
    return i18n.format_datetime(timestamp)  # the locale's short date and time


# --------------------------------------------------------------------------- searches table


class _SearchFilter(QSortFilterProxyModel):
    """Matches the filter text in name, dataset or notes, and the chosen status."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.text = ""
        self.status = ""
        self.setSortRole(SORT_ROLE)
        self.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

    def set_filter(self, text: str, status: str) -> None:
        self.text, self.status = text.strip().lower(), status
        self.invalidateFilter()

    def filterAcceptsRow(self, source_row: int, source_parent) -> bool:  # noqa: N802 (Qt API)
        model = self.sourceModel()
        if self.status:
            status = model.index(source_row, 2, source_parent).data(SORT_ROLE)
            if status != self.status:
                return False
        if not self.text:
            return True
        haystack = model.index(source_row, 0, source_parent).data(Qt.ItemDataRole.UserRole + 3) or ""
        return self.text in haystack


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
        self._store_error = ""
        if store is None:  # the window still opens when it cannot be; the tab says what is wrong
            store, self._store_error = open_store()
        self.store = store
        self._measuring: set[str] = set()
        self._searches: dict[str, dict] = {}
        self._opened: dict[str, dict] = {}  # search id -> get_search() result
        self._current_id: str | None = None
        self._tensorboards: dict[str, Any] = {}  # logdir -> process
        self._live_model = None  # the window's search model (see follow())

        # --- filter row
        self.filter_edit = QLineEdit()
        self.filter_edit.setObjectName("historyFilter")
        self.filter_edit.setPlaceholderText(self.tr("Filter by name, dataset or notes…"))
        self.filter_edit.setClearButtonEnabled(True)
        self.status_combo = QComboBox()
        self.status_combo.setObjectName("historyStatus")
        for label, value in ((self.tr("All statuses"), ""), (self.tr("Completed"), "completed"),
                             (self.tr("Cancelled"), "cancelled"), (self.tr("Failed"), "failed"),
                             (self.tr("Running / interrupted"), "running")):
            self.status_combo.addItem(label, value)
        self.refresh_button = QPushButton(self.tr("Refresh"))
        filter_row = QHBoxLayout()
        filter_row.addWidget(self.filter_edit, 1)
        filter_row.addWidget(self.status_combo)
        filter_row.addWidget(self.refresh_button)

        # --- searches table
        self._model = QStandardItemModel(0, len(COLUMNS), self)
        self._model.setHorizontalHeaderLabels([self.tr(c) for c in COLUMNS])
        self._proxy = _SearchFilter(self)
        self._proxy.setSourceModel(self._model)
        self.table = QTableView()
        self.table.setObjectName("historySearches")
        self.table.setModel(self._proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(3, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setToolTip(self.tr("Double-click to open; select several to compare their trials"))

        # --- actions
        self.open_button = QPushButton(self.tr("Open"))
        self.rerun_button = QPushButton(self.tr("Re-run…"))
        self.rerun_button.setToolTip(self.tr("Load this search's options to edit and start again"))
        self.resume_button = QPushButton(self.tr("Resume"))
        self.resume_button.setToolTip(self.tr("Continue a stopped or interrupted search where it left off"))
        self.rename_button = QPushButton(self.tr("Rename…"))
        self.notes_button = QPushButton(self.tr("Notes…"))
        self.delete_button = QPushButton(self.tr("Delete…"))
        self.csv_button = QPushButton(self.tr("Export CSV…"))
        self.csv_button.setToolTip(self.tr("Save the trials of the selected searches as a table"))
        self.keep_spin = QSpinBox()
        self.keep_spin.setObjectName("keepBest")
        self.keep_spin.setRange(0, 1000)
        self.keep_spin.setValue(self._preference(KEEP_BEST, DEFAULT_KEEP_BEST, int))
        self.keep_spin.setPrefix(self.tr("keep best "))
        self.keep_spin.setToolTip(self.tr("How many trials keep their checkpoint when pruning"))
        self.auto_prune_check = QCheckBox(self.tr("after each search"))
        self.auto_prune_check.setObjectName("autoPrune")
        self.auto_prune_check.setToolTip(self.tr("When a search completes, keep only the checkpoints "
                                                 "of its best trials"))
        self.auto_prune_check.setChecked(self._preference(AUTO_PRUNE, False, bool))
        self.prune_button = QPushButton(self.tr("Prune checkpoints…"))
        self.prune_button.setToolTip(self.tr("Delete the weights of all but the best trials to free disk space"))
        self.tensorboard_button = QPushButton(self.tr("TensorBoard"))
        self.tensorboard_button.setToolTip(self.tr("Start TensorBoard on 127.0.0.1 for this search and open it"))
        actions = QHBoxLayout()
        for button in (self.open_button, self.rerun_button, self.resume_button, self.rename_button, self.notes_button,
                       self.delete_button, self.csv_button):
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.keep_spin)
        actions.addWidget(self.auto_prune_check)
        actions.addWidget(self.prune_button)
        actions.addWidget(self.tensorboard_button)

        # --- details: trials
        self.summary_label = QLabel(self.tr("Open a search to see its trials."))
        self.summary_label.setObjectName("historySummary")
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.trial_table = TrialTable()
        self.trial_table.setObjectName("historyTrials")
        self.trial_table.table_view.setObjectName("historyTrialTable")
        self.curves = CurvesPanel()
        self.curves.setObjectName("historyCurvesPlot")  # the window's live panels own the plain names
        self.confusion = ConfusionView()
        self.confusion.setObjectName("historyConfusionView")
        # Curves and confusion matrix share the height as tabs: both need room to be legible.
        self.trial_views = QTabWidget()
        self.trial_views.setObjectName("historyTrialViews")
        self.trial_views.addTab(self.curves, self.tr("Curves"))
        self.trial_views.addTab(self.confusion, self.tr("Confusion matrix"))
        trials_right = self.trial_views
        trials_split = QSplitter(Qt.Orientation.Horizontal)
        trials_split.addWidget(self.trial_table)
        trials_split.addWidget(trials_right)
        trials_split.setSizes([500, 800])
        trials_page = QWidget()
        trials_layout = QVBoxLayout(trials_page)
        trials_layout.setContentsMargins(2, 2, 2, 2)
        trials_layout.addWidget(self.summary_label)
        trials_layout.addWidget(trials_split, 1)

        # --- details: compare
        self.compare_list = QTreeWidget()
        self.compare_list.setObjectName("compareChoices")
        self.compare_list.setColumnCount(3)
        self.compare_list.setHeaderLabels([self.tr("Trial"), self.tr("Score"), self.tr("Status")])
        self.compare_list.setRootIsDecorated(True)
        self.compare_list.setUniformRowHeights(True)
        self.compare_list.setMinimumWidth(260)
        self.compare_button = QPushButton(self.tr("Compare ticked trials"))
        compare_hint = QLabel(self.tr("Tick two or more trials, from one search or several "
                                      "(select several searches above and open them)."))
        compare_hint.setWordWrap(True)
        choices = QWidget()
        choices_layout = QVBoxLayout(choices)
        choices_layout.setContentsMargins(0, 0, 0, 0)
        choices_layout.addWidget(compare_hint)
        choices_layout.addWidget(self.compare_list, 1)
        choices_layout.addWidget(self.compare_button)
        self.compare_view = CompareView()
        compare_page = QSplitter(Qt.Orientation.Horizontal)
        compare_page.addWidget(choices)
        compare_page.addWidget(self.compare_view)
        compare_page.setSizes([300, 1100])

        # --- details: scatter
        self.scatter = ScoreScatterView()

        self.tabs = QTabWidget()
        self.tabs.setObjectName("historyTabs")
        self.tabs.addTab(trials_page, self.tr("Trials"))
        self.tabs.addTab(compare_page, self.tr("Compare"))
        self.tabs.addTab(self.scatter, self.tr("Score vs hyperparameters"))

        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addLayout(filter_row)
        top_layout.addWidget(self.table, 1)
        top_layout.addLayout(actions)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(top)
        splitter.addWidget(self.tabs)
        splitter.setSizes([230, 670])  # about six searches visible above the details
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(splitter)

        # --- wiring
        self.filter_edit.textChanged.connect(self._on_filter_changed)
        self.status_combo.currentIndexChanged.connect(self._on_filter_changed)
        self.refresh_button.clicked.connect(self.refresh)
        self.table.doubleClicked.connect(lambda _index: self.open_selected())
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.open_button.clicked.connect(self.open_selected)
        self.rerun_button.clicked.connect(self.rerun_current)
        self.resume_button.clicked.connect(self.resume_current)
        self.rename_button.clicked.connect(self.rename_current)
        self.notes_button.clicked.connect(self.annotate_current)
        self.delete_button.clicked.connect(self.delete_selected)
        self.csv_button.clicked.connect(self.export_csv)
        self.prune_button.clicked.connect(self.prune_current)
        self.tensorboard_button.clicked.connect(self.open_tensorboard)
        self.keep_spin.valueChanged.connect(lambda value: self._set_preference(KEEP_BEST, value))
        self.auto_prune_check.toggled.connect(lambda on: self._set_preference(AUTO_PRUNE, on))
        # A stored search reaches these panels through the same model as a live one.
        self.search_model = SearchModel(self)
        for panel in (self.trial_table, self.curves, self.confusion):
            self.search_model.attach(panel)
        self.trial_table.trialSelected.connect(self._on_trial_selected)
        self.curves.trialClicked.connect(self._on_trial_selected)
        self.compare_button.clicked.connect(self.compare_checked)
        # Right-click and keys on the searches table do what the buttons do.
        for text, slot in ((self.tr("Open\tEnter"), self.open_selected),
                           (self.tr("Re-run…"), self.rerun_current),
                           (self.tr("Rename…\tF2"), self.rename_current),
                           (self.tr("Notes…"), self.annotate_current),
                           (self.tr("Export CSV…"), self.export_csv),
                           (self.tr("Prune checkpoints…"), self.prune_current),
                           (self.tr("TensorBoard"), self.open_tensorboard),
                           (self.tr("Delete…\tDel"), self.delete_selected)):
            action = QAction(text, self.table)
            action.triggered.connect(slot)
            self.table.addAction(action)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.table.installEventFilter(self)
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.stop_tensorboards)
        if self.store is not None:
            try:
                # Searches whose events never reached the database (the window crashed).
                self.store.import_unrecorded()
            except STORE_ERRORS as exc:
                self._store_error = str(exc)
        self.refresh()

    # ------------------------------------------------------------------ public API

    @Slot()
    def refresh(self) -> None:
        """Reload the searches (after a search ended, or on request); keeps the selection."""
        selected = set(self.selected_ids())
        if self.store is None:
            self._clear_details()
            self.summary_label.setText(self.tr("The history database cannot be opened: {error}")
                                       .format(error=self._store_error))
            self._update_buttons()
            return
        try:
            searches = self.store.list_searches()
        except STORE_ERRORS as exc:
            self._error(self.tr("Cannot read the history"), str(exc))
            return
        active = self._active_id()
        self._searches = {s["id"]: s for s in searches}
        self.table.setSortingEnabled(False)
        self._model.removeRows(0, self._model.rowCount())
        for search in searches:
            self._model.appendRow(self._row_items(search, active))
        self.table.setSortingEnabled(True)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        if selected:
            self.select_searches([i for i in selected if i in self._searches])
        for search_id in list(self._opened):
            if search_id not in self._searches:
                del self._opened[search_id]
        if not self._opened:
            self._clear_details()
        elif any(self._signature(self._searches[i]) != self._signature(s) for i, s in self._opened.items()):
            self.open_searches(list(self._opened))  # an opened search changed: show it as it is now
        self._measure_disk_use([s["id"] for s in searches if s.get("disk_bytes") is None])
        self._update_buttons()

    def follow(self, model) -> None:
        """Keep the table current while ``model`` (the window's live search) runs: the search
        appears when it starts and is updated when it ends (the recorder has written it by then)."""
        self._live_model = model
        model.search_started.connect(self.refresh)
        model.search_finished.connect(self.refresh)

    def _active_id(self) -> str | None:
        """The search this window is running now (recorded by the window's session)."""
        model = self._live_model
        if model is not None and model.state.status == "running":
            return model.state.search_id
        return getattr(self.store, "recording_search_id", None)

    def _preference(self, key: str, default: Any, kind: type) -> Any:
        return read_preference(self.store, key, default, kind)

    def _set_preference(self, key: str, value: Any) -> None:
        if self.store is not None:
            try:
                self.store.set_preference(key, value)
            except STORE_ERRORS as exc:
                log.warning("history preference %s not saved: %s", key, exc)

    def export_recorded(self) -> None:
        """An export was recorded: show it if its search is open."""
        if self._opened:
            self.open_searches(list(self._opened))

    def search_ids(self) -> list[str]:
        """Ids of the rows shown (after filter and sort), top to bottom."""
        return [self._proxy.index(r, 0).data(SEARCH_ID_ROLE) for r in range(self._proxy.rowCount())]

    def selected_ids(self) -> list[str]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self._proxy.index(r, 0).data(SEARCH_ID_ROLE) for r in rows]

    def select_searches(self, search_ids: list[str]) -> None:
        selection = self.table.selectionModel()
        selection.clearSelection()
        for row in range(self._proxy.rowCount()):
            if self._proxy.index(row, 0).data(SEARCH_ID_ROLE) in search_ids:
                selection.select(self._proxy.index(row, 0),
                                 selection.SelectionFlag.Select | selection.SelectionFlag.Rows)

    def set_filter(self, text: str = "", status: str = "") -> None:
        self.filter_edit.setText(text)
        index = self.status_combo.findData(status)
        self.status_combo.setCurrentIndex(max(index, 0))

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
                self._error(self.tr("Cannot open the search"), str(exc))
        if not opened:
            return
        previously_ticked = set(self.ticked_trials())
        self._opened = opened
        self._current_id = next(iter(opened))
        self._show_search(opened[self._current_id])
        self._fill_compare_choices(previously_ticked)
        all_trials = [t for s in opened.values() for t in s["trials"]]
        objective = opened[self._current_id].get("objective") or "val_accuracy"
        self.scatter.set_trials(all_trials, objective)
        self._update_buttons()
        self._measure_disk_use(list(opened))

    def _measure_disk_use(self, search_ids: list[str]) -> None:
        """Measure search folders off the GUI thread (a big search has thousands of files)."""
        from app.gui.worker import run_in_background

        active = self._active_id()
        for search_id in search_ids:
            search = self._searches.get(search_id) or {}
            folder = search.get("search_dir")
            if not folder or search_id == active or search_id in self._measuring or not Path(folder).is_dir():
                continue
            self._measuring.add(search_id)
            run_in_background(lambda f=folder: folder_size(f),
                              lambda total, i=search_id: self._on_disk_measured(i, total),
                              lambda _m, _t, i=search_id: self._measuring.discard(i), receiver=self)

    def _on_disk_measured(self, search_id: str, total: int) -> None:
        self._measuring.discard(search_id)
        search = self._searches.get(search_id)
        if search is None or self.store is None:
            return
        if search.get("disk_bytes") != total:
            try:
                self.store.set_disk_bytes(search_id, total)
            except STORE_ERRORS:
                return
            search["disk_bytes"] = total
        for row in range(self._model.rowCount()):
            if self._model.item(row, 0).data(SEARCH_ID_ROLE) == search_id:
                item = self._model.item(row, 6)
                item.setText(human_bytes(total))
                item.setData(total, SORT_ROLE)

    def current_search(self) -> dict | None:
        return self._opened.get(self._current_id) if self._current_id else None

    def _trial_items(self) -> list[QTreeWidgetItem]:
        items = []
        iterator = QTreeWidgetItemIterator(self.compare_list)
        while iterator.value() is not None:
            item = iterator.value()
            if item.data(0, Qt.ItemDataRole.UserRole):
                items.append(item)
            iterator += 1
        return items

    def ticked_trials(self) -> list[tuple[str, str]]:
        """(search id, trial id) of the trials ticked for comparison."""
        return [tuple(item.data(0, Qt.ItemDataRole.UserRole)) for item in self._trial_items()
                if item.checkState(0) == Qt.CheckState.Checked]

    def set_ticked_trials(self, keys: list[tuple[str, str]]) -> None:
        wanted = {tuple(k) for k in keys}
        for item in self._trial_items():
            key = tuple(item.data(0, Qt.ItemDataRole.UserRole))
            item.setCheckState(0, Qt.CheckState.Checked if key in wanted else Qt.CheckState.Unchecked)

    @Slot()
    def compare_checked(self) -> None:
        self.compare_trials(self.ticked_trials())

    def compare_trials(self, keys: list[tuple[str, str]]) -> None:
        """Compare trials given as (search id, trial id), from any opened search."""
        by_key = {(s_id, t["trial_id"]): dict(t, objective=s.get("objective"))
                  for s_id, s in self._opened.items() for t in s["trials"]}
        trials = [by_key[tuple(k)] for k in keys if tuple(k) in by_key]
        if len(trials) < 2:
            self.dialogs.inform(self.tr("Compare trials"), self.tr("Tick at least two trials to compare."))
            return
        self.set_ticked_trials([(t["search_id"], t["trial_id"]) for t in trials])
        self.compare_view.set_trials(trials)
        self.tabs.setCurrentIndex(1)

    # ------------------------------------------------------------------ actions

    @Slot()
    def rerun_current(self) -> None:
        search = self._target_search()
        if search is None:
            return
        config = dict(search.get("config") or {})
        if not config:
            self._error(self.tr("Re-run"), self.tr("This search has no stored options to re-run."))
            return
        base = config.get("name") or search.get("name") or ""
        config["name"] = f"{base} (re-run)".strip()
        self.rerunRequested.emit(config)

    @Slot()
    def resume_current(self) -> None:
        search = self._target_search()
        if search is None:
            return
        if not self._resumable(search):
            self._error(self.tr("Resume"), self.tr("Only a stopped or interrupted search whose folder "
                                                   "still exists can be resumed."))
            return
        self.resumeRequested.emit(str(search["search_dir"]))

    def _resumable(self, search: dict) -> bool:
        return (search.get("status") in ("cancelled", "running") and not self._is_live(search)
                and bool(search.get("search_dir")) and (Path(search["search_dir"]) / "search.json").is_file())

    @Slot()
    def rename_current(self) -> None:
        search = self._target_search()
        if search is None:
            return
        name = self.dialogs.ask_text(self.tr("Rename search"), self.tr("Name:"), search.get("name") or "")
        if name is None:
            return
        try:
            self.store.rename_search(search["id"], name)
        except STORE_ERRORS as exc:
            self._error(self.tr("Rename search"), str(exc))
            return
        self.refresh()

    @Slot()
    def annotate_current(self) -> None:
        search = self._target_search()
        if search is None:
            return
        notes = self.dialogs.ask_text(self.tr("Notes"), self.tr("Notes for {name}:").format(
            name=search.get("name") or search["id"]), search.get("notes") or "", multiline=True)
        if notes is None:
            return
        try:
            self.store.annotate_search(search["id"], notes)
        except STORE_ERRORS as exc:
            self._error(self.tr("Notes"), str(exc))
            return
        self.refresh()

    @Slot()
    def delete_selected(self) -> None:
        ids = self.selected_ids() or ([self._current_id] if self._current_id else [])
        if not ids or self.store is None:
            return
        if any(self._is_live(self._searches.get(i) or {"id": i}) for i in ids):
            self._error(self.tr("Delete"), self.tr("That search is still running; stop it first."))
            return
        names = [self._searches.get(i, {}).get("name") or i for i in ids]
        size = sum(self._searches.get(i, {}).get("disk_bytes") or 0 for i in ids)
        text = (self.tr("Delete {count} search(es) and their files ({size})?").format(
            count=len(ids), size=human_bytes(size))
                + "\n\n" + "\n".join(names[:10]) + ("\n…" if len(names) > 10 else "")
                + "\n\n" + self.tr("Checkpoints, logs and the record of every trial are removed. "
                                   "This cannot be undone."))
        if not self.dialogs.confirm(self.tr("Delete searches"), text):
            return
        for search_id in ids:
            try:
                try:
                    self.store.delete_search(search_id)
                except OutsideHomeError as exc:
                    # A folder chosen by the user (e.g. `search --workdir`): never deleted from here.
                    if not self.dialogs.confirm(self.tr("Delete searches"), str(exc) + "\n\n" + self.tr(
                            "Remove the search from the history and keep its folder?")):
                        continue
                    self.store.delete_search(search_id, delete_files=False)
            except STORE_ERRORS as exc:
                self._error(self.tr("Delete"), str(exc))
                continue
            self._opened.pop(search_id, None)
            self.searchDeleted.emit(search_id)
        self.refresh()

    @Slot()
    def export_csv(self) -> None:
        ids = self.selected_ids() or list(self._opened)
        if self.store is None:
            return
        if not ids:
            self.dialogs.inform(self.tr("Export CSV"), self.tr("Select one or more searches first."))
            return
        name = re.sub(r"[^\w.-]+", "-", self._searches.get(ids[0], {}).get("name") or "search").strip("-.")
        default = str(Path.home() / f"{name or 'search'}-trials.csv")
        path = self.dialogs.save_file(self.tr("Export trials as CSV"), default, self.tr("CSV files (*.csv)"))
        if not path:
            return
        try:
            text = self.store.trials_csv(ids)
            Path(path).write_text(text, encoding="utf-8")
        except STORE_ERRORS as exc:
            self._error(self.tr("Export CSV"), str(exc))
        except OSError as exc:
            self._error(self.tr("Export CSV"), self.tr("Cannot write {path}: {error}").format(
                        path=path, error=exc.strerror or str(exc)))

    @Slot()
    def prune_current(self) -> None:
        search = self._target_search()
        if search is None:
            return
        keep = self.keep_spin.value()
        text = self.tr("Keep the checkpoints of the best {count} trial(s) of “{name}” and delete the others' weights?"
                       ).format(count=keep, name=search.get("name") or search["id"])
        if search.get("status") != "completed":
            text += "\n\n" + self.tr("This search has not completed: a Hyperband search continues from "
                                      "these checkpoints when resumed.")
        if not self.dialogs.confirm(self.tr("Prune checkpoints"), text):
            return
        try:
            result = self.store.prune_checkpoints(search["id"], keep_best=keep)
        except STORE_ERRORS as exc:
            self._error(self.tr("Prune checkpoints"), str(exc))
            return
        self.refresh()
        self.dialogs.inform(
            self.tr("Prune checkpoints"),
            self.tr("Removed {count} checkpoint(s), freed {size}.").format(
                count=len(result["removed"]), size=human_bytes(result["freed_bytes"])))

    @Slot()
    def open_tensorboard(self) -> None:
        search = self._target_search()
        if search is None:
            return
        from app.core.tensorboard_tools import tensorboard_logdir

        if not search.get("search_dir") or not Path(search["search_dir"]).is_dir():
            self._error(self.tr("TensorBoard"), self.tr("The folder of this search no longer exists."))
            return
        logdir = str(tensorboard_logdir(search["search_dir"]))
        running = self._tensorboards.get(logdir)
        if running is not None and running[0].poll() is None:
            QDesktopServices.openUrl(QUrl(running[1]))
            return
        from app.gui.worker import run_in_background

        self.tensorboard_button.setEnabled(False)
        self.tensorboard_button.setText(self.tr("Starting TensorBoard…"))
        run_in_background(lambda: _start_tensorboard(logdir),
                          lambda result: self._on_tensorboard_started(logdir, result),
                          self._on_tensorboard_failed, receiver=self)

    def _on_tensorboard_started(self, logdir: str, result) -> None:
        self._reset_tensorboard_button()
        process, url = result
        self._tensorboards[logdir] = (process, url)
        QDesktopServices.openUrl(QUrl(url))

    def _on_tensorboard_failed(self, message: str, _traceback: str = "") -> None:
        self._reset_tensorboard_button()
        self._error(self.tr("TensorBoard"), message)

    def _reset_tensorboard_button(self) -> None:
        self.tensorboard_button.setText(self.tr("TensorBoard"))
        self._update_buttons()

    @Slot()
    def stop_tensorboards(self) -> None:
        """Stop every TensorBoard this view started (the app calls it on quit)."""
        from app.core.tensorboard_tools import stop_tensorboard

        for process, _url in self._tensorboards.values():
            stop_tensorboard(process)
        self._tensorboards.clear()

    # ------------------------------------------------------------------ details

    def _show_search(self, search: dict) -> None:
        self.summary_label.setText(self._summary_html(search))
        self.summary_label.setToolTip(self._summary_tooltip(search))
        trials = search["trials"]
        self.search_model.load_stored(search)
        best = search.get("best_trial_id")
        shown = best if best is not None else (trials[-1]["trial_id"] if trials else None)
        if shown is not None:
            self.trial_table.select_trial(shown)
            self._on_trial_selected(shown)

    def _summary_html(self, search: dict) -> str:
        """A few dense lines about a search; folder and package versions go in the tooltip."""
        status = self._display_status(search)
        best = search.get("best_score")
        best_trial = next((t for t in search.get("trials", []) if t["trial_id"] == search.get("best_trial_id")), None)
        lines = [f"<b style='font-size: 11pt'>{_esc(search.get('name') or search['id'])}</b> &nbsp;{_esc(status)}"
                 + " &nbsp;·&nbsp; " + self.tr("best {objective} <b>{score}</b> ({trial}) · {completed} of {total} "
                                               "trials completed").format(
                     objective=_esc(search.get("objective") or self.tr("score")), score=format_score(best),
                     trial=_esc(trial_label(best_trial, with_search=False) if best_trial else "–"),
                     completed=search.get("completed_trials", 0), total=search.get("trial_count", 0))]
        if search.get("error"):
            failed = theme.colors(self.palette()).failed.name()
            lines.append(f"<span style='color:{failed}'>{_esc(search['error'])}</span>")
        if search.get("best_hyperparameters"):
            lines.append(self.tr("Best hyperparameters: ") + ", ".join(
                f"{_esc(k)} = <b>{_esc(format_value(v))}</b>" for k, v in search["best_hyperparameters"].items()))
        classes = search.get("classes") or []
        lines.append(self.tr("Dataset: ") + f"{_esc(search.get('data_dir') or '–')} · "
                     + self.tr("{count} class(es)").format(count=len(classes))
                     + (f" ({_esc(', '.join(classes[:8]))}{'…' if len(classes) > 8 else ''})" if classes else "")
                     + (f" · {self.tr('fingerprint')} {_esc(search['dataset_fingerprint'][:12])}"
                        if search.get("dataset_fingerprint") else ""))
        disk = self._searches.get(search["id"], {}).get("disk_bytes", search.get("disk_bytes"))
        lines.append(self.tr("Started {started} · ended {ended} · {device} · seed {seed} · disk use {size}").format(
                     started=human_time(search.get("started_at")), ended=human_time(search.get("ended_at")),
                     device=_esc(search.get("device") or self.tr("device unknown")),
                     seed=_esc(search.get("seed") if search.get("seed") is not None else "–"),
                     size=human_bytes(disk)))
        if search.get("exports"):
            last = search["exports"][-1]
            check = last.get("self_check") or {}
            verdict = (self.tr("self-check passed") if check.get("passed")
                       else self.tr("self-check failed") if check else "")
            lines.append(self.tr("Exported trial {trial} to {folder} {verdict}").format(
                trial=_esc(last.get("trial_id")), folder=_esc(last.get("folder")), verdict=verdict))
        warnings = [n["message"] for n in search.get("notices") or [] if n.get("level") == "warning"]
        for message in warnings[:3]:
            lines.append(f"⚠ {_esc(message)}")
        if len(warnings) > 3:
            lines.append(self.tr("⚠ and {count} more warning(s)").format(count=len(warnings) - 3))
        if search.get("notes"):
            lines.append(self.tr("Notes: ") + f"<i>{_esc(search['notes'])}</i>")
        return "<br>".join(lines)

    def _summary_tooltip(self, search: dict) -> str:
        versions = search.get("versions") or {}
        return "\n".join(filter(None, [
            f"{self.tr('Search')} {search['id']}",
            f"{self.tr('Folder')} {search.get('search_dir') or '–'}",
            ", ".join(f"{k} {v}" for k, v in versions.items()),
        ]))

    @Slot(str)
    def _on_trial_selected(self, trial_id: str) -> None:
        self.curves.show_trial(trial_id)
        self.confusion.show_trial(trial_id)

    def _fill_compare_choices(self, previously_ticked: set) -> None:
        self.compare_list.clear()
        several = len(self._opened) > 1
        default: set = set()
        if not previously_ticked:
            # Start with something to compare: the best trial of each search, or the best two.
            for search in self._opened.values():
                ranked = sorted((t for t in search["trials"] if t["status"] == "COMPLETED" and t["score"] is not None),
                                key=lambda t: t["score"], reverse=not lower_is_better(search.get("objective")))
                for trial in ranked[:1 if several else 2]:
                    default.add((search["id"], trial["trial_id"]))
        for search in self._opened.values():
            parent = QTreeWidgetItem([search.get("name") or search["id"]])
            parent.setFirstColumnSpanned(True)
            parent.setToolTip(0, search["id"])
            parent.setFlags(parent.flags() & ~Qt.ItemFlag.ItemIsSelectable)
            self.compare_list.addTopLevelItem(parent)
            for trial in search["trials"]:
                score = format_score(trial["score"])
                item = QTreeWidgetItem([trial_label(trial, with_search=False), score, trial["status"].lower()])
                key = (search["id"], trial["trial_id"])
                item.setData(0, Qt.ItemDataRole.UserRole, list(key))
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                ticked = key in previously_ticked or key in default
                item.setCheckState(0, Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
                item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                color = theme.status_color(trial["status"], self.palette())
                if color is not None:
                    item.setForeground(2, QBrush(color))
                parent.addChild(item)
            parent.setExpanded(True)
        for column in range(3):
            self.compare_list.resizeColumnToContents(column)
        keys = self.ticked_trials()
        if len(keys) >= 2:
            by_key = {(s_id, t["trial_id"]): dict(t, objective=s.get("objective"))
                      for s_id, s in self._opened.items() for t in s["trials"]}
            self.compare_view.set_trials([by_key[k] for k in keys])
        else:
            self.compare_view.set_trials([])

    def _clear_details(self) -> None:
        self._opened = {}
        self._current_id = None
        self.summary_label.setText(self.tr("Open a search to see its trials."))
        self.search_model.clear()
        self.compare_list.clear()
        self.compare_view.set_trials([])
        self.scatter.set_trials([])

    # ------------------------------------------------------------------ helpers

    def _row_items(self, search: dict, active: str | None) -> list[QStandardItem]:
        status = self._display_status(search, active)
        values = [
            (search.get("name") or search["id"], (search.get("name") or "").lower()),
            (search.get("data_dir") or "–", search.get("data_dir") or ""),
            (status, search.get("status")),
            (human_time(search.get("started_at")), search.get("started_at") or 0.0),
            (format_score(search.get("best_score")),
             search.get("best_score") if search.get("best_score") is not None else -math.inf),
            (f"{search.get('completed_trials', 0)}/{search.get('trial_count', 0)}", search.get("trial_count", 0)),
            (human_bytes(search.get("disk_bytes")), search.get("disk_bytes") or 0),
        ]
        items = []
        color = theme.status_color({"failed": "FAILED", "cancelled": "CANCELLED", "running": "RUNNING"}
                                   .get(search.get("status"), ""), self.palette())
        for col, (text, sort_key) in enumerate(values):
            item = QStandardItem(str(text))
            item.setData(sort_key, SORT_ROLE)
            item.setEditable(False)
            if col in (4, 5, 6):
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if col == 2 and color is not None:
                item.setForeground(QBrush(color))
            items.append(item)
        items[0].setData(search["id"], SEARCH_ID_ROLE)
        items[0].setData(" ".join(str(search.get(k) or "") for k in ("name", "data_dir", "notes", "id")).lower(),
                         Qt.ItemDataRole.UserRole + 3)
        tip = f"{search['id']}" + (f"\n{search['notes']}" if search.get("notes") else "")
        if search.get("error"):
            tip += f"\n{search['error']}"
        items[0].setToolTip(tip)
        items[1].setToolTip(search.get("data_dir") or "")
        items[4].setToolTip(self.tr("best {objective}").format(objective=search.get("objective") or self.tr("score")))
        return items

    @staticmethod
    def _signature(search: dict) -> tuple:
        """What the table knows of a search; when it is unchanged an opened search needs no reload."""
        return tuple(search.get(k) for k in ("name", "notes", "status", "ended_at", "best_score",
                                               "trial_count", "completed_trials", "disk_bytes"))

    def _is_live(self, search: dict, active: str | None = None) -> bool:
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

    def _display_status(self, search: dict, active: str | None = None) -> str:
        status = search.get("status") or ""
        if status == "running":
            return self.tr("running") if self._is_live(search, active) else self.tr("interrupted")
        return {"completed": self.tr("completed"), "cancelled": self.tr("cancelled"),
                "failed": self.tr("failed")}.get(status, status)

    def _target_search(self) -> dict | None:
        """The search an action applies to: the selected one, else the opened one."""
        if self.store is None:
            self._error(self.tr("History"), self.tr("The history database cannot be opened: {error}")
                        .format(error=self._store_error))
            return None
        ids = self.selected_ids()
        search_id = ids[0] if ids else self._current_id
        if not search_id:
            self.dialogs.inform(self.tr("History"), self.tr("Select a search first."))
            return None
        search = self._opened.get(search_id) or self._searches.get(search_id)
        if search is None:
            try:
                search = self.store.get_search(search_id)
            except STORE_ERRORS as exc:
                self._error(self.tr("History"), str(exc))
                return None
        return search

    @Slot()
    def _on_filter_changed(self, *_args) -> None:
        self._proxy.set_filter(self.filter_edit.text(), self.status_combo.currentData() or "")

    @Slot()
    def _update_buttons(self, *_args) -> None:
        has_target = self.store is not None and bool(self.selected_ids() or self._current_id)
        for button in (self.open_button,):
            button.setEnabled(bool(self.selected_ids()))
        for button in (self.rerun_button, self.rename_button, self.notes_button, self.delete_button,
                       self.csv_button, self.prune_button):
            button.setEnabled(has_target)
        ids = self.selected_ids()
        target = self._searches.get(ids[0] if ids else self._current_id or "")
        self.resume_button.setEnabled(has_target and target is not None and self._resumable(target))
        starting = self.tensorboard_button.text() != self.tr("TensorBoard")
        self.tensorboard_button.setEnabled(has_target and not starting)

    def _error(self, title: str, message: str) -> None:
        self.dialogs.error(title, message)

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
        if event.type() == QEvent.Type.PaletteChange and self._opened:
            self.scatter.set_trials([t for s in self._opened.values() for t in s["trials"]],
                                    self.current_search().get("objective") or "val_accuracy")
        super().changeEvent(event)


def _esc(text: Any) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _start_tensorboard(logdir: str):
    from app.core.tensorboard_tools import start_tensorboard

    return start_tensorboard(logdir)


