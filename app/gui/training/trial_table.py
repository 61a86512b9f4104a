"""The table of a search's trials: status, score, duration and every hyperparameter.

The table draws the search's :class:`~app.core.search.search_state.SearchState` (the window's search
model's once attached, see ``app/gui/widgets/state_panel.py``), so status, score and best trial are the
state's. ``app/gui/training/trial_table_model.py`` is the Qt model, ``app/gui/training/trial_filters.py`` sorts on
raw values (numbers as numbers, empty cells always last) and filters by status,
``app/gui/training/trial_cells.py`` says what each cell shows. The best trial's row is highlighted; a
failed trial shows its error's last line in the "Note" column and the whole message in a tooltip.
"""
from __future__ import annotations

import json

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QHBoxLayout, QHeaderView, QLabel,
                               QVBoxLayout, QWidget)

from app.core.search.search_state import SearchState
from app.gui.text import core_text
from app.gui.paint import theme
from app.gui.widgets.state_panel import StatePanel
from app.gui.widgets.table_views import row_table
from app.gui.training.trial_cells import FIXED_COLUMNS, STATUS_TEXT, TRIAL_ID_ROLE, tr
from app.gui.training.trial_filters import STATUS_FILTERS, TrialSortProxy
from app.gui.training.trial_table_model import TrialTableModel

# The widest text each fixed column will hold later, so columns need not grow as a search runs.
_LATER_TEXTS = {"#": "\u2605 000", "Status": max(map(core_text.status_word, STATUS_TEXT), key=len),
                "Score": "0.0000", "Duration": "00 m 00 s", "Epochs": "000/000"}


