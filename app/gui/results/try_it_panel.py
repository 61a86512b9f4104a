"""The "Try it" panel: drop, paste or pick images and see what the model says, and why.

Each image gets a card: the picture as the model saw it with its heat map blended on top (the
slider sets how much), the top classes with confidence bars, and the decision after the
confidence threshold ("unknown" below it). The model is a search's final model, one of its trials,
or an exported model (File > Open Model…); predictions run in the warm prediction child
(:class:`~app.gui.results.predict_client.PredictClient`), never in the window.
"""
from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (QFileDialog, QFrame, QGridLayout, QHBoxLayout, QLabel, QProgressBar, QPushButton,
                               QScrollArea, QSlider, QVBoxLayout, QWidget)

from app.gui.options.options_panel import array_pixmap
from app.gui.text import core_text
from app.gui.results.predict_client import PredictClient

CARD_IMAGE = 150
IMAGE_FILTER = "Images (*.png *.jpg *.jpeg *.bmp *.gif *.webp *.tif *.tiff)"


class ResultCard(QFrame):
    """One image's answer; ``set_overlay`` and ``set_threshold`` redraw it without asking the model."""

    def __init__(self, entry: dict, classes: list[str], threshold: float, alpha: float, parent=None):
        super().__init__(parent)
        self.setObjectName("tryItCard")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.entry, self.classes = entry, classes
        result = entry["result"]
        self.image = QLabel()
        self.image.setFixedSize(CARD_IMAGE, CARD_IMAGE)
        self.image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.decision = QLabel()
        self.decision.setObjectName("tryItDecision")
        name = QLabel(Path(result["file"]).name)
        name.setToolTip(result["file"])
        name.setStyleSheet("color: #555;")
        right = QVBoxLayout()
        right.addWidget(name)
        right.addWidget(self.decision)
        self.bars: list[QProgressBar] = []
        for item in result.get("top", []):
            bar = QProgressBar()
            bar.setRange(0, 1000)
            bar.setValue(int(round(item["probability"] * 1000)))
            bar.setFormat(f"{item['class']}  {item['probability']:.1%}")
            bar.setTextVisible(True)
            bar.setMinimumHeight(20)
            self.bars.append(bar)
            right.addWidget(bar)
        if result.get("error"):
            error = QLabel(self.tr("Cannot use this file: {reason}").format(
                reason=core_text.translate(result["error"])))
            error.setWordWrap(True)
            error.setStyleSheet("color: #b00020;")
            right.addWidget(error)
        if entry.get("method"):
            methods = {"grad-cam": self.tr("Grad-CAM"), "gradient x input": self.tr("gradient × input")}
            right.addWidget(QLabel(self.tr("Heat map: {method}").format(
                method=methods.get(entry["method"], entry["method"]))))
        right.addStretch(1)
        self.setMinimumHeight(CARD_IMAGE + 30)
        layout = QHBoxLayout(self)
        layout.addWidget(self.image)
        layout.addLayout(right, 1)
        self.set_threshold(threshold)
        self.set_overlay(alpha)

    def set_overlay(self, alpha: float) -> None:
        pixels, heat = self.entry.get("pixels"), self.entry.get("heat")
        if pixels is None:
            self.image.setText(self.tr("unreadable"))
            return
        if heat is not None and alpha > 0:
            from app.core.export.grad_cam import overlay

            pixels = overlay(pixels, heat / 255.0, alpha)
        self.image.setPixmap(array_pixmap(pixels).scaled(CARD_IMAGE, CARD_IMAGE, Qt.AspectRatioMode.KeepAspectRatio,
                                                         Qt.TransformationMode.SmoothTransformation))

    def set_threshold(self, threshold: float) -> None:
        result = self.entry["result"]
        if result.get("error"):
            self.decision.setText(self.tr("<b>No answer</b>"))
            return
        top = result["top"][0]
        if top["probability"] >= threshold:
            self.decision.setText(self.tr("<b>{name}</b> ({confidence:.0%} sure)").format(
                name=top["class"], confidence=top["probability"]))
            self.decision.setProperty("unknown", False)
        else:
            self.decision.setText(self.tr("<b>unknown</b>: {confidence:.0%} is below the threshold {threshold:.0%} "
                                          "(best guess {name})").format(confidence=top["probability"],
                                                                        threshold=threshold, name=top["class"]))
            self.decision.setProperty("unknown", True)

    def is_unknown(self) -> bool:
        return bool(self.decision.property("unknown"))


