"""Gallery of misclassified validation images of a trial.

Thumbnails with the true and predicted class and the confidence; a confusion grid beside it
(rows true, columns predicted) filters the gallery to a cell when clicked (a diagonal cell shows
that class's correct images), a class box filters to one class, and the order is by confidence.
"Open folder" shows the selected image's folder in the file manager. The predictions come from
the trial's ``predictions.npz`` (numpy only); for trials of older searches they are computed from
the checkpoint by a task in the training process.
"""
from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QSize, Qt, QUrl, Signal
from PySide6.QtGui import QColor, QDesktopServices, QIcon, QPixmap
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QLabel, QListWidget, QListWidgetItem,
                               QPushButton, QSplitter, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from app.core.search import predictions as pred
from app.gui.results.use_model_panel import UseModelDialog
from app.gui.session.playbook_tasks import TaskWorker, start_task_worker

THUMBNAIL = 96
MAX_ITEMS = 400


class MisclassifiedGallery(QWidget):
    """Shows one :class:`app.core.search.predictions.Predictions`; ``set_cell`` / ``set_class`` filter it."""

    filterChanged = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.preds: pred.Predictions | None = None
        self.cell: tuple[int, int] | None = None
        self.title = QLabel("")
        self.class_box = QComboBox()
        self.class_box.currentIndexChanged.connect(self._class_changed)
        self.sort_box = QComboBox()
        self.sort_box.addItems([self.tr("Most confident first"), self.tr("Least confident first")])
        self.sort_box.currentIndexChanged.connect(self.refresh)
        self.clear_button = QPushButton(self.tr("All mistakes"))
        self.clear_button.clicked.connect(self.clear_filter)
        self.open_button = QPushButton(self.tr("Open Folder"))
        self.open_button.clicked.connect(self.open_selected_folder)
        self.open_button.setEnabled(False)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Class:")))
        top.addWidget(self.class_box)
        top.addWidget(QLabel(self.tr("Order:")))
        top.addWidget(self.sort_box)
        top.addWidget(self.clear_button)
        top.addStretch(1)
        top.addWidget(self.open_button)

        self.grid = QTableWidget()
        self.grid.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.grid.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.grid.cellClicked.connect(lambda r, c: self.set_cell(r, c))
        self.grid.setToolTip(self.tr("Rows: true class · columns: predicted class. Click a cell to see its images."))
        self.items = QListWidget()
        self.items.setViewMode(QListWidget.ViewMode.IconMode)
        self.items.setIconSize(QSize(THUMBNAIL, THUMBNAIL))
        self.items.setGridSize(QSize(THUMBNAIL + 48, THUMBNAIL + 56))
        self.items.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.items.setMovement(QListWidget.Movement.Static)
        self.items.setWordWrap(True)
        self.items.itemSelectionChanged.connect(lambda: self.open_button.setEnabled(bool(self.items.selectedItems())))
        self.items.itemDoubleClicked.connect(lambda item: self.open_folder(item.data(Qt.ItemDataRole.UserRole)))
        self.count_label = QLabel("")
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.count_label)
        right_layout.addWidget(self.items, 1)
        split = QSplitter()
        split.addWidget(self.grid)
        split.addWidget(right)
        split.setStretchFactor(1, 1)
        split.setSizes([260, 700])
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(top)
        layout.addWidget(split, 1)

    # ---------------------------------------------------------------- data

    def set_predictions(self, preds: pred.Predictions, title: str = "") -> None:
        self.preds = preds
        self.cell = None
        acc = preds.accuracy
        self.title.setText(title or (self.tr("{count} validation image(s)").format(count=len(preds))
                                     + (self.tr(" · accuracy {accuracy:.1%}").format(
                                         accuracy=acc) if acc is not None else "")))
        self.class_box.blockSignals(True)
        self.class_box.clear()
        self.class_box.addItem(self.tr("All classes"), None)
        for i, name in enumerate(preds.classes):
            self.class_box.addItem(name, i)
        self.class_box.blockSignals(False)
        matrix = preds.confusion()
        n = len(preds.classes)
        self.grid.setRowCount(n)
        self.grid.setColumnCount(n)
        self.grid.setHorizontalHeaderLabels(preds.classes)
        self.grid.setVerticalHeaderLabels(preds.classes)
        for i in range(n):
            for j in range(n):
                item = QTableWidgetItem(str(matrix[i][j]))
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if i != j and matrix[i][j]:
                    item.setBackground(QColor(213, 94, 0, min(200, 40 + 30 * matrix[i][j])))
                elif i == j:
                    item.setBackground(QColor(0, 158, 115, 60))
                self.grid.setItem(i, j, item)
        self.grid.resizeColumnsToContents()
        # Show the whole grid when it fits in a third of the window; it scrolls beyond that.
        # (The row header has no width before the first layout: measure its longest name instead.)
        header = max((self.grid.fontMetrics().horizontalAdvance(c) for c in preds.classes), default=0) + 24
        width = header + sum(self.grid.columnWidth(j) for j in range(n)) + 2 * self.grid.frameWidth() + 4
        self.grid.setMinimumWidth(min(width, 420))
        self.refresh()

    def clear_filter(self) -> None:
        self.cell = None
        self.grid.clearSelection()
        self.class_box.setCurrentIndex(0)
        self.refresh()

    def set_cell(self, true_class: int, predicted_class: int) -> None:
        self.cell = (true_class, predicted_class)
        self.class_box.blockSignals(True)
        self.class_box.setCurrentIndex(0)
        self.class_box.blockSignals(False)
        self.refresh()

    def set_class(self, index: int | None) -> None:
        self.class_box.setCurrentIndex(0 if index is None else index + 1)

    def _class_changed(self) -> None:
        self.cell = None
        self.grid.clearSelection()
        self.refresh()

    def shown_rows(self) -> list[dict]:
        if self.preds is None:
            return []
        if self.cell is not None:
            t, p = self.cell
            rows = self.preds.rows(only_wrong=t != p, true_class=t, predicted_class=p)
        else:
            rows = self.preds.rows(class_index=self.class_box.currentData())
        if self.sort_box.currentIndex() == 1:
            rows.reverse()
        return rows

    def refresh(self) -> None:
        rows = self.shown_rows()
        self.items.clear()
        for row in rows[:MAX_ITEMS]:
            item = QListWidgetItem(f"{row['true_name']} → {row['predicted_name']}\n{row['confidence']:.0%}")
            pixmap = QPixmap(row["file"])
            if not pixmap.isNull():
                item.setIcon(QIcon(pixmap.scaled(THUMBNAIL, THUMBNAIL, Qt.AspectRatioMode.KeepAspectRatio,
                                                 Qt.TransformationMode.SmoothTransformation)))
            item.setToolTip(self.tr("{file}\ntrue: {true_name} · predicted: {predicted_name} ({confidence:.1%}) · "
                                    "p(true) "
                                    "{true_probability:.1%}").format(
                                        file=row['file'], true_name=row['true_name'],
                                        predicted_name=row['predicted_name'], confidence=row['confidence'],
                                        true_probability=row['true_probability']))
            item.setData(Qt.ItemDataRole.UserRole, row["file"])
            self.items.addItem(item)
        what = self.tr("images") if self.cell and self.cell[0] == self.cell[1] else self.tr("misclassified images")
        more = f" (first {MAX_ITEMS} shown)" if len(rows) > MAX_ITEMS else ""
        self.count_label.setText(f"{len(rows)} {what}{more}")
        self.filterChanged.emit()

    def open_selected_folder(self) -> None:
        items = self.items.selectedItems()
        if items:
            self.open_folder(items[0].data(Qt.ItemDataRole.UserRole))

    @staticmethod
    def open_folder(path: str) -> None:
        folder = Path(path).parent
        if folder.is_dir():
            QDesktopServices.openUrl(QUrl.fromLocalFile(os.fspath(folder)))


