"""The options pages, built from the option table (app/core/options/option_table.py).

:class:`OptionControl` is one option's control: the widget its row's ``widget`` names, with the
check box in front of it for an option that can be switched off, reading the config value
(:meth:`OptionControl.read`) and showing one (:meth:`OptionControl.write`), as the registry of widget
kinds says (:mod:`app.gui.options.widget_kinds`). :func:`build_page` lays
out one page's group boxes and rows in the table's order. Labels, help, items and placeholders come
from the table and are shown through ``QCoreApplication.translate("Options", ...)``.
"""
from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QFormLayout, QGroupBox, QHBoxLayout, QVBoxLayout, QWidget

from app.core.options.validation import is_fixed
from app.core.options.option_table import Option
from app.gui.options.option_widgets import ParseError
from app.gui.options.widget_kinds import tr, widget_kind

# Panel attributes that do not follow "<last part of the name>_<kind>" (tests and the window use them).
ATTRIBUTE_NAMES = {"backbone_weights": "weights_combo", "augmentation.enabled": "augmentation_combo",
                   "restore_best_weights": "restore_best_check", "plateau_trials": "plateau_spin"}


def display_label(option: Option) -> str:
    """What an error line calls the option: its row label, a check box's own text, or its name."""
    if option.label or option.text:
        return tr(option.label or option.text)
    return option.name.replace("augmentation.", "augmentation ").replace("_", " ").capitalize()


def attribute_name(option: Option) -> str:
    return ATTRIBUTE_NAMES.get(option.name) or f"{option.name.split('.')[-1]}_{widget_kind(option).suffix}"


def object_name(field_name: str) -> str:
    head, *rest = field_name.replace(".", "_").split("_")
    return head + "".join(p.capitalize() for p in rest) + "Field"


class OptionControl:
    """One option's control; ``widget`` is the one marked when its value has a problem."""

    def __init__(self, option: Option):
        self.option = option
        self._kind = widget_kind(option)
        self.widget = self._kind.make(option)
        self.check = QCheckBox() if option.off_value is not None else None
        self.widget.setObjectName(option.object_name or object_name(option.name))
        help_text = tr(option.help)
        self.widget.setToolTip(help_text)
        self.widget.setProperty("helpText", help_text)
        self.widget.setAccessibleName(option.name.replace("_", " ").replace(".", " "))
        if option.gpu_only:
            self.widget.setEnabled(False)  # until set_gpu_available

    def row(self) -> QWidget:
        """What goes into the form: the widget, behind its on/off box where it has one."""
        if self.check is None:
            return self.widget
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.check)
        layout.addWidget(self.widget, 1)
        self.check.toggled.connect(self.widget.setEnabled)
        self.widget.setEnabled(self.check.isChecked())
        return row

    def read(self) -> Any:
        """The config value the control shows; raises ParseError for text it cannot read."""
        if self.check is not None and not self.check.isChecked():
            return self.option.off_value
        return self._kind.read(self.widget, self.option)

    def peek(self) -> Any:
        """:meth:`read`, or None while the text cannot be read (for enabling other controls)."""
        try:
            return self.read()
        except ParseError:
            return None

    def write(self, value: Any) -> None:
        """Show ``value`` (odd values fall back to the nearest the control can show)."""
        option, w = self.option, self.widget
        if self.check is not None:
            off = is_fixed(value) and value == option.off_value
            self.check.setChecked(not off)
            value = option.off_spec if off else value
        self._kind.write(w, option, value)

    def set_enabled(self, enabled: bool) -> None:
        self.widget.setEnabled(enabled and (self.check is None or self.check.isChecked()))
        if self.check is not None:
            self.check.setEnabled(enabled)


def new_form() -> tuple[QWidget, QVBoxLayout]:
    host = QWidget()
    outer = QVBoxLayout(host)
    outer.setAlignment(Qt.AlignmentFlag.AlignTop)
    return host, outer


def new_group(title: str) -> tuple[QGroupBox, QFormLayout]:
    group = QGroupBox(title)
    form = QFormLayout(group)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return group, form


def build_page(options: list[Option], controls: dict[str, OptionControl],
               extra_rows: dict[str, Callable[[QFormLayout], None]] | None = None
               ) -> tuple[QWidget, dict[str, QGroupBox]]:
    """One page: a group box per group of ``options`` (table order), a row per option.

    ``controls`` receives each option's control; ``extra_rows[group]`` may add rows at a group's end
    (the augmentation preview). Returns the page and its group boxes by (untranslated) title.
    """
    host, outer = new_form()
    groups: dict[str, QGroupBox] = {}
    forms: dict[str, QFormLayout] = {}
    rows: dict[str, QHBoxLayout] = {}  # options that share their row with another (same_row_as)
    for option in options:
        if option.group not in groups:
            groups[option.group], forms[option.group] = new_group(tr(option.group))
            outer.addWidget(groups[option.group])
        control = controls[option.name] = OptionControl(option)
        form = forms[option.group]
        if option.same_row_as is not None:
            rows[option.same_row_as].addWidget(control.row(), 1)
        elif any(o.same_row_as == option.name for o in options):
            layout = rows[option.name] = QHBoxLayout()
            layout.addWidget(control.row(), 1)
            form.addRow(tr(option.label) + ":", layout)
        elif option.span:
            form.addRow(control.row())
        else:
            form.addRow(tr(option.label) + ":" if option.label else "", control.row())
    for title, add_rows in (extra_rows or {}).items():
        if title in forms:
            add_rows(forms[title])
    return host, groups