class TryItPanel(QWidget):
    """See the module docstring. ``folder_requested`` when "Predict Folder…" is pressed."""

    folder_requested = Signal()
    predictions_shown = Signal(int)  # cards shown after a prediction

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("tryItPanel")
        self.setAcceptDrops(True)
        self.client = PredictClient(self)
        self.client.predicted.connect(self._on_predicted)
        self.client.failed.connect(self._on_failed)
        self.classes: list[str] = []
        self.threshold = 0.0
        self.cards: list[ResultCard] = []
        self.latencies: list[float] = []
        self._started = 0.0
        self.model_label = QLabel(self.tr("No model yet: finish a search, or use File > Open Model…"))
        self.model_label.setObjectName("tryItModel")
        self.model_label.setWordWrap(True)
        self.add_button = QPushButton(self.tr("Add Images…"))
        self.add_button.clicked.connect(self.pick_images)
        self.paste_button = QPushButton(self.tr("Paste"))
        self.paste_button.clicked.connect(self.paste)
        QShortcut(QKeySequence.StandardKey.Paste, self, self.paste)
        self.folder_button = QPushButton(self.tr("Predict Folder…"))
        self.folder_button.setObjectName("predictFolderButton")
        self.folder_button.clicked.connect(self.folder_requested)
        self.clear_button = QPushButton(self.tr("Clear"))
        self.clear_button.clicked.connect(self.clear)
        self.overlay_slider = QSlider(Qt.Orientation.Horizontal)
        self.overlay_slider.setObjectName("heatMapSlider")
        self.overlay_slider.setRange(0, 100)
        self.overlay_slider.setValue(45)
        self.overlay_slider.setMaximumWidth(160)
        self.overlay_slider.valueChanged.connect(self._on_overlay)
        self.status = QLabel(self.tr("Drop images here, paste one (Ctrl+V) or press Add Images…"))
        self.status.setObjectName("tryItStatus")
        self.status.setWordWrap(True)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.paste_button, self.folder_button, self.clear_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(QLabel(self.tr("Heat map")))
        buttons.addWidget(self.overlay_slider)
        self.grid_host = QWidget()
        self.grid = QGridLayout(self.grid_host)
        self.grid.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.grid_host)
        layout = QVBoxLayout(self)
        layout.addWidget(self.model_label)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addWidget(scroll, 1)
        self._set_enabled(False)

    def _set_enabled(self, on: bool) -> None:
        for button in (self.add_button, self.paste_button, self.folder_button):
            button.setEnabled(on)

    def set_model(self, source: str | None, trial_id: str | None = None, title: str = "",
                  classes: list[str] | None = None, threshold: float | None = None) -> None:
        """Use this model from now on (a search folder, with ``trial_id`` one of its trials, or an export)."""
        self.client.set_model(source, trial_id)
        self.classes = list(classes or [])
        if threshold is not None:
            self.set_threshold(threshold)
        self.clear()
        self._set_enabled(source is not None)
        self.model_label.setText(self.tr("Model: {title}").format(title=title or source) if source else
                                 self.tr("No model yet: finish a search, or use File > Open Model…"))

    def set_threshold(self, threshold: float) -> None:
        self.threshold = float(threshold)
        self.client.threshold = self.threshold
        for card in self.cards:
            card.set_threshold(self.threshold)
        self._show_done()

    def add_images(self, files: list[str]) -> None:
        files = [str(f) for f in files if f]
        if not files or self.client.source is None:
            return
        self.status.setText(self.tr("Predicting {n} image(s)… (the first starts the model in a helper process, "
                                    "a few seconds)").format(n=len(files)))
        self._started = time.perf_counter()
        self._pending = len(files)
        self.client.predict(files)

    def pick_images(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, self.tr("Choose images to try"), str(Path.home()),
                                                IMAGE_FILTER)
        self.add_images(files)

    def paste(self) -> None:
        """An image on the clipboard (saved to a temporary PNG for the child), or copied image files."""
        mime = QGuiApplication.clipboard().mimeData()
        if mime is not None and mime.hasUrls():
            self.add_images([u.toLocalFile() for u in mime.urls() if u.isLocalFile()])
            return
        image = QGuiApplication.clipboard().image()
        if image.isNull():
            self.status.setText(self.tr("The clipboard holds no image."))
            return
        from app.core.util.paths import cache_dir

        folder = cache_dir() / "pasted"
        folder.mkdir(parents=True, exist_ok=True)
        handle, path = tempfile.mkstemp(prefix="pasted-", suffix=".png", dir=folder)
        os.close(handle)
        image.save(path, "PNG")
        self.add_images([path])

    def clear(self) -> None:
        for card in self.cards:
            card.setParent(None)
            card.deleteLater()
        self.cards = []

    def _on_predicted(self, entries: list) -> None:
        elapsed = time.perf_counter() - self._started
        self.latencies.append(elapsed / max(1, len(entries)))
        alpha = self.overlay_slider.value() / 100.0
        for card in self.cards:  # newest first: lay every card out again
            self.grid.removeWidget(card)
        for entry in entries:
            card = ResultCard(entry, self.classes, self.threshold, alpha)
            self.cards.insert(0, card)
        for i, card in enumerate(self.cards):
            self.grid.addWidget(card, i // 2, i % 2)
        self._last_count = len(entries)
        self._show_done()
        self.predictions_shown.emit(len(entries))

    def _show_done(self) -> None:
        """The last prediction's line; the count below the threshold follows the slider."""
        if not self.latencies or not self.cards:
            return
        unknown = sum(card.is_unknown() for card in self.cards)
        self.status.setText(self.tr("{n} image(s) in {ms:.0f} ms an image; {unknown} below the threshold.").format(
            n=self._last_count, ms=1000 * self.latencies[-1], unknown=unknown))

    def _on_failed(self, message: str) -> None:
        self.status.setText(self.tr("Prediction failed: {message}").format(message=message))

    def _on_overlay(self, value: int) -> None:
        for card in self.cards:
            card.set_overlay(value / 100.0)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        if event.mimeData().hasUrls() and self.client.source is not None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt override
        files = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        images = [f for f in files if Path(f).is_file()]
        event.acceptProposedAction()
        self.add_images(images)
        if len(images) < len(files):
            self.status.setText(self.tr("Folders are predicted with Predict Folder…"))
