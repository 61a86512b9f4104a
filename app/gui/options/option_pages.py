"""The options pages, built from the option table (app/core/options/option_table.py).

:class:`OptionControl` is one option's control: the widget its row's ``widget`` names, with the
check box in front of it for an option that can be switched off, reading the config value
(:meth:`OptionControl.read`) and showing one (:meth:`OptionControl.write`). :func:`build_page` lays
out one page's group boxes and rows in the table's order. Labels, help, items and placeholders come
from the table and are shown through ``QCoreApplication.translate("Options", ...)``.
"""
from __future__ import annotations

import json
from typing import Any, Callable

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QCheckBox, QFormLayout, QGroupBox, QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from app.core.options.duration import format_duration, parse_duration
from app.core.options.validation import is_fixed, tunable_values
from app.core.options.option_table import Option
from app.gui.options.option_widgets import (
    ChoiceChecks, ParseError, RangeField, SciSpinBox, TunableEdit, make_combo, make_dspin, make_spin,
    set_combo_data, tri_state_combo,
)

# Panel attributes that do not follow "<last part of the name>_<kind>" (tests and the window use them).
ATTRIBUTE_NAMES = {"backbone_weights": "weights_combo", "augmentation.enabled": "augmentation_combo",
                   "restore_best_weights": "restore_best_check", "plateau_trials": "plateau_spin"}
ATTRIBUTE_SUFFIX = {"combo": "combo", "tri_state": "combo", "tunable": "edit", "range": "range", "sci": "range",
                    "checks": "checks", "spin": "spin", "dspin": "spin", "check": "check", "duration": "edit",
                    "text": "edit"}


def tr(text: str) -> str:
    """A table string in the window's language (``""`` stays ``""``)."""
    return QCoreApplication.translate("Options", text) if text else text


def display_label(option: Option) -> str:
    """What an error line calls the option: its row label, a check box's own text, or its name."""
    if option.label or option.text:
        return tr(option.label or option.text)
    return option.name.replace("augmentation.", "augmentation ").replace("_", " ").capitalize()


def attribute_name(option: Option) -> str:
    return ATTRIBUTE_NAMES.get(option.name) or f"{option.name.split('.')[-1]}_{ATTRIBUTE_SUFFIX[option.widget]}"


def object_name(field_name: str) -> str:
    head, *rest = field_name.replace(".", "_").split("_")
    return head + "".join(p.capitalize() for p in rest) + "Field"


class OptionControl:
    """One option's control; ``widget`` is the one marked when its value has a problem."""

    def __init__(self, option: Option):
        self.option = option
        self.widget = _make_widget(option)
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
        kind, w, name = self.option.widget, self.widget, self.option.name
        if kind == "combo":
            return w.currentData()
        if kind == "tri_state":
            return json.loads(w.currentData())
        if kind in ("tunable", "checks"):
            return w.spec(name)
        if kind in ("range", "sci"):
            return w.spec()
        if kind == "spin":
            special = self.option.special
            if special is not None and special[1] is not None and w.value() == w.minimum():
                return special[1]
            return w.value()
        if kind == "dspin":
            return round(w.value(), 6)
        if kind == "check":
            return w.isChecked() and (w.isEnabled() or not self.option.gpu_only)
        if kind == "duration":
            try:
                return parse_duration(w.text())
            except ValueError as exc:
                raise ParseError(name, str(exc)) from None
        return w.text().strip()

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
        kind = option.widget
        if kind == "combo":
            set_combo_data(w, value)
        elif kind == "tri_state":
            shown = {k: v for k, v in value.items() if k != "default"} if isinstance(value, dict) else value
            set_combo_data(w, json.dumps(shown))  # the first trial's default rides along in collect
        elif kind in ("tunable", "checks", "range", "sci"):
            w.set_spec(value)
        elif kind == "spin":
            special = option.special
            w.setValue(w.minimum() if special is not None and value == special[1] else int(value))
        elif kind == "dspin":
            w.setValue(float(max(tunable_values(value), default=0.0)))
        elif kind == "check":
            w.setChecked(bool(value) and (w.isEnabled() or not option.gpu_only))
        elif kind == "duration":
            w.setText(format_duration(value) if value else "none")
        else:
            w.setText(value or "")

    def set_enabled(self, enabled: bool) -> None:
        self.widget.setEnabled(enabled and (self.check is None or self.check.isChecked()))
        if self.check is not None:
            self.check.setEnabled(enabled)


def _make_widget(option: Option) -> QWidget:
    kind = option.widget
    low = option.minimum if option.minimum is not None else option.lo
    high = option.maximum if option.maximum is not None else option.hi
    if kind == "combo":
        return make_combo({value: tr(label) for value, label in option.choices.items()})
    if kind == "tri_state":
        return tri_state_combo()
    if kind == "tunable":
        return TunableEdit(option.kind, tr(option.placeholder), option.allow_range)
    if kind == "checks":
        return ChoiceChecks({value: tr(label) for value, label in option.choices.items()})
    if kind == "range":
        if option.kind is int:
            return RangeField(make_spin(int(low), int(high)), make_spin(int(low), int(high)))
        return RangeField(make_dspin(low, high, option.step, option.decimals),
                          make_dspin(low, high, option.step, option.decimals), extra=dict(option.range_extra or {}))
    if kind == "sci":
        return RangeField(SciSpinBox(low, high), SciSpinBox(low, high), extra=dict(option.range_extra or {}))
    if kind == "spin":
        box = make_spin(int(low), int(high), int(option.step or 1), tr(option.suffix))
        if option.special is not None:
            box.setSpecialValueText(tr(option.special[0]))
        return box
    if kind == "dspin":
        return make_dspin(low, high, option.step, option.decimals)
    if kind == "check":
        return QCheckBox(tr(option.text))
    if kind in ("duration", "text"):
        edit = QLineEdit()
        edit.setPlaceholderText(tr(option.placeholder))
        return edit
    raise ValueError(f"{option.name}: unknown widget {kind!r}")


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
