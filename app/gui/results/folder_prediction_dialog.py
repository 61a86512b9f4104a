""""Predict Folder…": every image under a folder through the model, with progress and cancel.

The rows arrive one by one from the prediction child (``app.core.export.predict_folder``); the
table fills as they come, unreadable files are listed with their reason, and when the folder's
subfolders are named after the classes the end shows the accuracy and the confusion matrix.
"Save CSV…" writes the rows with the same writer as ``tunestudio predict --csv``.
"""
from __future__ import annotations

import html
import os

from PySide6.QtWidgets import (QDialog, QHBoxLayout, QLabel, QProgressBar, QPushButton, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from app.core.search.calibration import UNKNOWN
from app.gui.results.predict_client import PredictClient
from app.gui.text import core_text


class FolderPredictionDialog(QDialog):
    def __init__(self, client_source: tuple[str, str | None], threshold: float, folder: str,
                 parent: QWidget | None = None, save_path_asker=None):
        super().__init__(parent)
        self.setObjectName("folderPredictionDialog")
        self.setWindowTitle(self.tr("Predict Folder"))
        self.resize(820, 560)
        self.folder = folder
        self.rows: list[dict] = []
        self.summary: dict | None = None
        self.finished_run = False
        self._ask_save = save_path_asker
        self.client = PredictClient(self)
        self.client.set_model(*client_source)
        self.client.threshold = threshold
        self.client.folder_event.connect(self._on_event)
        self.client.failed.connect(self._on_failed)
        self.client.folder_done.connect(self._on_done)
        self.title = QLabel(self.tr("Predicting every image under {folder}").format(folder=folder))
        self.title.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setObjectName("folderPredictionProgress")
        self.progress.setRange(0, 0)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.clicked.connect(self.cancel)
        self.save_button = QPushButton(self.tr("Save CSV…"))
        self.save_button.setEnabled(False)
        self.save_button.clicked.connect(self.save_csv)
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("folderPredictionTable")
        self.table.setHorizontalHeaderLabels([self.tr("File"), self.tr("Decision"), self.tr("Top classes"),
                                              self.tr("True class / problem")])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setColumnWidth(0, 260)
        self.table.setColumnWidth(2, 220)
        self.result_label = QLabel()
        self.result_label.setObjectName("folderPredictionSummary")
        self.result_label.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.progress, 1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.result_label)

    def start(self) -> None:
        self.client.predict_folder([self.folder])

    def cancel(self) -> None:
        self.client.cancel()
        self.cancel_button.setEnabled(False)
        self.title.setText(self.tr("Stopping after the current batch…"))

    def _on_event(self, event: dict) -> None:
        kind = event.get("type")
        if kind == "predict_listed":
            self.progress.setRange(0, max(1, event["total"]))
        elif kind == "predict_result":
            self.progress.setValue(event["done"])
            self._add_row(event["result"])
        elif kind == "predict_summary":
            self.summary = event
            self._show_summary(event)

    def _add_row(self, result: dict) -> None:
        self.rows.append(result)
        row = self.table.rowCount()
        self.table.insertRow(row)
        tops = ", ".join(f"{t['class']} {t['probability']:.0%}" for t in result.get("top", []))
        problem = core_text.translate(result["error"]) if result.get("error") else result.get("true_class") or ""
        try:
            shown = os.path.relpath(result["file"], self.folder)
        except ValueError:  # another drive (Windows)
            shown = result["file"]
        for column, text in enumerate((shown, self._decision(result.get("decision")), tops, problem)):
            item = QTableWidgetItem(text)
            item.setToolTip(result["file"] if column == 0 else text)
            self.table.setItem(row, column, item)

    def _decision(self, decision: str | None) -> str:
        return "–" if not decision else self.tr("unknown") if decision == UNKNOWN else decision

    def _show_summary(self, event: dict) -> None:
        summary = event["summary"]
        lines = [self.tr("{predicted} of {images} image(s) predicted, {bad} unreadable{stopped}.").format(
            predicted=summary["predicted"], images=summary["images"], bad=len(summary["unreadable"]),
            stopped=self.tr(" (stopped)") if event.get("cancelled") else "")]
        if summary.get("labelled"):
            lines.append(self.tr("Accuracy {accuracy:.1%} on {n} image(s) in class folders; answered {coverage:.0%} "
                                 "at the threshold.").format(accuracy=summary["accuracy"], n=summary["labelled"],
                                                             coverage=summary["coverage"]))
            confusion = summary["confusion"]
            header = "".join(f"<th>{html.escape(self._decision(c))}</th>" for c in confusion["columns"])
            body = "".join(f"<tr><th>{html.escape(name)}</th>" + "".join(f"<td align='right'>{v}</td>" for v in row) + "</tr>"
                           for name, row in zip(confusion["rows"], confusion["matrix"]))
            lines.append(self.tr("Confusion (rows: true class, columns: decision):")
                         + f"<table cellspacing='6'><tr><th></th>{header}</tr>{body}</table>")
        self.result_label.setText("<br>".join(lines))

    def _on_done(self) -> None:
        self.finished_run = True
        self.cancel_button.setEnabled(False)
        self.save_button.setEnabled(bool(self.rows))
        self.title.setText(self.tr("Done: {folder}").format(folder=self.folder))

    def _on_failed(self, message: str) -> None:
        self.finished_run = True
        self.cancel_button.setEnabled(False)
        self.result_label.setText(self.tr("Prediction failed: {message}").format(message=message))

    def save_csv(self, path: str | None = None) -> str | None:
        if path is None and self._ask_save is not None:
            path = self._ask_save(self.tr("Save the predictions"), "predictions.csv", "CSV (*.csv)")
        if not path:
            return None
        from app.core.export.predict_folder import CsvWriter

        top = max((len(r.get("top", [])) for r in self.rows), default=1)
        writer = CsvWriter(path, max(1, top))
        try:
            for row in self.rows:
                writer.write(row)
        finally:
            writer.close()
        return path

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt override
        if not self.finished_run:
            self.client.cancel()
        super().closeEvent(event)
