"""The table of a search's trials: status, score, duration and every hyperparameter.

A ``QAbstractTableModel`` holds one row per trial; a ``QSortFilterProxyModel`` sorts it on raw
values (numbers as numbers, empty cells always last) and filters it by status. Hyperparameter
columns are the union over all trials, added as new names appear. The best trial's row is
highlighted; a failed trial shows its error's last line in the "Note" column and the whole
message in a tooltip.
"""
from __future__ import annotations

import json
import re

from PySide6.QtCore import (QT_TRANSLATE_NOOP, QAbstractTableModel, QCoreApplication, QEvent, QItemSelectionModel,
                            QModelIndex, QSortFilterProxyModel, Qt, Signal)
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QHBoxLayout,
                               QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget)

from app.core.events import SearchListener, dispatch
from app.core.formatting import format_duration, format_score
from app.core.search_state import best_trial, finite_or_none, normalize_status, settle_status
from app.gui import core_text, theme

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
TRIAL_ID_ROLE = Qt.ItemDataRole.UserRole + 2
FIXED_COLUMNS = ("#", "Status", "Score", "Duration", "Epochs")
NOTE_COLUMN = "Note"
MAX_TOOLTIP_CHARS = 3000
_QUALIFIED_EXCEPTION = re.compile(r"^(?:[A-Za-z_]\w*\.)+([A-Za-z_]\w*(?::|$))")

STATUS_TEXT = {"RUNNING": "running", "COMPLETED": "completed", "FAILED": "failed",
               "INVALID": "invalid", "STOPPED": "stopped", "CANCELLED": "cancelled"}
# Filter choices: label -> statuses shown.
STATUS_FILTERS = {
    QT_TRANSLATE_NOOP("TrialTable", "All trials"): None,
    QT_TRANSLATE_NOOP("TrialTable", "Completed"): {"COMPLETED"},
    QT_TRANSLATE_NOOP("TrialTable", "Running"): {"RUNNING"},
    QT_TRANSLATE_NOOP("TrialTable", "Failed"): {"FAILED", "INVALID"},
    QT_TRANSLATE_NOOP("TrialTable", "Stopped / cancelled"): {"STOPPED", "CANCELLED"},
}
# The fixed columns' headers as shown (the names above are the columns' ids).
COLUMN_TITLES = {"#": "#", "Status": QT_TRANSLATE_NOOP("TrialTable", "Status"),
                 "Score": QT_TRANSLATE_NOOP("TrialTable", "Score"),
                 "Duration": QT_TRANSLATE_NOOP("TrialTable", "Duration"),
                 "Epochs": QT_TRANSLATE_NOOP("TrialTable", "Epochs"), "Note": QT_TRANSLATE_NOOP("TrialTable", "Note")}


# Why a trial ended before the epochs it was planned (trial_ended's "stopped").
STOPPED_TEXT = {"budget": QT_TRANSLATE_NOOP("TrialTable", "ended early: the time budget ran out"),
                "user": QT_TRANSLATE_NOOP("TrialTable", "ended early: you pressed Stop"),
                "pruned": QT_TRANSLATE_NOOP("TrialTable", "ended early: clearly behind the best trial")}


def _tr(text: str) -> str:
    return QCoreApplication.translate("TrialTable", text)


def _note(status: str, message: str) -> str:
    """The line of a failure message worth reading first: the exception, not the traceback."""
    lines = [line.strip() for line in (message or "").strip().splitlines() if line.strip()]
    if not lines:
        return ""
    if status in ("FAILED", "INVALID"):
        # "tensorflow.python.framework.errors_impl.ResourceExhaustedError: OOM ..." reads
        # better without the module path.
        return _QUALIFIED_EXCEPTION.sub(r"\1", lines[-1])
    return lines[0]


class _Trial:
    __slots__ = ("trial_id", "number", "status", "score", "live_score", "duration", "start_time",
                 "epochs_done", "planned_epochs", "message", "hyperparameters")

    def __init__(self, trial_id: str) -> None:
        self.trial_id = trial_id
        self.number: int | None = None
        self.status = "RUNNING"
        self.score: float | None = None
        self.live_score: float | None = None
        self.duration: float | None = None
        self.start_time: float | None = None
        self.epochs_done = 0
        self.planned_epochs: int | None = None
        self.message = ""
        self.hyperparameters: dict = {}