class TrialGallery(QWidget):
    """A gallery with a trial picker for one search; computes missing predictions in the child."""

    def __init__(self, search_dir: str, parent: QWidget | None = None, runner=None):
        super().__init__(parent)
        from app.core.options.config import SearchConfig
        from app.core.search.search_dir import load_search_info
        from app.core.search.trials import ranked_trials

        self.setObjectName("trialGallery")
        self.search_dir = str(search_dir)
        self._runner = runner
        self.worker: TaskWorker | None = None
        self.trial_box = QComboBox()
        objective = SearchConfig.from_dict(load_search_info(search_dir)["config"]).objective
        # Best first; trials whose weights were pruned keep their predictions file.
        trials = ranked_trials(search_dir, objective, with_checkpoint=False)
        for t in trials:
            self.trial_box.addItem(self.tr("Trial {trial_id} · score {score:.4f}").format(
                trial_id=t['trial_id'], score=t['score']), t["trial_id"])
        self.trial_box.currentIndexChanged.connect(self.load_current)
        self.compute_button = QPushButton(self.tr("Compute predictions from the checkpoint"))
        self.compute_button.clicked.connect(self.compute_current)
        self.compute_button.hide()
        self.message = QLabel("")
        self.message.hide()
        self.gallery = MisclassifiedGallery()
        # Why the trial decided: the selected image in a Try-it window of this trial, with its heat map.
        self.why_button = QPushButton(self.tr("Heat Map…"))
        self.why_button.setObjectName("galleryHeatMapButton")
        self.why_button.setEnabled(False)
        self.why_button.clicked.connect(lambda: self.explain_selected())
        self.gallery.items.itemSelectionChanged.connect(
            lambda: self.why_button.setEnabled(bool(self.gallery.items.selectedItems())))
        self.why_dialog = None
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Trial:")))
        top.addWidget(self.trial_box, 1)
        top.addWidget(self.compute_button)
        top.addWidget(self.why_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(self.gallery, 1)
        if not trials:
            self._say(self.tr("This search has no completed trial yet."))
        self.load_current()

    def explain_selected(self):
        """The selected image with its heat map and answer, in a Try-it window of this trial."""
        items = self.gallery.items.selectedItems()
        trial_id = self.trial_box.currentData()
        if not items or trial_id is None:
            return None
        self.why_dialog = UseModelDialog(self.search_dir, str(trial_id), parent=self)
        self.why_dialog.show()
        self.why_dialog.panel.try_it.add_images([items[0].data(Qt.ItemDataRole.UserRole)])
        return self.why_dialog

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def load_current(self) -> None:
        trial_id = self.trial_box.currentData()
        if trial_id is None:
            return
        path = pred.trial_predictions_path(self.search_dir, trial_id)
        if path.is_file():
            try:
                self.gallery.set_predictions(pred.load(path))
                self._say("")
                self.compute_button.hide()
                return
            except (OSError, ValueError, KeyError) as exc:
                self._say(self.tr("Cannot read {path} ({error}).").format(path=path, error=exc))
        else:
            self._say(self.tr("This trial has no saved predictions (an older search)."))
        self.compute_button.show()

    def compute_current(self) -> None:
        trial_id = self.trial_box.currentData()
        if trial_id is None or self.worker is not None:
            return
        self.compute_button.setEnabled(False)
        self._say(self.tr("Predicting the validation images in the training process…"))
        self.worker = TaskWorker("predictions", {"search_dir": self.search_dir, "trial_ids": [trial_id]},
                                 runner=self._runner)
        self.worker.finished.connect(self._computed)
        start_task_worker(self.worker)

    def _computed(self, final: dict) -> None:
        self.worker = None
        self.compute_button.setEnabled(True)
        if final.get("status") != "completed":
            self._say(self.tr("Could not compute the predictions: {error}").format(
                error=final.get("error") or self.tr("stopped")))
            return
        self.load_current()