class TrialTable(QWidget, StatePanel):
    """Trials of a search in a sortable table; emits ``trialSelected`` with a row's trial id."""

    trialSelected = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._init_state()
        self._seconds_shown: dict[str, int] = {}  # whole seconds each row's duration shows
        self._model = TrialTableModel(self._state, self)
        self._proxy = TrialSortProxy(self)
        self._proxy.setSourceModel(self._model)

        self.table_view = row_table(self._proxy, 0, Qt.SortOrder.AscendingOrder,
                                    QAbstractItemView.SelectionMode.SingleSelection)
        self.table_view.setObjectName("trialTable")
        self.table_view.setAccessibleName(self.tr("Trials"))
        self.table_view.setWordWrap(False)
        self.table_view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table_view.verticalHeader().setDefaultSectionSize(self.table_view.fontMetrics().height() + 8)
        header = self.table_view.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setHighlightSections(False)
        self.table_view.selectionModel().currentRowChanged.connect(self._on_current_row_changed)
        self._model.columnsInserted.connect(self._fit_columns)

        self._filter = QComboBox()
        self._filter.setObjectName("trialStatusFilter")
        self._filter.addItems([tr(label) for label in STATUS_FILTERS])
        self._filter.setToolTip(self.tr("Show only trials with this status"))
        self._filter.currentIndexChanged.connect(self._on_filter_changed)
        self._count_label = QLabel()
        self._count_label.setObjectName("trialCount")
        self._show_fixed = QCheckBox(self.tr("Unvaried hyperparameters"))
        self._show_fixed.setObjectName("showFixedHyperparameters")
        self._show_fixed.setToolTip(self.tr(
            "Also show hyperparameter columns whose value is the same in every trial"))
        self._show_fixed.toggled.connect(self._update_hidden_columns)

        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self._count_label, 1)
        bar.addWidget(self._show_fixed)
        bar.addSpacing(8)
        bar.addWidget(QLabel(self.tr("Show:")))
        bar.addWidget(self._filter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(bar)
        layout.addWidget(self.table_view, 1)
        self._update_count()

    # ------------------------------------------------------------------ events (after the state's)

    def on_search_started(self, event: dict) -> None:
        self._rebuild_view()  # a resumed search keeps its earlier trials

    def on_trial_started(self, event: dict) -> None:
        # Follow new trials down the table unless the user scrolled away to read.
        scrollbar = self.table_view.verticalScrollBar()
        follow = scrollbar.value() >= scrollbar.maximum()
        trial = self._model.trial(event.get("trial_id"))
        self._seconds_shown.pop(trial.trial_id, None)
        self._model.trial_changed(trial)
        self._update_hidden_columns()
        if follow:
            self.table_view.doItemsLayout()  # the new row must be laid out to scroll to it
            self.table_view.scrollTo(self._proxy.mapFromSource(
                self._model.index(self._model.row_of(trial.trial_id), 0)))
        self._update_count()

    def on_batch_ended(self, event: dict) -> None:
        trial = self._model.trial(event.get("trial_id"))
        if self._duration_moved(trial):
            self._model.trial_changed(trial)

    def on_epoch_ended(self, event: dict) -> None:
        trial = self._model.trial(event.get("trial_id"))
        self._duration_moved(trial)
        self._model.trial_changed(trial)  # epochs and the live score moved

    def on_trial_ended(self, event: dict) -> None:
        self._model.trial_changed(self._model.trial(event.get("trial_id")))
        self._model.follow_best()
        self._update_count()

    def on_search_finished(self, event: dict) -> None:
        # The final summaries may name trials never seen live; running ones are settled now.
        self._model.sync()
        self._model.all_changed()
        self._model.follow_best()
        self._update_hidden_columns()
        self._update_count()

    # ------------------------------------------------------------------ public API

    def load_trials(self, trials: list[dict], objective: str | None = None) -> None:
        """Show stored trials (summaries as in ``trial_ended`` / ``search_finished``)."""
        self._load_state(trials, objective)
        self._rebuild_view()
        self._fit_columns()

    def row_count(self) -> int:
        """Rows shown (after the status filter)."""
        return self._proxy.rowCount()

    def best_trial_id(self) -> str | None:
        return self._model.best_trial_id()

    def select_trial(self, trial_id: str) -> bool:
        """Select a trial's row (emits ``trialSelected``); False if it is not shown."""
        for row in range(self._proxy.rowCount()):
            index = self._proxy.index(row, 0)
            if index.data(TRIAL_ID_ROLE) == str(trial_id):
                self.table_view.selectionModel().setCurrentIndex(
                    index, QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows)
                self.table_view.scrollTo(index)
                return True
        return False

    def selected_trial_id(self) -> str | None:
        """The trial of the current row, or None when no row is selected."""
        index = self.table_view.selectionModel().currentIndex()
        if not index.isValid() or not self.table_view.selectionModel().isRowSelected(
                index.row(), index.parent()):
            return None
        return index.data(TRIAL_ID_ROLE)

    def visible_columns(self) -> list[str]:
        """Column names not hidden (unvaried hyperparameters are hidden unless asked for)."""
        return [name for c, name in enumerate(self._model.columns())
                if not self.table_view.isColumnHidden(c)]

    def set_show_unvaried(self, show: bool) -> None:
        self._show_fixed.setChecked(show)

    def columns(self) -> list[str]:
        """Column names (hyperparameters by their keys)."""
        return self._model.columns()

    def column_texts(self, column: str) -> list[str]:
        """A column's texts in on-screen (sorted, filtered) order. For tests."""
        c = self._model.columns().index(column)
        return [self._proxy.index(r, c).data() for r in range(self._proxy.rowCount())]

    def cell(self, trial_id: str, column: str, role=Qt.ItemDataRole.DisplayRole):
        """One cell's data for a trial (any role). For tests."""
        c = self._model.columns().index(column)
        for row in range(self._proxy.rowCount()):
            index = self._proxy.index(row, c)
            if index.data(TRIAL_ID_ROLE) == str(trial_id):
                return index.data(role)
        raise KeyError(f"trial {trial_id!r} is not shown")

    def set_status_filter(self, label: str) -> None:
        """Choose a filter by its label (a key of STATUS_FILTERS)."""
        self._filter.setCurrentIndex(list(STATUS_FILTERS).index(label))

    # ------------------------------------------------------------------ internals

    def observe_state(self, state: SearchState) -> None:
        self._model.set_state(state)
        super().observe_state(state)

    def _rebuild_view(self) -> None:
        """Rows for every trial of the state, from scratch."""
        self._seconds_shown.clear()
        self._model.clear()
        self._model.sync()
        self._model.follow_best()
        self._update_hidden_columns()
        self._update_count()

    def _duration_moved(self, trial) -> bool:
        """Whether the trial's duration crossed a whole second (the state times every batch).

        Only whole-second changes are visible; the rest are skipped to keep sorting calm.
        """
        if trial.duration is None:
            return False
        seconds = int(trial.duration)
        if self._seconds_shown.get(trial.trial_id) == seconds:
            return False
        self._seconds_shown[trial.trial_id] = seconds
        return True

    def _update_hidden_columns(self, *_args) -> None:
        """Hide hyperparameters every trial shares (fixed in the search space), once 2+ trials ran.

        With a dozen fixed settings beside three searched ones, the columns that can explain a
        score difference would otherwise scroll out of sight.
        """
        trials = self._model.trials()
        show_all = self._show_fixed.isChecked() or len(trials) < 2
        first_hp = len(FIXED_COLUMNS)
        for offset, name in enumerate(self._model.hyperparameter_names()):
            if show_all:
                hidden = False
            else:
                values = {json.dumps(t.hyperparameters.get(name), sort_keys=True, default=str)
                          for t in trials}
                # A staged transfer search's stage stays in sight: it says what each trial trained.
                hidden = len(values) == 1 and name != "stage"
            self.table_view.setColumnHidden(first_hp + offset, hidden)

    def _update_count(self) -> None:
        total = len(self._model.trials())
        shown = self._proxy.rowCount()
        max_trials = self._state.max_trials
        if isinstance(max_trials, int):
            text = self.tr("{n} of {total} trials").format(n=total, total=max_trials)
        else:
            text = self.tr("{n} trials").format(n=total)
        if shown != total:
            text += self.tr(" \u00b7 {shown} shown").format(shown=shown)
        self._count_label.setText(text)

    def _fit_columns(self, *_args) -> None:
        """Size columns to their contents, allowing for texts that will come later."""
        self.table_view.resizeColumnsToContents()
        header = self.table_view.horizontalHeader()
        bold = QFont(self.table_view.font())
        bold.setBold(True)
        metrics = QFontMetrics(bold)  # the best row is bold
        for column, name in enumerate(self._model.columns()):
            width = header.sectionSize(column)
            if name in _LATER_TEXTS:
                width = max(width, metrics.horizontalAdvance(_LATER_TEXTS[name]) + 16)
            header.resizeSection(column, min(width, 220))

    def _on_current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            trial_id = current.data(TRIAL_ID_ROLE)
            if trial_id is not None:
                self.trialSelected.emit(str(trial_id))

    def _on_filter_changed(self, index: int) -> None:
        self._proxy.set_status_filter(list(STATUS_FILTERS.values())[index])
        self._update_count()

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.PaletteChange:
            self._model.set_colors(theme.colors(self.palette()))
        super().changeEvent(event)
