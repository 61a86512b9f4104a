"""The trial table's Qt model: one row per trial of a search state, in the order trials appeared.

Rows hold the state's own :class:`~app.core.search.search_state.TrialState` objects (the state updates
them in place), so the model keeps no copy of a trial's status or score; it only tells views
which rows and columns changed. Hyperparameter columns are the union over all trials, added as
new names appear. Cell contents are ``app/gui/training/trial_cells.py``.
"""
from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QFont

from app.core.search.search_state import SearchState, TrialState
from app.gui.text import core_text
from app.gui.widgets import item_roles
from app.gui.paint import theme
from app.gui.training import trial_cells
from app.gui.training.trial_cells import COLUMN_TITLES, FIXED_COLUMNS, NOTE_COLUMN, SORT_ROLE, TRIAL_ID_ROLE

_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_DISPLAY, _TOOLTIP, _ALIGNMENT = item_roles.DISPLAY, item_roles.TOOLTIP, item_roles.ALIGNMENT
_FOREGROUND, _BACKGROUND, _FONT = item_roles.FOREGROUND, item_roles.BACKGROUND, item_roles.FONT
_SORT = int(SORT_ROLE)
_TRIAL_ID = int(TRIAL_ID_ROLE)
_ROLES = frozenset((_DISPLAY, _TOOLTIP, _ALIGNMENT, _FOREGROUND, _BACKGROUND, _FONT, _SORT, _TRIAL_ID))
_STATUS_COLUMNS = ("Status", NOTE_COLUMN)


class TrialTableModel(QAbstractTableModel):
    """Rows of a :class:`SearchState`'s trials; call :meth:`sync` after the state changed."""

    def __init__(self, state: SearchState, parent=None) -> None:
        super().__init__(parent)
        self._state = state
        self._trials: list[TrialState] = []
        self._rows: dict[str, int] = {}
        self._hp_names: list[str] = []
        self._columns: list[str] = self._make_columns()
        self._best_id: str | None = None
        self._colors = theme.colors()
        self._bold = theme.bold(QFont())
        self._italic = QFont()
        self._italic.setItalic(True)

    @property
    def objective(self) -> str:
        return self._state.objective

    # ---------------------------------------------------------------- structure

    def columns(self) -> list[str]:
        return list(self._columns)

    def _make_columns(self) -> list[str]:
        return [*FIXED_COLUMNS, *self._hp_names, NOTE_COLUMN]

    def hyperparameter_names(self) -> list[str]:
        return list(self._hp_names)

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 (Qt API)
        return 0 if parent.isValid() else len(self._trials)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._columns)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole):
        columns = self._columns
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(columns):
            return None
        name = columns[section]
        is_hp = len(FIXED_COLUMNS) <= section < len(FIXED_COLUMNS) + len(self._hp_names)
        if role == Qt.ItemDataRole.DisplayRole:
            return core_text.hp_label(name) if is_hp else trial_cells.tr(COLUMN_TITLES.get(name, name))
        if role == Qt.ItemDataRole.ToolTipRole:
            if is_hp:
                return self.tr("Hyperparameter: {name}").format(name=core_text.hp_label(name))
            if name == "Score":
                return self.tr("Best {objective} of the trial").format(objective=self.objective)
        return None

    # ---------------------------------------------------------------- following the state

    def set_state(self, state: SearchState) -> None:
        self._state = state
        self.clear()

    def clear(self) -> None:
        self.beginResetModel()
        self._trials.clear()
        self._rows.clear()
        self._hp_names.clear()
        self._columns = self._make_columns()
        self._best_id = None
        self.endResetModel()

    def sync(self) -> None:
        """Add rows (and columns) for trials the state knows and the model does not yet."""
        for trial_id in self._state.trials:
            if trial_id not in self._rows:
                self.trial(trial_id)

    def trial(self, trial_id) -> TrialState:
        """The state's trial, adding a row (and its hyperparameter columns) for a new one."""
        trial_id = str(trial_id)
        row = self._rows.get(trial_id)
        if row is not None:
            return self._trials[row]
        trial = self._state.trial(trial_id)
        self.beginInsertRows(QModelIndex(), len(self._trials), len(self._trials))
        self._rows[trial_id] = len(self._trials)
        self._trials.append(trial)
        self.endInsertRows()
        self.add_hyperparameters(trial.hyperparameters)
        return trial

    def add_hyperparameters(self, values: dict) -> None:
        new = [str(k) for k in values if str(k) not in self._hp_names]
        if not new:
            return
        first = len(FIXED_COLUMNS) + len(self._hp_names)
        self.beginInsertColumns(QModelIndex(), first, first + len(new) - 1)
        self._hp_names.extend(new)
        self._columns = self._make_columns()
        self.endInsertColumns()

    def trial_changed(self, trial: TrialState) -> None:
        self.add_hyperparameters(trial.hyperparameters)
        row = self._rows[trial.trial_id]
        self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))

    def all_changed(self) -> None:
        if self._trials:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._trials) - 1, self.columnCount() - 1))

    def follow_best(self) -> None:
        """Highlight the state's best trial."""
        best = self._state.best
        trial_id = best.trial_id if best is not None else None
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

    def trial_at(self, row: int) -> TrialState:
        return self._trials[row]

    def trials(self) -> list[TrialState]:
        return list(self._trials)

    def set_colors(self, colors: theme.Colors) -> None:
        self._colors = colors
        self.all_changed()

    # ---------------------------------------------------------------- cells

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if role not in _ROLES or not index.isValid():
            return None
        trial = self._trials[index.row()]
        column = self._columns[index.column()]
        is_best = trial.trial_id == self._best_id
        if role == _DISPLAY:
            return trial_cells.text(trial, column, is_best)
        if role == _SORT:
            return trial_cells.sort_value(trial, column)
        if role == _TRIAL_ID:
            return trial.trial_id
        if role == _TOOLTIP:
            return trial_cells.tooltip(trial, column, is_best, self.objective)
        if role == _ALIGNMENT:
            if column in _STATUS_COLUMNS:
                return _LEFT
            if column in FIXED_COLUMNS:
                return _RIGHT
            return _RIGHT if trial_cells.is_numeric(trial, column) else _LEFT
        # A score still waiting for the trial's end reads as provisional: muted and italic.
        provisional = column == "Score" and trial.score is None and trial.live_score is not None
        if role == _FOREGROUND:
            if column in _STATUS_COLUMNS:
                return theme.status_color(trial.status, panel_colors=self._colors)
            return self._colors.muted if provisional else None
        if role == _BACKGROUND:
            return self._colors.best_row if is_best else None
        if is_best:  # _FONT
            return self._bold
        return self._italic if provisional else None