class TrialTableModel(QAbstractTableModel):
    """One row per trial, in the order trials appeared."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._trials: list[_Trial] = []
        self._rows: dict[str, int] = {}
        self._hp_names: list[str] = []
        self._best_id: str | None = None
        self.objective = "val_accuracy"
        self._colors = theme.colors()
        self._bold = theme.bold(QFont())

    # ---------------------------------------------------------------- structure

    def columns(self) -> list[str]:
        return [*FIXED_COLUMNS, *self._hp_names, NOTE_COLUMN]

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 (Qt API)
        return 0 if parent.isValid() else len(self._trials)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(FIXED_COLUMNS) + len(self._hp_names) + 1

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal:
            return None
        columns = self.columns()
        if not 0 <= section < len(columns):
            return None
        name = columns[section]
        is_hp = len(FIXED_COLUMNS) <= section < len(FIXED_COLUMNS) + len(self._hp_names)
        if role == Qt.ItemDataRole.DisplayRole:
            return core_text.hp_label(name) if is_hp else _tr(COLUMN_TITLES.get(name, name))
        if role == Qt.ItemDataRole.ToolTipRole:
            if is_hp:
                return self.tr("Hyperparameter: {name}").format(name=core_text.hp_label(name))
            if name == "Score":
                return self.tr("Best {objective} of the trial").format(objective=self.objective)
            return None
        return None

    # ---------------------------------------------------------------- editing (from the widget)

    def clear(self) -> None:
        self.beginResetModel()
        self._trials.clear()
        self._rows.clear()
        self._hp_names.clear()
        self._best_id = None
        self.endResetModel()

    def trial(self, trial_id) -> _Trial:
        """The trial's record, adding a row for a new id."""
        trial_id = str(trial_id)
        row = self._rows.get(trial_id)
        if row is not None:
            return self._trials[row]
        trial = _Trial(trial_id)
        self.beginInsertRows(QModelIndex(), len(self._trials), len(self._trials))
        self._rows[trial_id] = len(self._trials)
        self._trials.append(trial)
        self.endInsertRows()
        return trial

    def add_hyperparameters(self, values: dict) -> None:
        new = [str(k) for k in values if str(k) not in self._hp_names]
        if not new:
            return
        first = len(FIXED_COLUMNS) + len(self._hp_names)
        self.beginInsertColumns(QModelIndex(), first, first + len(new) - 1)
        self._hp_names.extend(new)
        self.endInsertColumns()

    def trial_changed(self, trial: _Trial) -> None:
        row = self._rows[trial.trial_id]
        self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))

    def set_best(self, trial_id: str | None) -> None:
        if trial_id == self._best_id:
            return
        old, self._best_id = self._best_id, trial_id
        for tid in (old, trial_id):
            if tid in self._rows:
                self.trial_changed(self._trials[self._rows[tid]])

    def best_trial_id(self) -> str | None:
        return self._best_id

    def row_of(self, trial_id: str) -> int:
        return self._rows[str(trial_id)]

    def trials(self) -> list[_Trial]:
        return list(self._trials)

    def recompute_best(self) -> None:
        best = best_trial(({"trial_id": t.trial_id, "status": t.status, "score": t.score}
                           for t in self._trials), self.objective)
        self.set_best(best["trial_id"] if best else None)

    def set_colors(self, colors: theme.Colors) -> None:
        self._colors = colors
        if self._trials:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self._trials) - 1, self.columnCount() - 1))

    # ---------------------------------------------------------------- cells

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        trial = self._trials[index.row()]
        column = self.columns()[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(trial, column)
        if role == SORT_ROLE:
            return self._sort_value(trial, column)
        if role == TRIAL_ID_ROLE:
            return trial.trial_id
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(trial, column)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column in ("Status", NOTE_COLUMN):
                return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            if column in FIXED_COLUMNS:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            value = self._sort_value(trial, column)
            numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
            return int((Qt.AlignmentFlag.AlignRight if numeric else Qt.AlignmentFlag.AlignLeft)
                       | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole:
            if column in ("Status", NOTE_COLUMN):
                return theme.status_color(trial.status)
            if column == "Score" and trial.score is None and trial.live_score is not None:
                return self._colors.muted
            return None
        if role == Qt.ItemDataRole.BackgroundRole:
            return self._colors.best_row if trial.trial_id == self._best_id else None
        if role == Qt.ItemDataRole.FontRole:
            if trial.trial_id == self._best_id:
                return self._bold
            if column == "Score" and trial.score is None and trial.live_score is not None:
                font = QFont()
                font.setItalic(True)
                return font
        return None

    def _text(self, trial: _Trial, column: str) -> str:
        if column == "#":
            number = str(trial.number or trial.trial_id)
            return f"\u2605 {number}" if trial.trial_id == self._best_id else number
        if column == "Status":
            return core_text.status_word(trial.status)
        if column == "Score":
            if trial.score is None and trial.status == "RUNNING":
                return format_score(trial.live_score)
            return format_score(trial.score)
        if column == "Duration":
            return format_duration(trial.duration)
        if column == "Epochs":
            if trial.planned_epochs and trial.status == "RUNNING":
                return f"{trial.epochs_done}/{trial.planned_epochs}"
            return str(trial.epochs_done)
        if column == NOTE_COLUMN:
            return _tr(_note(trial.status, trial.message))
        if column in trial.hyperparameters:
            return core_text.value_text(trial.hyperparameters[column])
        return ""

    def _sort_value(self, trial: _Trial, column: str):
        if column == "#":
            return trial.number or trial.trial_id
        if column == "Status":
            return STATUS_TEXT.get(trial.status, trial.status.lower())
        if column == "Score":
            return trial.score if trial.score is not None else (
                trial.live_score if trial.status == "RUNNING" else None)
        if column == "Duration":
            return trial.duration
        if column == "Epochs":
            return trial.epochs_done
        if column == NOTE_COLUMN:
            return _note(trial.status, trial.message) or None
        return trial.hyperparameters.get(column)

    def _tooltip(self, trial: _Trial, column: str) -> str | None:
        if column in ("Status", NOTE_COLUMN, "#") and trial.message:
            message = _tr(trial.message)
            if len(message) > MAX_TOOLTIP_CHARS:
                message = "\u2026" + message[-MAX_TOOLTIP_CHARS:]
            return message
        if column == "Score":
            if trial.score is None and trial.live_score is not None and trial.status == "RUNNING":
                return self.tr("{objective} of the latest epoch (trial still running)").format(
                    objective=self.objective)
            if trial.trial_id == self._best_id:
                return self.tr("Best trial: {objective} {score:.6g}").format(objective=self.objective,
                                                                            score=trial.score)
            return None
        if column == "#" and trial.trial_id == self._best_id:
            return self.tr("Best trial")
        if column in trial.hyperparameters:
            value = trial.hyperparameters[column]
            return f"{core_text.hp_label(column)} = {value!r}" if isinstance(value, float) else None
        return None


class TrialSortProxy(QSortFilterProxyModel):
    """Sorts on raw values (numbers numerically, empty cells last either way); filters status."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(True)
        self._statuses: set[str] | None = None

    def set_status_filter(self, statuses: set[str] | None) -> None:
        self.beginFilterChange()
        self._statuses = statuses
        self.endFilterChange()

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex) -> bool:  # noqa: N802
        if self._statuses is None:
            return True
        model = self.sourceModel()
        return model.trials()[source_row].status in self._statuses

    def lessThan(self, left: QModelIndex, right: QModelIndex) -> bool:  # noqa: N802
        a = left.data(SORT_ROLE)
        b = right.data(SORT_ROLE)
        if a is None or b is None:
            if a is None and b is None:
                return False
            # Empty cells sink to the bottom whichever way the column is sorted.
            ascending = self.sortOrder() == Qt.SortOrder.AscendingOrder
            return (a is not None) if ascending else (a is None)
        return _sort_key(a) < _sort_key(b)


def _sort_key(value):
    if isinstance(value, bool):
        return (0, int(value), "")
    if isinstance(value, (int, float)):
        return (0, value, "")
    return (1, 0, str(value).casefold())


class TrialTable(QWidget, SearchListener):
    """Trials of a search in a sortable table; emits ``trialSelected`` with a row's trial id."""

    trialSelected = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = TrialTableModel(self)
        self._proxy = TrialSortProxy(self)
        self._proxy.setSourceModel(self._model)

        self.table_view = QTableView()
        self.table_view.setObjectName("trialTable")
        self.table_view.setAccessibleName(self.tr("Trials"))
        self.table_view.setModel(self._proxy)
        self.table_view.setSortingEnabled(True)
        self.table_view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table_view.setAlternatingRowColors(True)
        self.table_view.setWordWrap(False)
        self.table_view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table_view.verticalHeader().setVisible(False)
        self.table_view.verticalHeader().setDefaultSectionSize(
            self.table_view.fontMetrics().height() + 8)
        header = self.table_view.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setHighlightSections(False)
        self.table_view.selectionModel().currentRowChanged.connect(self._on_current_row_changed)
        self._model.columnsInserted.connect(self._fit_columns)

        self._filter = QComboBox()
        self._filter.setObjectName("trialStatusFilter")
        self._filter.addItems([_tr(label) for label in STATUS_FILTERS])
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
        self._max_trials: int | None = None
        self._update_count()

    # ------------------------------------------------------------------ public API

    def handle_event(self, event: dict) -> None:
        """Update rows from one event of ``app/core/events.py``."""
        dispatch(event, self)

    def on_search_started(self, event: dict) -> None:
        self.reset()
        config = event.get("config") if isinstance(event.get("config"), dict) else {}
        self._model.objective = str(config.get("objective") or "val_accuracy")
        self._max_trials = event.get("max_trials")
        self._update_count()

    def on_trial_started(self, event: dict) -> None:
        # Follow new trials down the table unless the user scrolled away to read.
        scrollbar = self.table_view.verticalScrollBar()
        follow = scrollbar.value() >= scrollbar.maximum()
        trial = self._model.trial(event.get("trial_id"))
        trial.number = event.get("number", trial.number)
        trial.status = "RUNNING"
        trial.score = trial.live_score = None
        trial.message = ""
        trial.start_time = finite_or_none(event.get("time"))
        trial.duration = 0.0
        trial.epochs_done = 0
        self._set_hyperparameters(trial, event.get("hyperparameters"))
        self._model.trial_changed(trial)
        self._update_hidden_columns()
        if follow:
            self.table_view.doItemsLayout()  # the new row must be laid out to scroll to it
            self.table_view.scrollTo(self._proxy.mapFromSource(
                self._model.index(self._model.row_of(trial.trial_id), 0)))
        self._update_count()

    def on_batch_ended(self, event: dict) -> None:
        self._on_progress(event)

    def on_epoch_ended(self, event: dict) -> None:
        self._on_progress(event)

    def on_trial_ended(self, event: dict) -> None:
        trial = self._model.trial(event.get("trial_id"))
        self._apply_summary(trial, event)
        self._model.trial_changed(trial)
        self._model.recompute_best()
        self._update_count()

    def reset(self) -> None:
        self._model.clear()
        self._max_trials = None
        self._update_count()

    def load_trials(self, trials: list[dict], objective: str | None = None) -> None:
        """Show stored trials (summaries as in ``trial_ended`` / ``search_finished``)."""
        self.reset()
        if objective:
            self._model.objective = objective
        for summary in trials or []:
            if isinstance(summary, dict) and summary.get("trial_id") is not None:
                trial = self._model.trial(summary["trial_id"])
                self._apply_summary(trial, summary)
                self._model.trial_changed(trial)
        self._model.recompute_best()
        self._update_count()
        self._fit_columns()
        self._update_hidden_columns()

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

    def _set_hyperparameters(self, trial: _Trial, values) -> None:
        if isinstance(values, dict) and values:
            self._model.add_hyperparameters(values)
            trial.hyperparameters = dict(values)

    def _apply_summary(self, trial: _Trial, summary: dict) -> None:
        trial.number = summary.get("number", trial.number)
        trial.status = normalize_status(summary.get("status"))
        trial.score = finite_or_none(summary.get("score"))
        duration = finite_or_none(summary.get("duration"))
        if duration is not None:
            trial.duration = duration
        trial.message = str(summary.get("message") or STOPPED_TEXT.get(summary.get("stopped"))
                            or trial.message or "")
        self._set_hyperparameters(trial, summary.get("hyperparameters"))
        history = summary.get("history")
        if isinstance(history, dict):
            done = max((len(v) for v in history.values() if isinstance(v, list)), default=0)
            trial.epochs_done = max(trial.epochs_done, done)

    def _on_progress(self, event: dict) -> None:
        trial = self._model.trial(event.get("trial_id"))
        now = finite_or_none(event.get("time"))
        changed = False
        if trial.start_time is not None and now is not None:
            duration = max(0.0, now - trial.start_time)
            # Only whole-second changes are visible; skip the rest to keep sorting calm.
            if trial.duration is None or int(duration) != int(trial.duration):
                changed = True
            trial.duration = duration
        if event.get("type") == "epoch_ended":
            trial.epochs_done = int(event.get("epoch", 0)) + 1
            planned = event.get("epochs")
            trial.planned_epochs = planned if isinstance(planned, int) else trial.planned_epochs
            logs = event.get("logs") if isinstance(event.get("logs"), dict) else {}
            trial.live_score = finite_or_none(logs.get(self._model.objective))
            changed = True
        if changed:
            self._model.trial_changed(trial)

    def on_search_finished(self, event: dict) -> None:
        for summary in event.get("trials") or []:
            if isinstance(summary, dict) and summary.get("trial_id") is not None:
                trial = self._model.trial(summary["trial_id"])
                self._apply_summary(trial, summary)
                self._model.trial_changed(trial)
        for trial in self._model.trials():
            if trial.status == "RUNNING":
                # The search ended around it: say how, rather than leave it "running" forever.
                trial.status = settle_status(trial.status)
                trial.message = trial.message or str(event.get("error") or event.get("reason")
                                                     or "the search ended")
                self._model.trial_changed(trial)
        self._model.recompute_best()
        self._update_hidden_columns()
        best = event.get("best_trial_id")
        if best is not None and any(t.trial_id == str(best) for t in self._model.trials()):
            self._model.set_best(str(best))
        self._update_count()

    def _update_hidden_columns(self, *_args) -> None:
        """Hide hyperparameters every trial shares (fixed in the search space), once 2+ trials ran.

        With a dozen fixed settings beside three searched ones, the columns that can explain a
        score difference would otherwise scroll out of sight.
        """
        trials = self._model.trials()
        show_all = self._show_fixed.isChecked() or len(trials) < 2
        first_hp = len(FIXED_COLUMNS)
        for offset, name in enumerate(self._model.columns()[first_hp:-1]):
            if show_all:
                hidden = False
            else:
                values = {json.dumps(t.hyperparameters.get(name), sort_keys=True, default=str)
                          for t in trials}
                hidden = len(values) == 1
            self.table_view.setColumnHidden(first_hp + offset, hidden)

    def _update_count(self) -> None:
        trials = self._model.trials()
        shown = self._proxy.rowCount()
        if isinstance(self._max_trials, int):
            text = self.tr("{n} of {total} trials").format(n=len(trials), total=self._max_trials)
        else:
            text = self.tr("{n} trials").format(n=len(trials))
        if shown != len(trials):
            text += self.tr(" \u00b7 {shown} shown").format(shown=shown)
        self._count_label.setText(text)

    def _fit_columns(self, *_args) -> None:
        """Size columns to their contents, allowing for texts that will come later."""
        self.table_view.resizeColumnsToContents()
        header = self.table_view.horizontalHeader()
        bold = QFont(self.table_view.font())
        bold.setBold(True)
        metrics = QFontMetrics(bold)  # the best row is bold
        later = {"#": "\u2605 000", "Status": max(map(core_text.status_word, STATUS_TEXT), key=len),
                 "Score": "0.0000", "Duration": "00 m 00 s", "Epochs": "000/000"}
        for column, name in enumerate(self._model.columns()):
            width = header.sectionSize(column)
            if name in later:
                width = max(width, metrics.horizontalAdvance(later[name]) + 16)
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
