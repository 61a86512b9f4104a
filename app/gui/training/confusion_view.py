"""Confusion matrix of the validation split, with per-class precision, recall and F1.

The matrix is a ``QTableView`` with coloured cells rather than an image: counts stay legible as
text, class names sit on both headers (the column header turns its names vertical when they
would not fit), each cell explains itself in a tooltip, and 2 to 50 classes all read well.
Rows are the true class, columns the predicted class. Cells are shaded by their share of the
row (the true class's images), so a small class's mistakes show as clearly as a big one's:
correct predictions in blue on the diagonal, mistakes in orange.

This file is the view and how it follows a search (it draws the trials of the search state it
observes, :mod:`app.gui.widgets.state_panel`, whose kept-epoch rule it shows); the cells and headers are drawn by
``confusion_model.py``, the metrics table is ``class_metrics_table.py`` and the numbers come
from ``app/core/model/confusion_metrics.py``.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (QAbstractItemView, QHeaderView, QLabel, QSplitter, QTableView,
                               QVBoxLayout, QWidget)

from app.core.model.confusion_metrics import classification_metrics, validate_matrix
from app.core.search.search_state import RUNNING
from app.gui.paint import theme
from app.gui.training.class_metrics_table import ClassMetricsTable
from app.gui.training.confusion_model import MAX_HEADER_TEXT_PX, ClassNameHeader, ConfusionModel
from app.gui.widgets.state_panel import StatePanel


class ConfusionView(QWidget, StatePanel):
    """Heatmap of the validation confusion matrix beside a per-class metrics table."""

    matrixChanged = Signal()

    METRIC_COLUMNS = ClassMetricsTable.METRIC_COLUMNS

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("confusionView")
        self._matrix: list[list[int]] = []
        self._names: list[str] = []
        self._metrics: dict | None = None
        # Which trial is shown: the one whose epochs arrive (followed), unless one is pinned. The
        # matrices and names come from the search state (app/gui/widgets/state_panel.py).
        self._followed_id: str | None = None
        self._pinned_id: str | None = None
        self._init_state()

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

    # ------------------------------------------------------------------ following a search

    def on_search_started(self, event: dict) -> None:
        self._clear()

    def on_trial_started(self, event: dict) -> None:
        self._followed_id = str(event.get("trial_id"))

    def on_epoch_ended(self, event: dict) -> None:
        """Each epoch's validation confusion of a trial (the running one, unless one is pinned)."""
        if event.get("confusion") is not None:
            self._show_if_followed(str(event.get("trial_id")))

    def on_trial_ended(self, event: dict) -> None:
        """Once a trial ends, show the epoch whose weights were kept (``best_step``), not the last."""
        self._show_if_followed(str(event.get("trial_id")))

    def show_trial(self, trial_id: str | None) -> bool:
        """Show a trial's confusion matrix; None follows the running trial again."""
        if trial_id is None:
            self._pinned_id = None
            if self._shown_matrix(self._followed_id) is not None:
                self._show_stored(self._followed_id)
            return True
        trial_id = str(trial_id)
        if self._shown_matrix(trial_id) is None:
            return False
        self._pinned_id = None if trial_id == self._followed_id else trial_id
        self._show_stored(trial_id)
        return True

    def reset(self) -> None:
        """Forget what is shown (and the panel's own state, when it has one)."""
        StatePanel.reset(self)

    def _rebuild_view(self) -> None:
        self._clear()

    def _clear(self) -> None:
        self._matrix, self._names, self._metrics = [], [], None
        self._followed_id = self._pinned_id = None
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

    def _show_if_followed(self, trial_id: str) -> None:
        if self._pinned_id in (None, trial_id) and self._shown_matrix(trial_id) is not None:
            self._show_stored(trial_id)

    def _shown_matrix(self, trial_id: str | None) -> tuple[list, str] | None:
        """What the view shows of a trial in the state: (matrix, where), or None when it has none.

        A running trial shows its latest epoch; an ended one the epoch whose weights were kept
        (``TrialState.kept_confusion``), when that is known.
        """
        trial = self.state.trials.get(trial_id) if trial_id is not None else None
        if trial is None:
            return None
        kept_known = trial.best_step in trial.confusions or trial.final_confusion is not None
        if trial.status == RUNNING or not kept_known:
            if not trial.confusions:
                return None
            epoch = max(trial.confusions)
            planned = f"/{trial.epochs_planned}" if trial.epochs_planned else ""
            return trial.confusions[epoch], self.tr("epoch {epoch}").format(epoch=f"{epoch + 1}{planned}")
        matrix, epoch = trial.kept_confusion()
        if matrix is None:
            return None
        if isinstance(epoch, int):
            return matrix, self.tr("epoch {n} (weights kept)").format(n=epoch + 1)
        return matrix, self.tr("weights kept")

    def _show_stored(self, trial_id: str) -> None:
        matrix, where = self._shown_matrix(trial_id)
        trial = self.state.trials[trial_id]
        names = trial.class_names or self.state.classes
        label = self.tr("trial {n}").format(n=trial.number or trial_id)
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
