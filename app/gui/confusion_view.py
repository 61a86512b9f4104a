"""Confusion matrix of the validation split, with per-class precision, recall and F1.

The matrix is a ``QTableView`` with coloured cells rather than an image: counts stay legible as
text, class names sit on both headers (the column header turns its names vertical when they
would not fit), each cell explains itself in a tooltip, and 2 to 50 classes all read well.
Rows are the true class, columns the predicted class. Cells are shaded by their share of the
row (the true class's images), so a small class's mistakes show as clearly as a big one's:
correct predictions in blue on the diagonal, mistakes in orange.
"""
from __future__ import annotations

import math

from PySide6.QtCore import QT_TRANSLATE_NOOP, QAbstractTableModel, QEvent, QModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFontMetrics, QPainter
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QSplitter,
                               QStyle, QStyleOptionHeader, QTableView, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from app.core.events import SearchListener, dispatch
from app.gui import theme

UNDEFINED = "\u2013"  # en dash: precision of a never-predicted class, recall of an absent one
MAX_HEADER_TEXT_PX = 140


def classification_metrics(matrix: list[list[int]]) -> dict:
    """Per-class precision, recall, F1 and support, plus accuracy and averages.

    ``matrix[i][j]`` counts images of true class ``i`` predicted as ``j``. A value is None where
    it is undefined: precision of a class never predicted, recall of a class with no images,
    F1 where either is undefined, accuracy of an empty matrix. Macro averages skip undefined
    values; weighted averages weight by support.
    """
    n = len(matrix)
    row_sums = [sum(row) for row in matrix]
    col_sums = [sum(matrix[i][j] for i in range(n)) for j in range(n)]
    total = sum(row_sums)
    per_class = []
    for k in range(n):
        tp = matrix[k][k]
        precision = tp / col_sums[k] if col_sums[k] else None
        recall = tp / row_sums[k] if row_sums[k] else None
        if precision is None or recall is None:
            f1 = None
        elif precision + recall == 0:
            f1 = 0.0
        else:
            f1 = 2 * precision * recall / (precision + recall)
        per_class.append({"precision": precision, "recall": recall, "f1": f1,
                          "support": row_sums[k]})

    def macro(key: str) -> float | None:
        values = [c[key] for c in per_class if c[key] is not None]
        return sum(values) / len(values) if values else None

    def weighted(key: str) -> float | None:
        pairs = [(c[key], c["support"]) for c in per_class if c[key] is not None]
        weight = sum(s for _, s in pairs)
        return sum(v * s for v, s in pairs) / weight if weight else None

    return {
        "per_class": per_class,
        "accuracy": sum(matrix[k][k] for k in range(n)) / total if total else None,
        "correct": sum(matrix[k][k] for k in range(n)),
        "total": total,
        "macro": {key: macro(key) for key in ("precision", "recall", "f1")},
        "weighted": {key: weighted(key) for key in ("precision", "recall", "f1")},
    }


def validate_matrix(matrix, class_names) -> list[list[int]]:
    """The matrix as a list of int rows, or ValueError saying what is wrong with it."""
    if not isinstance(class_names, (list, tuple)) or not class_names:
        raise ValueError("class names are missing")
    if not isinstance(matrix, (list, tuple)) or not all(isinstance(r, (list, tuple)) for r in matrix):
        raise ValueError("the confusion matrix must be a list of rows")
    n = len(class_names)
    if len(matrix) != n or any(len(row) != n for row in matrix):
        shape = f"{len(matrix)}x{len(matrix[0]) if matrix else 0}"
        raise ValueError(f"the confusion matrix is {shape} but there are {n} class names")
    rows = []
    for row in matrix:
        out = []
        for value in row:
            if isinstance(value, bool) or not isinstance(value, (int, float)) \
                    or not math.isfinite(value) or value < 0 or value != int(value):
                raise ValueError(f"confusion counts must be whole numbers from 0 up (got {value!r})")
            out.append(int(value))
        rows.append(out)
    return rows


def _format_metric(value: float | None) -> str:
    return UNDEFINED if value is None else f"{value:.3f}"


def _blend(base: QColor, tint: QColor, amount: float) -> QColor:
    amount = max(0.0, min(1.0, amount))
    return QColor.fromRgbF(base.redF() + (tint.redF() - base.redF()) * amount,
                           base.greenF() + (tint.greenF() - base.greenF()) * amount,
                           base.blueF() + (tint.blueF() - base.blueF()) * amount)


