"""Knowledge distillation from the window: teacher, student, T and alpha; live curves; comparison.

The student trains in the training process (``app.core.playbook.distill``); its epoch events draw the
curves live, and the result fills a teacher-versus-student table: parameters, size on disk,
milliseconds per image, validation (and test) accuracy. An export folder, when given, receives the
student exported like a trial.
"""
from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QFileDialog, QHeaderView, QPushButton, QSplitter,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from app.gui.paint import theme
from app.gui.session.playbook_tasks import TaskPanel
from app.gui.widgets.widget_kit import FolderField, architecture_combo, field_values, param_fields, row_of

ROWS = (("model", QT_TRANSLATE_NOOP("DistillPanel", "Model")), ("params", QT_TRANSLATE_NOOP("DistillPanel", "Parameters")),
        ("size_bytes", QT_TRANSLATE_NOOP("DistillPanel", "Size on disk")),
        ("ms_per_image", QT_TRANSLATE_NOOP("DistillPanel", "ms per image")),
        ("val_accuracy", QT_TRANSLATE_NOOP("DistillPanel", "Validation accuracy")),
        ("test_accuracy", QT_TRANSLATE_NOOP("DistillPanel", "Test accuracy")))


def _format(key: str, value) -> str:
    if value is None:
        return "–"
    if key == "model":
        return str(value)
    if key == "params":
        return f"{int(value):,}"
    if key == "size_bytes":
        return f"{value / 1024:,.0f} KB" if value < 1024 ** 2 else f"{value / 1024 ** 2:,.1f} MB"
    if key == "ms_per_image":
        return f"{value:.3f}"
    return f"{value:.1%}"


class DistillPanel(TaskPanel):
    task = "distill"

    def __init__(self, search_dir: str, trial_ids: list[str] | None = None, parent=None, runner=None, history=None):
        super().__init__(parent, runner=runner, history=history)
        self.search_dir = str(search_dir)
        self.teacher_box = QComboBox()
        self.teacher_box.addItem(self.tr("Best trial"), self.tr("best"))
        for k in (2, 3, 5):
            self.teacher_box.addItem(self.tr("Ensemble of the best {k}").format(k=k), self.tr("ensemble:{k}").format(k=k))
        for trial_id in trial_ids or []:
            self.teacher_box.addItem(self.tr("Trial {trial}").format(trial=trial_id), trial_id)
        self.arch_box = architecture_combo("simple_cnn")
        self.fields = param_fields(self.task, "student_width", "student_depth", "temperature", "alpha", "epochs")
        self.width_box, self.depth_box, self.temperature_box, self.alpha_box, self.epochs_box = self.fields.values()
        self.export_field = FolderField(self.tr("optional: a new folder for the student's export"),
                                        self.tr("Export the student to"))
        self.export_edit = self.export_field.edit
        self.add_form([
            (self.tr("Teacher:"), self.teacher_box),
            (self.tr("Student (architecture · width · depth):"),
             row_of((self.arch_box, 1), self.width_box, self.depth_box)),
            (self.tr("Temperature · alpha (hard labels) · epochs:"),
             row_of(self.temperature_box, self.alpha_box, self.epochs_box)),
            (self.tr("Export the student to:"), self.export_field),
        ], self.tr("Distil"))

        colors = theme.colors()
        self.plot = pg.PlotWidget(background=colors.background)
        self.plot.setLabel("bottom", self.tr("epoch"))
        self.plot.setLabel("left", self.tr("accuracy"))
        self.plot.getAxis("left").enableAutoSIPrefix(False)
        self.plot.setYRange(0.0, 1.0)
        self.plot.addLegend()
        self.plot.showGrid(x=True, y=True, alpha=0.2)
        self.train_curve = self.plot.plot([], [], pen=pg.mkPen(colors.train, width=2), symbol="o", symbolSize=5,
                                          name=self.tr("student, training"))
        self.val_curve = self.plot.plot([], [], pen=pg.mkPen(colors.validation, width=2), symbol="o", symbolSize=5,
                                        name=self.tr("student, validation"))
        self.history: dict[str, list[float]] = {}
        self.table = QTableWidget(len(ROWS), 2)
        self.table.setHorizontalHeaderLabels([self.tr("Teacher"), self.tr("Student")])
        self.table.setVerticalHeaderLabels([self.tr(label) for _, label in ROWS])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.table)
        side_layout.addStretch(1)
        self.table.setMinimumHeight(self.table.horizontalHeader().height() + 30 * len(ROWS))
        self.export_button = QPushButton(self.tr("Export Student…"))
        self.export_button.setEnabled(False)
        self.export_button.clicked.connect(self.export_student)
        side_layout.addWidget(self.export_button)
        self.student_folder: str | None = None
        split = QSplitter()
        split.addWidget(self.plot)
        split.addWidget(side)
        split.setSizes([560, 420])
        self.body.addWidget(split, 1)

    def params(self) -> dict | None:
        return {"search_dir": self.search_dir, "teacher": self.teacher_box.currentData(),
                "student_arch": self.arch_box.currentData(), **field_values(self.fields),
                "export": self.export_edit.text().strip() or None}

    def start(self, task: str | None = None, params: dict | None = None) -> None:
        if task is None:
            self.history = {}
            self.train_curve.setData([], [])
            self.val_curve.setData([], [])
            self.export_button.setEnabled(False)
        super().start(task, params)

    def export_student(self, folder: str | None = None) -> None:
        """Export the distilled student (asks for the folder unless given)."""
        if not self.student_folder:
            return
        out = folder or QFileDialog.getExistingDirectory(self, self.tr("Export the student to"))
        if out:
            self.start("export_student", {"search_dir": self.search_dir, "folder": self.student_folder, "out": out})

    def on_task_epoch(self, event: dict) -> None:
        for key, value in (event.get("logs") or {}).items():
            self.history.setdefault(key, []).append(value)
        self._draw()

    def _draw(self) -> None:
        for curve, key in ((self.train_curve, "accuracy"), (self.val_curve, "val_accuracy")):
            values = self.history.get(key, [])
            curve.setData(list(range(1, len(values) + 1)), values)

    def on_result(self, result: dict) -> None:
        if self.current_task == "export_student":
            check = result.get("self_check") or {}
            verdict = self.tr("passed") if check.get("passed") else self.tr("FAILED")
            self.status.setText(self.tr("Student exported to {path} (self-check {verdict}).").format(
                path=result.get("path"), verdict=verdict))
            return
        self.student_folder = result.get("folder")
        self.export_button.setEnabled(bool(self.student_folder))
        if result.get("curves"):
            self.history = {k: list(v) for k, v in result["curves"].items()}
            self._draw()
        self.show_comparison(result)

    def show_comparison(self, result: dict) -> None:
        student = result["student"]
        names = {"teacher": result["teacher"].get("name", ""),
                 "student": " · ".join(str(v) for v in (student.get("architecture"), student.get("width") and
                                                        f"width {student['width']}") if v)}
        for row, (key, _) in enumerate(ROWS):
            for col, side in enumerate(("teacher", "student")):
                value = names[side] if key == "model" else result[side].get(key)
                item = QTableWidgetItem(_format(key, value))
                item.setToolTip(item.text())
                self.table.setItem(row, col, item)
        saved = result.get("path") or result.get("folder")
        if saved:
            self.status.setText(self.tr("Student saved in {folder}").format(folder=saved))
