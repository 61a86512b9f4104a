"""The History tab's list of searches: a sortable table, filtered as you type and by status.

One row per recorded search: name, dataset, status, start, best score, trials and disk use. The
filter text matches name, dataset, notes and id; the status box picks one status. Each row keeps
its search id (``SEARCH_ID_ROLE``) and each cell a sort key (``SORT_ROLE``), so dates, scores and
sizes sort by value, not by their text.
"""
from __future__ import annotations

import math

from PySide6.QtCore import QT_TRANSLATE_NOOP, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLineEdit,
                               QPushButton, QTableView, QVBoxLayout, QWidget)

from app.core.util.formatting import format_score
from app.gui.text import language as i18n
from app.gui.paint import theme

SEARCH_ID_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2
FILTER_TEXT_ROLE = Qt.ItemDataRole.UserRole + 3  # what the filter text is matched against
COLUMNS = (QT_TRANSLATE_NOOP("SearchesTable", "Name"), QT_TRANSLATE_NOOP("SearchesTable", "Dataset"),
           QT_TRANSLATE_NOOP("SearchesTable", "Status"), QT_TRANSLATE_NOOP("SearchesTable", "Started"),
           QT_TRANSLATE_NOOP("SearchesTable", "Best score"), QT_TRANSLATE_NOOP("SearchesTable", "Trials"),
           QT_TRANSLATE_NOOP("SearchesTable", "Disk use"))
STATUS_COLUMN, STARTED_COLUMN, DISK_COLUMN = 2, 3, 6
NUMBER_COLUMNS = (4, 5, 6)  # right-aligned


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
            status = model.index(source_row, STATUS_COLUMN, source_parent).data(SORT_ROLE)
            if status != self.status:
                return False
        if not self.text:
            return True
        haystack = model.index(source_row, 0, source_parent).data(FILTER_TEXT_ROLE) or ""
        return self.text in haystack


class SearchesTable(QWidget):
    """The filter row above the table of searches."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
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

        self._model = QStandardItemModel(0, len(COLUMNS), self)
        self._model.setHorizontalHeaderLabels([self.tr(c) for c in COLUMNS])
        self._proxy = _SearchFilter(self)
        self._proxy.setSourceModel(self._model)
        self.table = QTableView()
        self.table.setObjectName("historySearches")
        self.table.setModel(self._proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(STARTED_COLUMN, Qt.SortOrder.DescendingOrder)  # newest first
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

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(filter_row)
        layout.addWidget(self.table, 1)
        self.filter_edit.textChanged.connect(self._on_filter_changed)
        self.status_combo.currentIndexChanged.connect(self._on_filter_changed)

    # ------------------------------------------------------------------ rows

    def fill(self, rows: list[tuple[dict, str]]) -> None:
        """Show these searches, each with the status text to display; keeps the sort order."""
        self.table.setSortingEnabled(False)
        self._model.removeRows(0, self._model.rowCount())
        for search, status in rows:
            self._model.appendRow(self._row_items(search, status))
        self.table.setSortingEnabled(True)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)

    def set_disk_bytes(self, search_id: str, total: int) -> None:
        for row in range(self._model.rowCount()):
            if self._model.item(row, 0).data(SEARCH_ID_ROLE) == search_id:
                item = self._model.item(row, DISK_COLUMN)
                item.setText(human_bytes(total))
                item.setData(total, SORT_ROLE)

    def status_text(self, search: dict, live: bool) -> str:
        """A search's status in words; a "running" record that is not live was interrupted."""
        status = search.get("status") or ""
        if status == "running":
            return self.tr("running") if live else self.tr("interrupted")
        return {"completed": self.tr("completed"), "cancelled": self.tr("cancelled"),
                "failed": self.tr("failed")}.get(status, status)

    def _row_items(self, search: dict, status: str) -> list[QStandardItem]:
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
            if col in NUMBER_COLUMNS:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if col == STATUS_COLUMN and color is not None:
                item.setForeground(QBrush(color))
            items.append(item)
        items[0].setData(search["id"], SEARCH_ID_ROLE)
        items[0].setData(" ".join(str(search.get(k) or "") for k in ("name", "data_dir", "notes", "id")).lower(),
                         FILTER_TEXT_ROLE)
        tip = f"{search['id']}" + (f"\n{search['notes']}" if search.get("notes") else "")
        if search.get("error"):
            tip += f"\n{search['error']}"
        items[0].setToolTip(tip)
        items[1].setToolTip(search.get("data_dir") or "")
        items[4].setToolTip(self.tr("best {objective}").format(objective=search.get("objective") or self.tr("score")))
        return items

    # ------------------------------------------------------------------ selection and filter

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

    def _on_filter_changed(self, *_args) -> None:
        self._proxy.set_filter(self.filter_edit.text(), self.status_combo.currentData() or "")
