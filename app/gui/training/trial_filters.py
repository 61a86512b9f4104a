"""Sorting and filtering the trial table: numbers sort as numbers, empty cells last, by status."""
from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QModelIndex, QSortFilterProxyModel, Qt

from app.gui.training.trial_cells import SORT_ROLE

# Filter choices: label -> statuses shown.
STATUS_FILTERS = {
    QT_TRANSLATE_NOOP("TrialTable", "All trials"): None,
    QT_TRANSLATE_NOOP("TrialTable", "Completed"): {"COMPLETED"},
    QT_TRANSLATE_NOOP("TrialTable", "Running"): {"RUNNING"},
    QT_TRANSLATE_NOOP("TrialTable", "Failed"): {"FAILED", "INVALID"},
    QT_TRANSLATE_NOOP("TrialTable", "Stopped / cancelled"): {"STOPPED", "CANCELLED"},
}


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
        return self.sourceModel().trial_at(source_row).status in self._statuses

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
