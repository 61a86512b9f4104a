"""The one way TuneStudio's list-like tables are set up: whole rows selected, sortable, read-only."""
from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtWidgets import QAbstractItemView, QTableView


def row_table(model: QAbstractItemModel, sort_column: int, order: Qt.SortOrder,
              selection: QAbstractItemView.SelectionMode) -> QTableView:
    """A read-only ``QTableView`` of ``model`` that selects whole rows and sorts on header clicks,
    first by ``sort_column`` in ``order``; alternating rows, no row numbers."""
    view = QTableView()
    view.setModel(model)
    view.setSortingEnabled(True)
    view.sortByColumn(sort_column, order)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(selection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.verticalHeader().setVisible(False)
    return view