def _readable_text(background: QColor) -> QColor:
    luminance = 0.299 * background.redF() + 0.587 * background.greenF() + 0.114 * background.blueF()
    return QColor("black") if luminance > 0.55 else QColor("white")


class ConfusionModel(QAbstractTableModel):
    """A square count matrix; rows true class, columns predicted class."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._matrix: list[list[int]] = []
        self._names: list[str] = []
        self._row_sums: list[int] = []
        self._colors = theme.colors()

    def set_matrix(self, matrix: list[list[int]], names: list[str]) -> None:
        if len(names) == len(self._names) and names == self._names:
            self._matrix = matrix
            self._row_sums = [sum(r) for r in matrix]
            if matrix:
                self.dataChanged.emit(self.index(0, 0), self.index(len(matrix) - 1, len(matrix) - 1))
            return
        self.beginResetModel()
        self._matrix, self._names = matrix, list(names)
        self._row_sums = [sum(r) for r in matrix]
        self.endResetModel()

    def set_colors(self, colors: theme.Colors) -> None:
        self._colors = colors
        if self._matrix:
            n = len(self._matrix)
            self.dataChanged.emit(self.index(0, 0), self.index(n - 1, n - 1))

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 (Qt API)
        return 0 if parent.isValid() else len(self._matrix)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._matrix)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        i, j = index.row(), index.column()
        count = self._matrix[i][j]
        if role == Qt.ItemDataRole.DisplayRole:
            return str(count)
        if role == Qt.ItemDataRole.UserRole:
            return count
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole):
            background = self._background(i, j)
            if role == Qt.ItemDataRole.BackgroundRole:
                return background
            if count == 0:
                return self._colors.muted
            return _readable_text(background)
        if role == Qt.ItemDataRole.ToolTipRole:
            support = self._row_sums[i]
            head = self.tr("True class: {true}\nPredicted: {predicted}\n").format(true=self._names[i],
                                                                                 predicted=self._names[j])
            if i == j:
                body = self.tr("{count} of {support} images correct").format(count=count, support=support)
            else:
                body = self.tr("{count} of {support} images predicted as {predicted}").format(
                    count=count, support=support, predicted=self._names[j])
            share = self.tr(" ({share:.1f}% of them)").format(share=100.0 * count / support) if support else ""
            return head + body + share
        return None

    def _background(self, i: int, j: int) -> QColor:
        support = self._row_sums[i]
        share = self._matrix[i][j] / support if support else 0.0
        tint = self._colors.train if i == j else self._colors.validation
        # Square root: a few mistakes out of many still show as a visible tint.
        return _blend(self._colors.background, tint, 0.85 * math.sqrt(share))

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole):
        if section >= len(self._names):
            return None
        name = self._names[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return name
        if role == Qt.ItemDataRole.ToolTipRole:
            if orientation == Qt.Orientation.Vertical:
                return self.tr("True class: {name}").format(name=name)
            return self.tr("Predicted class: {name}").format(name=name)
        return None


class _ClassNameHeader(QHeaderView):
    """The predicted-class header; its labels can read bottom-to-top for many or long names."""

    def __init__(self, parent=None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.setSectionsClickable(False)
        self.vertical_text = False

    def set_vertical_text(self, vertical: bool) -> None:
        if vertical != self.vertical_text:
            self.vertical_text = vertical
            self.updateGeometry()
            self.viewport().update()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        hint = super().sizeHint()
        if not self.vertical_text:
            return hint
        model = self.model()
        metrics = QFontMetrics(self.font())
        widest = 0
        if model is not None:
            for section in range(model.columnCount()):
                text = str(model.headerData(section, Qt.Orientation.Horizontal) or "")
                widest = max(widest, metrics.horizontalAdvance(text))
        return QSize(hint.width(), min(widest, MAX_HEADER_TEXT_PX) + 14)

    def paintSection(self, painter: QPainter, rect: QRect, section: int) -> None:  # noqa: N802
        if not self.vertical_text:
            super().paintSection(painter, rect, section)
            return
        if not rect.isValid():
            return
        option = QStyleOptionHeader()
        self.initStyleOption(option)
        option.rect = rect
        option.section = section
        option.text = ""
        painter.save()
        self.style().drawControl(QStyle.ControlElement.CE_Header, option, painter, self)
        text = str(self.model().headerData(section, Qt.Orientation.Horizontal) or "")
        metrics = QFontMetrics(self.font())
        length = rect.height() - 10
        text = metrics.elidedText(text, Qt.TextElideMode.ElideRight, length)
        painter.translate(rect.left(), rect.bottom())
        painter.rotate(-90)
        painter.setPen(self.palette().color(self.palette().ColorRole.ButtonText))
        painter.drawText(QRect(5, 0, length, rect.width()),
                         int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), text)
        painter.restore()


class ConfusionView(QWidget, SearchListener):
    """Heatmap of the validation confusion matrix beside a per-class metrics table."""

    matrixChanged = Signal()

    METRIC_COLUMNS = (QT_TRANSLATE_NOOP("ConfusionView", "Precision"), QT_TRANSLATE_NOOP("ConfusionView", "Recall"),
                      "F1", QT_TRANSLATE_NOOP("ConfusionView", "Support"))

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("confusionView")
        self._matrix: list[list[int]] = []
        self._names: list[str] = []
        self._metrics: dict | None = None
        self._by_trial: dict[str, tuple[list[list[int]], list[str], str]] = {}
        self._numbers: dict[str, int] = {}
        self._epochs: dict[str, dict[int, list]] = {}  # the running trial's matrices by epoch
        self._running_id: str | None = None
        self._pinned_id: str | None = None
        self._classes: list[str] = []

        self._caption = QLabel(self.tr("No confusion matrix yet: it appears after the first epoch."))
        self._caption.setObjectName("confusionCaption")
        self._caption.setWordWrap(True)
        hint = QLabel(self.tr("Rows: true class \u00b7 columns: predicted class"))
        hint.setToolTip(self.tr("A cell's shade is its share of the true class's images: "
                                "blue on the diagonal (correct), orange elsewhere (mistakes)."))
        hint.setEnabled(False)  # drawn in the palette's placeholder tone
        hint.setWordWrap(True)

        self._model = ConfusionModel(self)
        self.matrix_view = QTableView()
        self.matrix_view.setObjectName("confusionMatrix")
        self.matrix_view.setAccessibleName(self.tr("Confusion matrix: rows true class, "
                                                   "columns predicted class"))
        self.matrix_view.setModel(self._model)
        self._column_header = _ClassNameHeader(self.matrix_view)
        self.matrix_view.setHorizontalHeader(self._column_header)
        self.matrix_view.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.matrix_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.matrix_view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.matrix_view.setShowGrid(True)
        self.matrix_view.verticalHeader().setTextElideMode(Qt.TextElideMode.ElideRight)

        self.metrics_table = QTableWidget(0, len(self.METRIC_COLUMNS))
        self.metrics_table.setObjectName("classMetrics")
        self.metrics_table.setAccessibleName(self.tr("Precision, recall and F1 per class"))
        self.metrics_table.setHorizontalHeaderLabels([self.tr(c) for c in self.METRIC_COLUMNS])
        self.metrics_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.metrics_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.metrics_table.verticalHeader().setMaximumWidth(MAX_HEADER_TEXT_PX)
        self.metrics_table.verticalHeader().setTextElideMode(Qt.TextElideMode.ElideRight)
        self.metrics_table.verticalHeader().setDefaultSectionSize(
            QFontMetrics(self.metrics_table.font()).height() + 8)
        self.metrics_table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.metrics_table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self._accuracy_label = QLabel()
        self._accuracy_label.setObjectName("overallAccuracy")
        self._accuracy_label.setFont(theme.bold(self._accuracy_label.font()))

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.matrix_view, 1)
        left_layout.addWidget(hint)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self._accuracy_label)
        right_layout.addWidget(self.metrics_table, 1)
        splitter = self._splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        caption_row = QHBoxLayout()
        caption_row.addWidget(self._caption, 1)
        layout.addLayout(caption_row)
        layout.addWidget(splitter, 1)
        self._refresh_tables()

    # ------------------------------------------------------------------ public API

    def set_matrix(self, matrix: list[list[int]], class_names: list[str], caption: str = "") -> None:
        """Show a matrix (rows true class, columns predicted); ValueError if it is malformed."""
        rows = validate_matrix(matrix, class_names)
        self._matrix = rows
        self._names = [str(n) for n in class_names]
        self._metrics = classification_metrics(rows)
        self._caption.setText(caption or self.tr("Confusion matrix"))
        self._caption.setStyleSheet("")
        self._refresh_tables()
        self.matrixChanged.emit()

    def handle_event(self, event: dict) -> None:
        """Follow a search: each epoch's validation confusion of the running trial."""
        dispatch(event, self)

    def on_search_started(self, event: dict) -> None:
        self.reset()
        self._classes = [str(c) for c in event.get("classes") or []]

    def on_trial_started(self, event: dict) -> None:
        self._running_id = str(event.get("trial_id"))
        self._numbers[self._running_id] = event.get("number")

    def on_epoch_ended(self, event: dict) -> None:
        epochs = event.get("epochs")
        epoch = int(event.get("epoch", 0))
        if event.get("confusion") is not None:
            self._epochs.setdefault(str(event.get("trial_id")), {})[epoch] = event["confusion"]
        text = f"{epoch + 1}" + (f"/{epochs}" if epochs else "")
        self._remember(event, event.get("confusion"), self.tr("epoch {epoch}").format(epoch=text))

    def on_trial_ended(self, event: dict) -> None:
        """Once a trial ends, show the epoch whose weights were kept (``best_step``), not the last."""
        trial_id = str(event.get("trial_id"))
        self._numbers.setdefault(trial_id, event.get("number"))
        epochs = self._epochs.pop(trial_id, {})
        best_step = event.get("best_step")
        confusion = epochs.get(best_step) if isinstance(best_step, int) else None
        self._remember(event, confusion if confusion is not None else event.get("confusion"),
                       self._kept_text(best_step))

    def _kept_text(self, best_step) -> str:
        if isinstance(best_step, int):
            return self.tr("epoch {n} (weights kept)").format(n=best_step + 1)
        return self.tr("weights kept")

    def _remember(self, event: dict, confusion, where: str) -> None:
        if confusion is None:
            return
        trial_id = str(event.get("trial_id"))
        names = event.get("class_names") or self._classes
        self._by_trial[trial_id] = (confusion, names, where)
        if self._pinned_id in (None, trial_id):
            self._show_stored(trial_id)

    def show_trial(self, trial_id: str | None) -> bool:
        """Show a trial's last confusion matrix; None follows the running trial again."""
        if trial_id is None:
            self._pinned_id = None
            if self._running_id in self._by_trial:
                self._show_stored(self._running_id)
            return True
        trial_id = str(trial_id)
        if trial_id not in self._by_trial:
            return False
        self._pinned_id = None if trial_id == self._running_id else trial_id
        self._show_stored(trial_id)
        return True

    def load_trials(self, trials: list[dict], class_names: list[str] | None = None) -> None:
        """Remember stored trials' confusion matrices (trial summaries with ``confusion``)."""
        self.reset()
        if class_names:
            self._classes = list(class_names)
        for summary in trials or []:
            if isinstance(summary, dict) and summary.get("confusion") is not None:
                trial_id = str(summary.get("trial_id"))
                self._numbers[trial_id] = summary.get("number")
                names = summary.get("class_names") or self._classes
                self._by_trial[trial_id] = (summary["confusion"], names,
                                            self._kept_text(summary.get("best_step")))

    def reset(self) -> None:
        self._matrix, self._names, self._metrics = [], [], None
        self._by_trial.clear()
        self._epochs.clear()
        self._numbers.clear()
        self._running_id = self._pinned_id = None
        self._caption.setText(self.tr("No confusion matrix yet: it appears after the first epoch."))
        self._caption.setStyleSheet("")
        self._refresh_tables()
        self.matrixChanged.emit()

    def matrix(self) -> list[list[int]]:
        """The matrix on screen (a copy)."""
        return [list(row) for row in self._matrix]

    def class_names(self) -> list[str]:
        return list(self._names)

    def metrics(self) -> dict | None:
        """What the metrics table shows, as ``classification_metrics`` returns it."""
        return self._metrics

    def caption(self) -> str:
        return self._caption.text()

    # ------------------------------------------------------------------ internals

    def _show_stored(self, trial_id: str) -> None:
        matrix, names, where = self._by_trial[trial_id]
        number = self._numbers.get(trial_id)
        label = self.tr("trial {n}").format(n=number or trial_id)
        try:
            self.set_matrix(matrix, names, self.tr("Validation confusion \u2014 {trial}, {where}")
                            .format(trial=label, where=where))
        except ValueError as exc:
            self._caption.setText(self.tr("Cannot show the confusion matrix of {trial}: {why}")
                                  .format(trial=label, why=exc))
            self._caption.setStyleSheet(f"color: {theme.colors(self.palette()).failed.name()}")

    def _refresh_tables(self) -> None:
        self._model.set_colors(theme.colors(self.palette()))
        self._model.set_matrix(self._matrix, self._names)
        self._fit_matrix_layout()
        self._fill_metrics()

    def _fit_matrix_layout(self) -> None:
        metrics = QFontMetrics(self.matrix_view.font())
        n = len(self._names)
        biggest = max((max(row) for row in self._matrix if row), default=0)
        cell = max(metrics.horizontalAdvance(str(biggest)) + 12, metrics.height() + 8, 26)
        widest_name = max((metrics.horizontalAdvance(name) for name in self._names), default=0)
        # Names read across while they fit the view; beyond that they turn vertical.
        room = self.matrix_view.viewport().width() or self.matrix_view.width()
        vertical = n > 8 or widest_name > 100 or n * (widest_name + 12) > room
        header = self._column_header
        header.set_vertical_text(vertical)
        header.setMinimumSectionSize(cell if vertical else min(widest_name + 12, 112))
        header.setDefaultSectionSize(header.minimumSectionSize())
        rows = self.matrix_view.verticalHeader()
        rows.setMinimumSectionSize(max(metrics.height() + 8, 24))
        rows.setDefaultSectionSize(rows.minimumSectionSize())
        rows.setFixedWidth(min(widest_name, MAX_HEADER_TEXT_PX) + 16 if n else 0)
        # Few classes fill the view like a heatmap; many scroll at a readable cell size.
        mode = QHeaderView.ResizeMode.Stretch if n <= 12 else QHeaderView.ResizeMode.Fixed
        header.setSectionResizeMode(mode)
        rows.setSectionResizeMode(mode)
        header.updateGeometry()

    def _fill_metrics(self) -> None:
        table = self.metrics_table
        m = self._metrics
        if m is None:
            table.setRowCount(0)
            self._accuracy_label.setText(self.tr("Accuracy: {value}").format(value=UNDEFINED))
            return
        rows = [(name, c["precision"], c["recall"], c["f1"], c["support"])
                for name, c in zip(self._names, m["per_class"])]
        rows.append((self.tr("macro avg"), m["macro"]["precision"], m["macro"]["recall"],
                     m["macro"]["f1"], m["total"]))
        rows.append((self.tr("weighted avg"), m["weighted"]["precision"],
                     m["weighted"]["recall"], m["weighted"]["f1"], m["total"]))
        table.setRowCount(len(rows))
        muted = theme.colors(self.palette()).muted
        summary_start = len(self._names)
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
            if r >= summary_start:
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

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        # Side by side when wide, stacked when narrow (e.g. docked beside the curves).
        size = event.size()
        wide = size.width() >= 700 and size.width() >= 1.4 * size.height()
        orientation = Qt.Orientation.Horizontal if wide else Qt.Orientation.Vertical
        if self._splitter.orientation() != orientation:
            self._splitter.setOrientation(orientation)
        self._fit_matrix_layout()

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.PaletteChange:
            self._refresh_tables()  # cell shades blend with the palette's base colour
        super().changeEvent(event)

    def _undefined_reason(self, column: int) -> str:
        return (self.tr("Undefined: no image was predicted as this class"),
                self.tr("Undefined: this class has no images in the validation split"),
                self.tr("Undefined: precision or recall is undefined"))[column]

    def metric_text(self, row: int, column: str) -> str:
        """The text in the metrics table (``column`` one of METRIC_COLUMNS). For tests."""
        item = self.metrics_table.item(row, self.METRIC_COLUMNS.index(column))
        return item.text() if item is not None else ""

    def accuracy_text(self) -> str:
        return self._accuracy_label.text()
