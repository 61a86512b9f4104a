"""How the Dataset tab shows a scan report: the summary line, the class table, and the Samples,
Problems and Warnings tabs."""
from __future__ import annotations

import os
from typing import Callable

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem, QTabWidget,
                               QTreeWidget, QTreeWidgetItem, QWidget)

from app.core.data.dataset_report import ScanReport
from app.gui.text import core_text, language as i18n
from app.gui.dataset.dataset_thumbnails import SampleStrips


def unusable(report: ScanReport) -> list:
    """Problems that lose data (hidden and system files skipped on purpose left out)."""
    return [p for p in report.problems if not _ignored(p)]


def _ignored(problem) -> bool:
    return getattr(problem, "kind", "unusable") == "ignored"


def summary_text(report: ScanReport) -> str:
    """One line: classes, images, layout, formats, sizes and unusable files (rich text)."""
    n = len(report.images)
    classes = len(report.usable_classes)
    parts = [QCoreApplication.translate("DatasetPanel", "<b>1 class</b>") if classes == 1
             else QCoreApplication.translate("DatasetPanel", "<b>{count} classes</b>").format(count=classes),
             QCoreApplication.translate("DatasetPanel", "<b>1 image</b>") if n == 1
             else QCoreApplication.translate("DatasetPanel", "<b>{count} images</b>").format(
                 count=i18n.format_int(n))]
    if report.layout == "splits":
        parts.append(QCoreApplication.translate("DatasetPanel", "your own train/val split"))
    formats = ", ".join(f"{k or '?'} {v}" for k, v in sorted(report.formats.items(), key=lambda kv: -kv[1]))
    if formats:
        parts.append(formats)
    size_range = report.size_range
    if size_range:
        (w0, h0), (w1, h1) = size_range
        parts.append(QCoreApplication.translate("DatasetPanel", "{w0}×{h0} to {w1}×{h1} px").format(
            w0=w0, h0=h0, w1=w1, h1=h1) if (w0, h0) != (w1, h1) else f"{w0}×{h0} px")
    lost = unusable(report)
    if lost:
        parts.append(QCoreApplication.translate("DatasetPanel", "<span style='color:#b00020'>{count} unusable "
                                                                "file(s)"
                                                "</span>").format(count=len(lost)))
    return " · ".join(parts)


class ClassTable(QTableWidget):
    """Class names and image counts, sortable by either (counts sort as numbers)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(0, 2, parent)
        self.setObjectName("classTable")
        self.setHorizontalHeaderLabels([self.tr("Class"), self.tr("Images")])
        self.verticalHeader().hide()
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.setSortingEnabled(True)
        self.sortByColumn(0, Qt.SortOrder.AscendingOrder)

    def set_counts(self, counts: dict[str, int]) -> None:
        self.setSortingEnabled(False)
        self.setRowCount(len(counts))
        for row, (name, count) in enumerate(counts.items()):
            self.setItem(row, 0, QTableWidgetItem(name))
            count_item = QTableWidgetItem()
            count_item.setData(Qt.ItemDataRole.DisplayRole, count)  # numeric, so sorting is by number
            count_item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.setItem(row, 1, count_item)
        self.setSortingEnabled(True)


class ScanDetails(QTabWidget):
    """Samples (thumbnails per class), Problems (every file that cannot be used, with why) and Warnings."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("datasetDetailTabs")
        self.samples = SampleStrips()

        self.problem_tree = QTreeWidget()
        self.problem_tree.setObjectName("problemList")
        self.problem_tree.setHeaderLabels([self.tr("File"), self.tr("Why it cannot be used")])
        self.problem_tree.setRootIsDecorated(False)
        self.problem_tree.setAlternatingRowColors(True)
        self.problem_tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.problem_tree.setColumnWidth(0, 260)

        self.warning_tree = QTreeWidget()
        self.warning_tree.setObjectName("warningList")
        self.warning_tree.setHeaderLabels([self.tr("Warning")])
        self.warning_tree.setRootIsDecorated(False)
        self.warning_tree.setWordWrap(True)

        self.addTab(self.samples, self.tr("Samples"))
        self.addTab(self.problem_tree, self.tr("Problems"))
        self.addTab(self.warning_tree, self.tr("Warnings"))

    def show_report(self, report: ScanReport, is_current: Callable[[], bool]) -> None:
        """Fill the three tabs; thumbnails arrive later unless ``is_current()`` turned False."""
        self._fill_problems(report)
        self.samples.show_report(report, is_current)

    def _fill_problems(self, report: ScanReport) -> None:
        self.problem_tree.clear()
        root = report.root
        # Files that lose data first; hidden/system files skipped on purpose after, greyed.
        for problem in sorted(report.problems, key=_ignored):
            shown = os.path.relpath(problem.path, root) if problem.path.startswith(root) else problem.path
            reason = core_text.translate(problem.reason)
            item = QTreeWidgetItem([shown, reason])
            item.setToolTip(0, problem.path)
            item.setToolTip(1, reason)
            if _ignored(problem):
                for column in (0, 1):
                    item.setForeground(column, Qt.GlobalColor.gray)
            self.problem_tree.addTopLevelItem(item)
        self.warning_tree.clear()
        for warning in core_text.translate_lines(report.warnings):
            item = QTreeWidgetItem([warning])
            item.setToolTip(0, warning)
            self.warning_tree.addTopLevelItem(item)
        self.setTabText(1, self.tr("Problems ({unusable_count})").format(unusable_count=len(unusable(report))))
        self.setTabText(2, self.tr("Warnings ({warnings_count})").format(warnings_count=len(report.warnings)))
