"""Small widget builders shared by several dialogs and panels: spin boxes with their range and
value (also for a playbook task's parameters, from their table), a row of fields, the architecture
choice, a folder field with its Browse… button, and a read-only table."""
from __future__ import annotations

from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDoubleSpinBox, QFileDialog, QHBoxLayout, QHeaderView,
                               QLineEdit, QPushButton, QSpinBox, QTableWidget, QWidget)

from app.core.options.option_table import ARCHITECTURES
from app.core.playbook.task_params import task_param
from app.gui.text import core_text


def spin_box(minimum: int, maximum: int, value: int) -> QSpinBox:
    box = QSpinBox()
    box.setRange(minimum, maximum)
    box.setValue(value)
    return box


def double_spin_box(minimum: float, maximum: float, value: float, step: float | None = None) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(minimum, maximum)
    if step is not None:
        box.setSingleStep(step)
    box.setValue(value)
    return box


def param_fields(task: str, *names: str, **first_values) -> dict[str, QSpinBox | QDoubleSpinBox]:
    """A spin box for each named parameter of a playbook task, with the range and first value of its
    table row (``app.core.playbook.task_params``); ``first_values`` overrides the first value."""
    fields: dict[str, QSpinBox | QDoubleSpinBox] = {}
    for name in names:
        param = task_param(task, name)
        first = first_values.get(name, param.first_value)
        if param.kind is float:
            fields[name] = double_spin_box(param.low, param.high, first, step=param.step)
        else:
            fields[name] = spin_box(int(param.low), int(param.high), int(first))
    return fields


def field_values(fields: dict[str, QSpinBox | QDoubleSpinBox]) -> dict:
    """The task parameters ``fields`` (made by :func:`param_fields`) show."""
    return {name: box.value() for name, box in fields.items()}


def row_of(*fields: QWidget | tuple[QWidget, int]) -> QHBoxLayout:
    """Fields side by side; a ``(widget, stretch)`` pair takes that share of the spare room."""
    row = QHBoxLayout()
    for field in fields:
        widget, stretch = field if isinstance(field, tuple) else (field, 0)
        row.addWidget(widget, stretch)
    return row


def architecture_combo(selected: str) -> QComboBox:
    """The base architectures by their shown names (data: the config key), ``selected`` chosen."""
    combo = QComboBox()
    for key, label in ARCHITECTURES.items():
        combo.addItem(core_text.option_text(label), key)
    combo.setCurrentIndex(max(0, combo.findData(selected)))
    return combo


class FolderField(QWidget):
    """A path field and a Browse… button that asks for a folder (``title``) and fills the field."""

    def __init__(self, placeholder: str, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.title = title
        self.edit = QLineEdit()
        self.edit.setPlaceholderText(placeholder)
        self.browse_button = QPushButton(self.tr("Browse…"))
        self.browse_button.clicked.connect(self.browse)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit, 1)
        row.addWidget(self.browse_button)

    def browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.title)
        if folder:
            self.edit.setText(folder)


def read_only_table(object_name: str, titles: list[str]) -> QTableWidget:
    """A table the user reads but does not edit: no row numbers, columns sized to their contents."""
    table = QTableWidget(0, len(titles))
    table.setObjectName(object_name)
    table.setHorizontalHeaderLabels(titles)
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    return table
