"""Confusion matrix of the validation split, with per-class precision, recall and F1.

The matrix is a ``QTableView`` with coloured cells rather than an image: counts stay legible as
text, class names sit on both headers (the column header turns its names vertical when they
would not fit), each cell explains itself in a tooltip, and 2 to 50 classes all read well.
Rows are the true class, columns the predicted class. Cells are shaded by their share of the
row (the true class's images), so a small class's mistakes show as clearly as a big one's:
correct predictions in blue on the diagonal, mistakes in orange.

This file is the view and how it follows a search; the cells and headers are drawn by
``confusion_model.py``, the metrics table is ``class_metrics_table.py`` and the numbers come
from ``app/core/model/confusion_metrics.py``.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (QAbstractItemView, QHeaderView, QLabel, QSplitter, QTableView,
                               QVBoxLayout, QWidget)

from app.core.model.confusion_metrics import classification_metrics, validate_matrix
from app.core.search.events import SearchListener, dispatch
from app.gui.paint import theme
from app.gui.training.class_metrics_table import ClassMetricsTable
from app.gui.training.confusion_model import MAX_HEADER_TEXT_PX, ClassNameHeader, ConfusionModel


class ConfusionView(QWidget, SearchListener):
    """Heatmap of the validation confusion matrix beside a per-class metrics table."""

    matrixChanged = Signal()

    METRIC_COLUMNS = ClassMetricsTable.METRIC_COLUMNS

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
        self._column_header = ClassNameHeader(self.matrix_view)
        self.matrix_view.setHorizontalHeader(self._column_header)
        self.matrix_view.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.matrix_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.matrix_view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.matrix_view.setShowGrid(True)
        self.matrix_view.verticalHeader().setTextElideMode(Qt.TextElideMode.ElideRight)

        self.class_metrics = ClassMetricsTable()
        self.metrics_table = self.class_metrics.table

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.matrix_view, 1)
        left_layout.addWidget(hint)
        # The matrix gets the larger share; resizeEvent stacks the two when the view is narrow.
        splitter = self._splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(left)
        splitter.addWidget(self.class_metrics)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self._caption)
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
        self.class_metrics.show_metrics(self._metrics, self._names)

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

    def metric_text(self, row: int, column: str) -> str:
        """The text in the metrics table (``column`` one of METRIC_COLUMNS). For tests."""
        return self.class_metrics.metric_text(row, column)

    def accuracy_text(self) -> str:
        return self.class_metrics.accuracy_text()
