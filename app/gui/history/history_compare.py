"""The History tab's Compare page: tick trials of any opened search and compare them.

Left, the opened searches with their trials as a tree of check boxes; right, the
:class:`CompareView` of the ticked trials. Opening searches ticks something worth comparing at
once (the best two trials of one search, or the best trial of each of several) and keeps what
the user had ticked in searches that stay open.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (QLabel, QPushButton, QSplitter, QTreeWidget, QTreeWidgetItem,
                               QTreeWidgetItemIterator, QVBoxLayout, QWidget)

from app.core.util.formatting import format_score
from app.core.search.search_state import COMPLETED, lower_is_better
from app.gui.paint import theme
from app.gui.history.compare_view import CompareView, trial_label

TrialKey = tuple[str, str]  # (search id, trial id)


class ComparePage(QSplitter):
    """Trial choices beside the comparison of the ticked ones."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self._opened: dict[str, dict] = {}  # search id -> HistoryStore.get_search() result
        self.compare_list = QTreeWidget()
        self.compare_list.setObjectName("compareChoices")
        self.compare_list.setColumnCount(3)
        self.compare_list.setHeaderLabels([self.tr("Trial"), self.tr("Score"), self.tr("Status")])
        self.compare_list.setRootIsDecorated(True)
        self.compare_list.setUniformRowHeights(True)
        self.compare_list.setMinimumWidth(260)
        self.compare_button = QPushButton(self.tr("Compare ticked trials"))
        hint = QLabel(self.tr("Tick two or more trials, from one search or several "
                              "(select several searches above and open them)."))
        hint.setWordWrap(True)
        choices = QWidget()
        choices_layout = QVBoxLayout(choices)
        choices_layout.setContentsMargins(0, 0, 0, 0)
        choices_layout.addWidget(hint)
        choices_layout.addWidget(self.compare_list, 1)
        choices_layout.addWidget(self.compare_button)
        self.compare_view = CompareView()
        self.addWidget(choices)
        self.addWidget(self.compare_view)
        self.setSizes([300, 1100])

    def set_searches(self, opened: dict[str, dict]) -> None:
        """List the trials of these searches; ticks stay on trials that are still listed."""
        previously_ticked = set(self.ticked_trials())
        self._opened = opened
        self.compare_list.clear()
        default = set() if previously_ticked else self._default_ticks()
        for search in opened.values():
            parent = QTreeWidgetItem([search.get("name") or search["id"]])
            parent.setFirstColumnSpanned(True)
            parent.setToolTip(0, search["id"])
            parent.setFlags(parent.flags() & ~Qt.ItemFlag.ItemIsSelectable)
            self.compare_list.addTopLevelItem(parent)
            for trial in search["trials"]:
                item = QTreeWidgetItem([trial_label(trial, with_search=False), format_score(trial["score"]),
                                        trial["status"].lower()])
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
        trials = self._trials(self.ticked_trials())
        self.compare_view.set_trials(trials if len(trials) >= 2 else [])

    def clear(self) -> None:
        self._opened = {}
        self.compare_list.clear()
        self.compare_view.set_trials([])

    def ticked_trials(self) -> list[TrialKey]:
        """(search id, trial id) of the trials ticked for comparison."""
        return [tuple(item.data(0, Qt.ItemDataRole.UserRole)) for item in self._trial_items()
                if item.checkState(0) == Qt.CheckState.Checked]

    def set_ticked_trials(self, keys: list[TrialKey]) -> None:
        wanted = {tuple(k) for k in keys}
        for item in self._trial_items():
            key = tuple(item.data(0, Qt.ItemDataRole.UserRole))
            item.setCheckState(0, Qt.CheckState.Checked if key in wanted else Qt.CheckState.Unchecked)

    def compare(self, keys: list[TrialKey]) -> bool:
        """Compare these trials of the opened searches; False (nothing changes) if fewer than two."""
        trials = self._trials(keys)
        if len(trials) < 2:
            return False
        self.set_ticked_trials([(t["search_id"], t["trial_id"]) for t in trials])
        self.compare_view.set_trials(trials)
        return True

    def _default_ticks(self) -> set[TrialKey]:
        """Something to compare at first: the best trial of each search, or the best two of one."""
        per_search = 1 if len(self._opened) > 1 else 2
        ticks = set()
        for search in self._opened.values():
            ranked = sorted((t for t in search["trials"] if t["status"] == COMPLETED and t["score"] is not None),
                            key=lambda t: t["score"], reverse=not lower_is_better(search.get("objective")))
            ticks.update((search["id"], t["trial_id"]) for t in ranked[:per_search])
        return ticks

    def _trials(self, keys: list[TrialKey]) -> list[dict]:
        """The trials behind these keys, each with its search's objective (what CompareView ranks by)."""
        by_key = {(s_id, t["trial_id"]): dict(t, objective=s.get("objective"))
                  for s_id, s in self._opened.items() for t in s["trials"]}
        return [by_key[tuple(k)] for k in keys if tuple(k) in by_key]

    def _trial_items(self) -> list[QTreeWidgetItem]:
        items = []
        iterator = QTreeWidgetItemIterator(self.compare_list)
        while iterator.value() is not None:
            item = iterator.value()
            if item.data(0, Qt.ItemDataRole.UserRole):
                items.append(item)
            iterator += 1
        return items
