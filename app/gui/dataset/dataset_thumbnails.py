"""The Dataset tab's samples: a strip of thumbnails per class, decoded off the GUI thread."""
from __future__ import annotations

import os
from typing import Callable

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from app.core.data.dataset_report import ScanReport
from app.gui.session.search_worker import run_in_background

THUMBNAILS_PER_CLASS = 8
THUMBNAIL_PX = 60


def load_thumbnails(report: ScanReport, per_class: int = THUMBNAILS_PER_CLASS,
                    size: int = THUMBNAIL_PX) -> dict[str, list[tuple[str, int, int, bytes]]]:
    """A few RGB thumbnails per class as ``(path, width, height, rgb bytes)``; runs off the GUI thread."""
    from PIL import Image, ImageOps

    by_class: dict[str, list] = {c: [] for c in report.classes}
    for record in report.images:
        thumbs = by_class.setdefault(record.label, [])
        if len(thumbs) >= per_class:
            continue
        try:
            with Image.open(record.path) as img:
                img = ImageOps.exif_transpose(img)
                if img.mode.startswith("I;16") or img.mode in ("I", "F"):
                    img = img.convert("L")
                img = ImageOps.fit(img.convert("RGB"), (size, size), Image.Resampling.BILINEAR)
                thumbs.append((record.path, img.width, img.height, img.tobytes()))
        except (OSError, ValueError):
            continue  # the scan already vouched for it; a file changed since is just not shown
    return by_class


def rgb_pixmap(width: int, height: int, data: bytes) -> QPixmap:
    image = QImage(data, width, height, width * 3, QImage.Format.Format_RGB888)
    return QPixmap.fromImage(image.copy())  # copy: QImage does not own ``data``


class SampleStrips(QScrollArea):
    """One titled row of grey squares per class, filled with thumbnails as they are decoded."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("thumbnailArea")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self._host = QWidget()
        self._rows = QVBoxLayout(self._host)
        self._rows.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.setWidget(self._host)
        self.labels: dict[str, list[QLabel]] = {}

    def clear(self) -> None:
        while self._rows.count():
            item = self._rows.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()

    def show_report(self, report: ScanReport, is_current: Callable[[], bool]) -> None:
        """Rows for ``report``'s classes; the thumbnails follow unless ``is_current()`` has turned
        False meanwhile (a newer scan started)."""
        self.clear()
        self.labels = {}
        counts = report.counts
        for name in report.classes:
            row = QWidget()
            row_layout = QVBoxLayout(row)
            row_layout.setContentsMargins(0, 0, 0, 6)
            row_layout.setSpacing(2)
            title = QLabel(self.tr("<b>{name}</b> <span style='color:#666'>({name2})</span>").format(
                name=name, name2=counts.get(name, 0)))
            row_layout.addWidget(title)
            strip = QHBoxLayout()
            strip.setSpacing(4)
            strip.setAlignment(Qt.AlignmentFlag.AlignLeft)
            row_layout.addLayout(strip)
            self.labels[name] = []
            for _ in range(min(THUMBNAILS_PER_CLASS, counts.get(name, 0))):
                label = QLabel()
                label.setFixedSize(QSize(THUMBNAIL_PX, THUMBNAIL_PX))
                label.setStyleSheet("background: #e8e8e8; border-radius: 3px;")
                strip.addWidget(label)
                self.labels[name].append(label)
            self._rows.addWidget(row)

        def on_thumbnails(by_class: dict) -> None:
            if not is_current():
                return
            for name, thumbs in by_class.items():
                labels = self.labels.get(name, [])
                for label, (path, w, h, data) in zip(labels, thumbs):
                    label.setPixmap(rgb_pixmap(w, h, data))
                    label.setToolTip(os.path.relpath(path, report.root))

        run_in_background(lambda: load_thumbnails(report), on_thumbnails, receiver=self)

    def loaded_count(self) -> int:
        return sum(1 for labels in self.labels.values() for label in labels if not label.pixmap().isNull())
