"""Knowledge distillation from the window: teacher, student, T and alpha; live curves; comparison.

The student trains in the training process (``app.core.distill``); its epoch events draw the
curves live, and the result fills a teacher-versus-student table: parameters, size on disk,
milliseconds per image, validation (and test) accuracy. An export folder, when given, receives the
student exported like a trial.
"""
from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDoubleSpinBox, QFileDialog, QFormLayout, QHBoxLayout,
                               QHeaderView, QLineEdit, QPushButton, QSpinBox, QSplitter, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from app.core.config import ARCHITECTURES
from app.gui import core_text, theme
from app.gui.playbook_tasks import TaskPanel

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
        self.arch_box = QComboBox()
        for key, label in ARCHITECTURES.items():
            self.arch_box.addItem(core_text.option_text(label), key)
        self.arch_box.setCurrentIndex(max(0, self.arch_box.findData("simple_cnn")))
        self.width_box = QSpinBox()
        self.width_box.setRange(1, 1024)
        self.width_box.setValue(8)
        self.depth_box = QSpinBox()
        self.depth_box.setRange(1, 8)
        self.depth_box.setValue(2)
        self.temperature_box = QDoubleSpinBox()
        self.temperature_box.setRange(0.5, 20.0)
        self.temperature_box.setValue(4.0)
        self.alpha_box = QDoubleSpinBox()
        self.alpha_box.setRange(0.0, 1.0)
        self.alpha_box.setSingleStep(0.1)
        self.alpha_box.setValue(0.5)
        self.epochs_box = QSpinBox()
        self.epochs_box.setRange(1, 1000)
        self.epochs_box.setValue(10)
        self.export_edit = QLineEdit()
        self.export_edit.setPlaceholderText(self.tr("optional: a new folder for the student's export"))
        browse = QPushButton(self.tr("Browse…"))
        browse.clicked.connect(self._browse)
        form = QFormLayout()
        form.addRow(self.tr("Teacher:"), self.teacher_box)
        student = QHBoxLayout()
        student.addWidget(self.arch_box, 1)
        student.addWidget(self.width_box)
        student.addWidget(self.depth_box)
        form.addRow(self.tr("Student (architecture · width · depth):"), student)
        knobs = QHBoxLayout()
        knobs.addWidget(self.temperature_box)
        knobs.addWidget(self.alpha_box)
        knobs.addWidget(self.epochs_box)
        form.addRow(self.tr("Temperature · alpha (hard labels) · epochs:"), knobs)
        export = QHBoxLayout()
        export.addWidget(self.export_edit, 1)
        export.addWidget(browse)
        form.addRow(self.tr("Export the student to:"), export)
        self.form.addLayout(form)
        self.start_button.setText(self.tr("Distil"))

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

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Export the student to"))
        if folder:
            self.export_edit.setText(folder)

    def params(self) -> dict | None:
        return {"search_dir": self.search_dir, "teacher": self.teacher_box.currentData(),
                "student_arch": self.arch_box.currentData(), "student_width": self.width_box.value(),
                "student_depth": self.depth_box.value(), "temperature": self.temperature_box.value(),
                "alpha": self.alpha_box.value(), "epochs": self.epochs_box.value(),
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
