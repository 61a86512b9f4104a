"""The export dialog: choose formats, export in a child process, show each artifact's proof.

The export runs through ``app.core.export.export_process.run_export_in_subprocess`` on the thread pool:
TensorFlow, the TFLite converter and ONNX Runtime load in the child, never in the window's
process. Progress and the final result come back as plain dicts through Qt signals.
"""
from __future__ import annotations

import html
import threading
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox, QDialog, QGridLayout, QHBoxLayout, QLabel, QProgressBar, QPushButton, QTableWidgetItem, QVBoxLayout,
)

from app.core.export.export_check import TOLERANCES
from app.core.export.export_formats import FILE_NAMES, FORMATS, missing_requirement
from app.gui.text import core_text
from app.gui.widgets.widget_kit import read_only_table
from app.gui.session.search_worker import run_in_background

FORMAT_LABELS = {
    "saved_model": QT_TRANSLATE_NOOP("ExportDialog", "SavedModel (TensorFlow, TF Serving)"),
    "keras": "Keras (.keras)",
    "tflite": QT_TRANSLATE_NOOP("ExportDialog", "TensorFlow Lite, float32"),
    "tflite-fp16": QT_TRANSLATE_NOOP("ExportDialog", "TensorFlow Lite, float16 (half the size)"),
    "tflite-int8": QT_TRANSLATE_NOOP("ExportDialog", "TensorFlow Lite, int8 (quarter size, calibrated on your "
                                                     "training images)"),
    "onnx": QT_TRANSLATE_NOOP("ExportDialog", "ONNX (checked with ONNX Runtime)"),
}
COLUMNS = [QT_TRANSLATE_NOOP("ExportDialog", "Format"), QT_TRANSLATE_NOOP("ExportDialog", "File"),
           QT_TRANSLATE_NOOP("ExportDialog", "Size"), QT_TRANSLATE_NOOP("ExportDialog", "Val. accuracy"),
           QT_TRANSLATE_NOOP("ExportDialog", "Agreement"), QT_TRANSLATE_NOOP("ExportDialog", "Max |Δp|"),
           QT_TRANSLATE_NOOP("ExportDialog", "ms / image"), QT_TRANSLATE_NOOP("ExportDialog", "Check")]
PASSED_COLOR, FAILED_COLOR = QColor("#1a7f37"), QColor("#b00020")


def _size(n: int) -> str:
    return f"{n / 2**20:.1f} MB" if n >= 2**20 else f"{n / 1024:.0f} KB"


