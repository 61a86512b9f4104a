"""Per-class precision, recall, F1 and support as a table, with the overall accuracy above it.

It shows what :func:`app.core.model.confusion_metrics.classification_metrics` computed from the
matrix beside it (``ConfusionView``): one row per class, then the macro and weighted averages
in italics. A value that is undefined reads as an en dash and says why in its tooltip.
"""
from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (QAbstractItemView, QHeaderView, QLabel, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from app.gui.paint import theme
from app.gui.training.confusion_model import MAX_HEADER_TEXT_PX

UNDEFINED = "\u2013"  # en dash: precision of a never-predicted class, recall of an absent one


def _format_metric(value: float | None) -> str:
    return UNDEFINED if value is None else f"{value:.3f}"


class ClassMetricsTable(QWidget):
    """The accuracy line and the per-class metrics of one confusion matrix."""

    METRIC_COLUMNS = (QT_TRANSLATE_NOOP("ClassMetricsTable", "Precision"),
                      QT_TRANSLATE_NOOP("ClassMetricsTable", "Recall"),
                      "F1", QT_TRANSLATE_NOOP("ClassMetricsTable", "Support"))

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = QTableWidget(0, len(self.METRIC_COLUMNS))
        self.table.setObjectName("classMetrics")
        self.table.setAccessibleName(self.tr("Precision, recall and F1 per class"))
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in self.METRIC_COLUMNS])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setMaximumWidth(MAX_HEADER_TEXT_PX)
        self.table.verticalHeader().setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.verticalHeader().setDefaultSectionSize(QFontMetrics(self.table.font()).height() + 8)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self._accuracy_label = QLabel()
        self._accuracy_label.setObjectName("overallAccuracy")
        self._accuracy_label.setFont(theme.bold(self._accuracy_label.font()))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._accuracy_label)
        layout.addWidget(self.table, 1)

    def show_metrics(self, metrics: dict | None, names: list[str]) -> None:
        """Fill the table from ``classification_metrics`` output (None: nothing to show)."""
        table = self.table
        m = metrics
        if m is None:
            table.setRowCount(0)
            self._accuracy_label.setText(self.tr("Accuracy: {value}").format(value=UNDEFINED))
            return
        rows = [(name, c["precision"], c["recall"], c["f1"], c["support"])
                for name, c in zip(names, m["per_class"])]
        rows.append((self.tr("macro avg"), m["macro"]["precision"], m["macro"]["recall"],
                     m["macro"]["f1"], m["total"]))
        rows.append((self.tr("weighted avg"), m["weighted"]["precision"],
                     m["weighted"]["recall"], m["weighted"]["f1"], m["total"]))
        table.setRowCount(len(rows))
        muted = theme.colors(self.palette()).muted
        summary_start = len(names)
        for r, (name, precision, recall, f1, support) in enumerate(rows):
            header = QTableWidgetItem(name)
            header.setToolTip(name)
            table.setVerticalHeaderItem(r, header)
            for c, value in enumerate((precision, recall, f1)):
                item = QTableWidgetItem(_format_metric(value))
                item.setTextAlignment(int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter))
                if value is None:
                    item.setForeground(muted)
                    item.setToolTip(self._undefined_reason(c))
                table.setItem(r, c, item)
            item = QTableWidgetItem(str(support))
            item.setTextAlignment(int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter))
            table.setItem(r, 3, item)
            if r >= summary_start:  # the averages read as a footer
                for c in range(4):
                    font = table.item(r, c).font()
                    font.setItalic(True)
                    table.item(r, c).setFont(font)
        accuracy = m["accuracy"]
        if accuracy is None:
            text = self.tr("Accuracy: {value} (no images)").format(value=UNDEFINED)
        else:
            text = self.tr("Accuracy: {value:.3f} ({correct} of {total} correct)").format(
                value=accuracy, correct=m["correct"], total=m["total"])
        self._accuracy_label.setText(text)

    def _undefined_reason(self, column: int) -> str:
        return (self.tr("Undefined: no image was predicted as this class"),
                self.tr("Undefined: this class has no images in the validation split"),
                self.tr("Undefined: precision or recall is undefined"))[column]

    def metric_text(self, row: int, column: str) -> str:
        """The text in the table (``column`` one of METRIC_COLUMNS). For tests."""
        item = self.table.item(row, self.METRIC_COLUMNS.index(column))
        return item.text() if item is not None else ""

    def accuracy_text(self) -> str:
        return self._accuracy_label.text()
