"""Using a model in the window: the Try-it panel beside the calibration view, and Predict Folder….

One :class:`UseModelPanel` serves the Results tab (the search's final model), a History trial and
an exported model opened with File > Open Model… (:class:`UseModelDialog`). For a search the
threshold set here is stored in the search folder (``calibration.set_threshold``), so export and
``tunestudio predict`` answer "unknown" exactly where this window does.
"""
from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QDialog, QFileDialog, QSplitter, QVBoxLayout, QWidget

from app.core.search import calibration as cal
from app.core.search.search_dir import SearchError, is_search_folder, load_search_info
from app.gui.results.calibration_view import CalibrationView
from app.gui.results.folder_prediction_dialog import FolderPredictionDialog
from app.gui.results.try_it_panel import TryItPanel

THRESHOLD_SAVE_MS = 300  # the slider moves continuously; the search folder is written once it rests


def model_title(source: str, trial_id: str | None) -> str:
    return f"{Path(source).name} · trial {trial_id}" if trial_id is not None else Path(source).name


class UseModelPanel(QWidget):
    def __init__(self, parent: QWidget | None = None, folder_chooser=None, save_asker=None):
        super().__init__(parent)
        self.setObjectName("useModelPanel")
        self.source: str | None = None
        self.trial_id: str | None = None
        self.folder_dialog: FolderPredictionDialog | None = None
        self._choose_folder = folder_chooser or (lambda title: QFileDialog.getExistingDirectory(self, title))
        self._ask_save = save_asker
        self.try_it = TryItPanel()
        self.try_it.folder_requested.connect(self.predict_folder)
        self.calibration = CalibrationView()
        self.calibration.threshold_changed.connect(self._on_threshold)
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(THRESHOLD_SAVE_MS)
        self._save_timer.timeout.connect(self.save_threshold)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.try_it)
        split.addWidget(self.calibration)
        split.setSizes([420, 300])
        split.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)

    def set_model(self, source: str | None, trial_id: str | None = None) -> None:
        """A search folder (its final model, or ``trial_id``), an export folder or a model file; None clears."""
        self.source, self.trial_id = (str(source) if source else None), trial_id
        record, classes = None, []
        if source and is_search_folder(source):
            try:
                classes = load_search_info(source).get("classes") or []
                record = cal.search_calibration(source, trial_id)
            except (SearchError, OSError, ValueError):
                record = None
        elif source:
            record, classes = self._card_calibration(Path(source))
        threshold = float((record or {}).get("threshold") or 0.0)
        self.try_it.set_model(self.source, trial_id, model_title(source, trial_id) if source else "", classes, threshold)
        self.calibration.set_record(record)
        if record and not record.get("coverage"):
            self.calibration.summary.setText(self.tr(
                "Exported with temperature {t:.2f} folded in and threshold {threshold:.2f}.").format(
                t=float(record.get("temperature") or 1.0), threshold=threshold))

    @staticmethod
    def _card_calibration(path: Path) -> tuple[dict | None, list[str]]:
        for folder in (path, path.parent, path.parent.parent):
            card = folder / "model_card.json"
            if card.is_file():
                try:
                    data = json.loads(card.read_text(encoding="utf-8"))
                except (OSError, ValueError):
                    return None, []
                return data.get("calibration"), data.get("classes") or []
        return None, []

    def _on_threshold(self, threshold: float) -> None:
        self.try_it.set_threshold(threshold)
        self._save_timer.start()

    def save_threshold(self) -> None:
        """Store the threshold in the search (the final model's; a trial's too: one threshold a search)."""
        self._save_timer.stop()
        if self.source and is_search_folder(self.source):
            try:
                cal.set_threshold(self.source, self.calibration.threshold())
            except (SearchError, ValueError, OSError):
                pass

    def predict_folder(self, folder: str | None = None) -> FolderPredictionDialog | None:
        folder = folder or self._choose_folder(self.tr("Predict every image in folder"))
        if not folder or not self.source:
            return None
        dialog = FolderPredictionDialog((self.source, self.trial_id), self.try_it.threshold, folder, self,
                                        save_path_asker=self._ask_save)
        self.folder_dialog = dialog
        dialog.show()
        dialog.start()
        return dialog


class UseModelDialog(QDialog):
    """A window of its own for a History trial or an exported model."""

    def __init__(self, source: str, trial_id: str | None = None, parent: QWidget | None = None, **kwargs):
        super().__init__(parent)
        self.setObjectName("useModelDialog")
        self.setWindowTitle(self.tr("Try {title}").format(title=model_title(source, trial_id)))
        self.resize(980, 760)
        self.panel = UseModelPanel(self, **kwargs)
        layout = QVBoxLayout(self)
        layout.addWidget(self.panel)
        self.panel.set_model(source, trial_id)