class ExportDialog(QDialog):
    """Export one trial. ``export_finished`` carries the core's final event (status, card, error)."""

    export_finished = Signal(dict)
    _progress = Signal(dict)

    def __init__(self, search_dir: str, out_dir: str | Path, trial_id: str | None = None, parent=None):
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle(self.tr("Export model"))
        self.search_dir, self.out_dir, self.trial_id = search_dir, Path(out_dir), trial_id
        self.running = False
        self.final: dict | None = None
        self._cancel = threading.Event()
        layout = QVBoxLayout(self)
        which = self.tr("trial {n}").format(n=trial_id) if trial_id else self.tr("the final model")
        intro = QLabel(self.tr("Export {which} to <b>{out_dir}</b>. Each file is loaded in its own runtime and "
                               "scored on every validation image against the trained model.").format(
            which=html.escape(which), out_dir=html.escape(str(self.out_dir))))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        grid = QGridLayout()
        self.format_boxes: dict[str, QCheckBox] = {}
        for i, fmt in enumerate(FORMATS):
            box = QCheckBox(self.tr(FORMAT_LABELS[fmt]))
            box.setObjectName(f"format_{fmt}")
            problem = missing_requirement(fmt)
            box.setChecked(problem is None)
            box.setEnabled(problem is None)
            box.setToolTip(problem or self.tr("writes {file}").format(file=FILE_NAMES[fmt]))
            box.toggled.connect(self._update_buttons)
            grid.addWidget(box, i // 2, i % 2)
            self.format_boxes[fmt] = box
        layout.addLayout(grid)
        self.progress_bar = QProgressBar()
        self.progress_bar.setObjectName("exportProgress")
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(0)
        self.status_label = QLabel(self.tr("Choose the formats, then Export."))
        self.status_label.setObjectName("exportStatus")
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.status_label)
        self.table = read_only_table("exportTable", [self.tr(c) for c in COLUMNS])
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        legend = QLabel(self.tr("Agreement: share of validation images given the trained model's class. Needed: ")
                        + "; ".join(f"{fmt} ≥ {tol['min_agreement']:.0%}"
                                    + (f", |Δp| ≤ {tol['max_prob_diff']:g}" if tol["max_prob_diff"] else "")
                                    for fmt, tol in TOLERANCES.items()) + ".")
        legend.setObjectName("exportLegend")
        legend.setWordWrap(True)
        legend.setStyleSheet("color: #666;")
        layout.addWidget(legend)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.start_button = QPushButton(self.tr("Export"))
        self.start_button.setObjectName("exportStartButton")
        self.start_button.setDefault(True)
        self.start_button.clicked.connect(self.start)
        self.close_button = QPushButton(self.tr("Close"))
        self.close_button.setObjectName("exportCloseButton")
        self.close_button.clicked.connect(self._close_or_cancel)
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.close_button)
        layout.addLayout(buttons)
        self._progress.connect(self._on_progress)
        self.resize(860, 460)

    # ------------------------------------------------------------------ actions

    def selected_formats(self) -> list[str]:
        return [fmt for fmt, box in self.format_boxes.items() if box.isChecked() and box.isEnabled()]

    def _update_buttons(self) -> None:
        self.start_button.setEnabled(not self.running and self.final is None and bool(self.selected_formats()))
        self.close_button.setText(self.tr("Cancel export") if self.running else self.tr("Close"))

    def start(self) -> None:
        formats = self.selected_formats()
        if self.running or not formats:
            return
        from app.core.export.export_process import run_export_in_subprocess

        self.running = True
        for box in self.format_boxes.values():
            box.setEnabled(False)
        self.status_label.setText(self.tr("Starting the export process…"))
        self.progress_bar.setRange(0, 0)  # busy until the child reports its steps
        self._update_buttons()
        search_dir, out_dir, trial_id, cancel = self.search_dir, self.out_dir, self.trial_id, self._cancel
        emit = self._progress.emit  # queued to the GUI thread: this dialog lives there

        def job() -> dict:
            return run_export_in_subprocess(search_dir, out_dir, trial_id, formats=formats, listener=emit,
                                            cancel=cancel)

        def on_error(message: str, details: str) -> None:
            self._on_finished({"type": "export_finished", "status": "failed", "card": None, "error": message,
                               "details": details})

        run_in_background(job, self._on_finished, on_error, receiver=self)

    def cancel(self) -> None:
        if self.running:
            self._cancel.set()
            self.status_label.setText(self.tr("Stopping the export…"))

    def _close_or_cancel(self) -> None:
        if self.running:
            self.cancel()
        else:
            self.close()

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt override
        # Closing while exporting stops the export (nothing is left half-written).
        self.cancel()
        super().closeEvent(event)

    # ------------------------------------------------------------------ results

    def _on_progress(self, event: dict) -> None:
        total = int(event.get("total") or 1)
        self.progress_bar.setRange(0, total)
        self.progress_bar.setValue(int(event.get("done") or 0))
        if not self._cancel.is_set():
            self.status_label.setText(core_text.translate(str(event.get("message", ""))) + "…")

    def _on_finished(self, final: dict) -> None:
        self.running = False
        self.final = final
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(1 if final.get("status") == "completed" else 0)
        card = final.get("card") or {}
        if final.get("status") == "completed":
            self.show_artifacts(card.get("artifacts") or [])
            failed = (card.get("self_check") or {}).get("failed") or []
            verdict = (self.tr("<span style='color:{color}'>✘ {formats} disagreed with the trained model beyond the "
                               "tolerance</span>").format(color=FAILED_COLOR.name(),
                                                          formats=html.escape(", ".join(failed)))
                       if failed else self.tr("<span style='color:{color}'>✔ every file passed its check</span>").format(
                           color=PASSED_COLOR.name()))
            self.status_label.setText(self.tr("Exported to {path}. {verdict}").format(
                path=html.escape(str(card.get('path', self.out_dir))), verdict=verdict))
        elif final.get("status") == "cancelled":
            self.status_label.setText(self.tr("Export stopped; nothing was written."))
        else:
            self.status_label.setText(self.tr("<span style='color:{name}'>Export failed: {error}</span>").format(
                name=FAILED_COLOR.name(), error=html.escape(str(final.get('error', '')))))
        self._update_buttons()
        self.export_finished.emit(final)

    def show_artifacts(self, artifacts: list[dict]) -> None:
        self.table.setRowCount(len(artifacts))
        for row, a in enumerate(artifacts):
            cells = [a["format"], Path(str(a.get("path", ""))).name, _size(int(a.get("size_bytes") or 0)),
                     f"{a.get('val_accuracy', 0):.3f}", f"{a.get('agreement', 0):.3f}",
                     f"{a.get('max_prob_diff', 0):.2g}", f"{a.get('ms_per_image', 0):.2f}",
                     self.tr("✔ passed") if a.get("passed") else self.tr("✘ failed")]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if 2 <= col < len(cells) - 1:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if col == len(cells) - 1:
                    item.setForeground(PASSED_COLOR if a.get("passed") else FAILED_COLOR)
                    tol = a.get("tolerance") or {}
                    item.setToolTip(self.tr("needs agreement ≥ {min_agreement}").format(
                        min_agreement=tol.get('min_agreement'))
                                    + (self.tr(" and max |Δp| ≤ {max_diff}").format(max_diff=tol["max_prob_diff"])
                                       if tol.get("max_prob_diff") else ""))
                self.table.setItem(row, col, item)
