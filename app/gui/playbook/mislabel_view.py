"""Suspected mislabels of a search's dataset, with move and undo.

"Find" ranks the images (a task in the training process: ``app.core.playbook.mislabels``); the table shows
a thumbnail, the given and suggested class and the score (probability of the given class averaged
over the top trials). On a selection: move to the suggested class, to a chosen class, or to the
excluded folder beside the dataset. Every move is logged beside the dataset and "Undo Last Move"
puts the files back; nothing is deleted. ``datasetChanged`` asks the window to rescan the folder.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QSize, Qt, Signal
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel, QPushButton,
                               QTableWidget, QTableWidgetItem)

from app.core.playbook import mislabels
from app.core.playbook.tasks import TaskError
from app.gui.session.playbook_tasks import TaskPanel
from app.gui.widgets.widget_kit import field_values, param_fields

THUMBNAIL = 48
COLUMNS = (QT_TRANSLATE_NOOP("MislabelPanel", "Image"), QT_TRANSLATE_NOOP("MislabelPanel", "File"),
           QT_TRANSLATE_NOOP("MislabelPanel", "Given"), QT_TRANSLATE_NOOP("MislabelPanel", "Suggested"),
           QT_TRANSLATE_NOOP("MislabelPanel", "Score"), QT_TRANSLATE_NOOP("MislabelPanel", "Split"))


class MislabelPanel(TaskPanel):
    task = "mislabels"
    datasetChanged = Signal(str)

    def __init__(self, search_dir: str, parent=None, runner=None, history=None):
        super().__init__(parent, runner=runner, history=history)
        self.search_dir = str(search_dir)
        self.data_root: str | None = None
        self.suspects: list[dict] = []
        self.classes: list[str] = []
        self.fields = param_fields(self.task, "top")
        self.top_box = self.fields["top"]
        self.folds_box = QComboBox()
        self.folds_box.addItem(self.tr("Automatic"), None)
        self.folds_box.addItem(self.tr("Top trials only (fast)"), 0)
        for k in (3, 5):
            self.folds_box.addItem(self.tr("Out-of-fold, {k} folds").format(k=k), k)
        form = QHBoxLayout()
        form.addWidget(QLabel(self.tr("Trials that vote:")))
        form.addWidget(self.top_box)
        form.addWidget(QLabel(self.tr("Training images:")))
        form.addWidget(self.folds_box)
        form.addStretch(1)
        self.form.addLayout(form)
        self.start_button.setText(self.tr("Find Suspects"))

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in COLUMNS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setIconSize(QSize(THUMBNAIL, THUMBNAIL))
        self.table.verticalHeader().setDefaultSectionSize(THUMBNAIL + 6)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.note = QLabel("")
        self.note.setWordWrap(True)
        self.target_box = QComboBox()
        self.suggested_button = QPushButton(self.tr("Move to Suggested Class"))
        self.move_button = QPushButton(self.tr("Move to:"))
        self.exclude_button = QPushButton(self.tr("Exclude"))
        self.exclude_button.setToolTip(self.tr("Move out of the dataset, into the .excluded folder beside it"))
        self.undo_button = QPushButton(self.tr("Undo Last Move"))
        self.suggested_button.clicked.connect(lambda: self.move_selected("suggested"))
        self.move_button.clicked.connect(lambda: self.move_selected(self.target_box.currentText()))
        self.exclude_button.clicked.connect(lambda: self.move_selected(None))
        self.undo_button.clicked.connect(self.undo_last)
        actions = QHBoxLayout()
        actions.addWidget(self.suggested_button)
        actions.addWidget(self.move_button)
        actions.addWidget(self.target_box)
        actions.addWidget(self.exclude_button)
        actions.addStretch(1)
        actions.addWidget(self.undo_button)
        self.body.addWidget(self.note)
        self.body.addWidget(self.table, 1)
        self.body.addLayout(actions)
        self._update_buttons()

    def params(self) -> dict | None:
        return {"search_dir": self.search_dir, **field_values(self.fields), "folds": self.folds_box.currentData()}

    def on_result(self, result: dict) -> None:
        self.data_root = result.get("data_root")
        self.classes = list(result.get("classes") or [])
        self.target_box.clear()
        self.target_box.addItems(self.classes)
        text = self.tr("{count} suspect(s) among {val} validation and {train} training images, scored by "
                       "{method}.").format(
            count=len(result["suspects"]), val=result["checked"]["val"], train=result["checked"]["train"],
            method=result["method"])
        self.note.setText(text + (" " + result["note"] if result.get("note") else ""))
        self.set_suspects(result["suspects"])

    def set_suspects(self, suspects: list[dict]) -> None:
        self.suspects = [dict(s) for s in suspects]
        self.table.setRowCount(0)
        for s in self.suspects:
            row = self.table.rowCount()
            self.table.insertRow(row)
            thumb = QTableWidgetItem()
            pixmap = QPixmap(s["path"])
            if not pixmap.isNull():
                thumb.setIcon(QIcon(pixmap.scaled(THUMBNAIL, THUMBNAIL, Qt.AspectRatioMode.KeepAspectRatio,
                                                  Qt.TransformationMode.SmoothTransformation)))
            name = QTableWidgetItem(Path(s["path"]).name)
            name.setToolTip(s["path"])
            moved = s.get("moved_to")
            given = QTableWidgetItem(s["given"] + (f" → {moved}" if moved else ""))
            score = QTableWidgetItem(f"{s['score']:.3f}")
            score.setData(Qt.ItemDataRole.UserRole, s["score"])
            for col, item in enumerate((thumb, name, given, QTableWidgetItem(s["suggested"]), score,
                                        QTableWidgetItem(s.get("split", "")))):
                self.table.setItem(row, col, item)
        self.table.resizeColumnToContents(0)
        self._update_buttons()

    def selected_rows(self) -> list[int]:
        return sorted({i.row() for i in self.table.selectedIndexes()})

    def _update_buttons(self) -> None:
        rows = [r for r in self.selected_rows() if not self.suspects[r].get("moved_to")]
        for button in (self.suggested_button, self.move_button, self.exclude_button):
            button.setEnabled(bool(rows) and bool(self.data_root))
        self.target_box.setEnabled(bool(rows))
        self.undo_button.setEnabled(bool(self.data_root) and any(
            not b.get("undone") for b in self._log()))

    def _log(self) -> list[dict]:
        if not self.data_root:
            return []
        try:
            return mislabels.read_log(self.data_root)
        except TaskError:
            return []

    def move_selected(self, target: str | None) -> None:
        """Move the selected suspects: ``"suggested"``, a class name, or None (exclude)."""
        rows = [r for r in self.selected_rows() if not self.suspects[r].get("moved_to")]
        if not rows or not self.data_root:
            return
        moves = [{"path": self.suspects[r]["path"],
                  "to": self.suspects[r]["suggested"] if target == "suggested" else target} for r in rows]
        try:
            batch = mislabels.move_files(self.data_root, moves)
        except (TaskError, OSError) as exc:
            self.status.setText(self.tr("Nothing moved: {error}").format(error=exc))
            return
        for r, m in zip(rows, batch["moves"]):
            self.suspects[r]["moved_to"] = m["class"] or self.tr("excluded")
            self.suspects[r]["batch"] = batch["id"]
        self.status.setText(self.tr("Moved {count} file(s); logged in {log}.").format(
            count=len(rows), log=mislabels.log_path(self.data_root)))
        self.set_suspects(self.suspects)
        self.datasetChanged.emit(self.data_root)

    def undo_last(self) -> None:
        if not self.data_root:
            return
        try:
            batch = mislabels.undo(self.data_root)
        except (TaskError, OSError) as exc:
            self.status.setText(self.tr("Cannot undo: {error}").format(error=exc))
            return
        for s in self.suspects:
            if s.get("batch") == batch["id"]:
                s.pop("moved_to", None)
                s.pop("batch", None)
        self.status.setText(self.tr("Put back {count} file(s).").format(count=len(batch["moves"])))
        self.set_suspects(self.suspects)
        self.datasetChanged.emit(self.data_root)
