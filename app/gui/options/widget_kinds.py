"""The registry of option widget kinds: for each ``widget`` an option row of the table names
(app/core/options/option_table.py), how its control is made, read and written.

:data:`WIDGET_KINDS` maps a kind to a :class:`WidgetKind`; :class:`~app.gui.options.option_pages.OptionControl`
looks its option's kind up there and nothing else in the window tests the kind. A new kind of
control is one entry here.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Callable

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QCheckBox, QLineEdit, QWidget

from app.core.options.duration import format_duration, parse_duration
from app.core.options.option_table import Option
from app.core.options.validation import tunable_values
from app.gui.options.option_widgets import (
    ChoiceChecks, ParseError, RangeField, SciSpinBox, TunableEdit, make_combo, make_dspin, make_spin,
    set_combo_data, tri_state_combo,
)


def tr(text: str) -> str:
    """A table string in the window's language (``""`` stays ``""``)."""
    return QCoreApplication.translate("Options", text) if text else text


@dataclass(frozen=True)
class WidgetKind:
    """How one kind of option control is made, read (the config value it shows) and written."""

    suffix: str  # the options panel's attribute for the control ends in it (``epochs_spin``)
    make: Callable[[Option], QWidget]
    read: Callable[[Any, Option], Any]
    write: Callable[[Any, Option, Any], None]


def _bounds(option: Option) -> tuple[Any, Any]:
    low = option.minimum if option.minimum is not None else option.lo
    high = option.maximum if option.maximum is not None else option.hi
    return low, high


def _make_range(option: Option) -> QWidget:
    low, high = _bounds(option)
    if option.kind is int:
        return RangeField(make_spin(int(low), int(high)), make_spin(int(low), int(high)))
    return RangeField(make_dspin(low, high, option.step, option.decimals),
                      make_dspin(low, high, option.step, option.decimals), extra=dict(option.range_extra or {}))


def _make_sci(option: Option) -> QWidget:
    low, high = _bounds(option)
    return RangeField(SciSpinBox(low, high), SciSpinBox(low, high), extra=dict(option.range_extra or {}))


def _make_spin(option: Option) -> QWidget:
    low, high = _bounds(option)
    box = make_spin(int(low), int(high), int(option.step or 1), tr(option.suffix))
    if option.special is not None:
        box.setSpecialValueText(tr(option.special[0]))
    return box


def _make_dspin(option: Option) -> QWidget:
    low, high = _bounds(option)
    return make_dspin(low, high, option.step, option.decimals)


def _make_line_edit(option: Option) -> QWidget:
    edit = QLineEdit()
    edit.setPlaceholderText(tr(option.placeholder))
    return edit


def _choices(option: Option) -> dict:
    return {value: tr(label) for value, label in option.choices.items()}


def _read_spin(w, option: Option) -> Any:
    special = option.special
    if special is not None and special[1] is not None and w.value() == w.minimum():
        return special[1]
    return w.value()


def _write_spin(w, option: Option, value: Any) -> None:
    special = option.special
    w.setValue(w.minimum() if special is not None and value == special[1] else int(value))


def _read_duration(w, option: Option) -> Any:
    try:
        return parse_duration(w.text())
    except ValueError as exc:
        raise ParseError(option.name, str(exc)) from None


def _write_tri_state(w, option: Option, value: Any) -> None:
    shown = {k: v for k, v in value.items() if k != "default"} if isinstance(value, dict) else value
    set_combo_data(w, json.dumps(shown))  # the first trial's default rides along in collect


def _set_spec(w, option: Option, value: Any) -> None:
    w.set_spec(value)


WIDGET_KINDS: dict[str, WidgetKind] = {
    "combo": WidgetKind("combo", lambda o: make_combo(_choices(o)), lambda w, o: w.currentData(),
                        lambda w, o, v: set_combo_data(w, v)),
    "tri_state": WidgetKind("combo", lambda o: tri_state_combo(), lambda w, o: json.loads(w.currentData()),
                            _write_tri_state),
    "tunable": WidgetKind("edit", lambda o: TunableEdit(o.kind, tr(o.placeholder), o.allow_range),
                          lambda w, o: w.spec(o.name), _set_spec),
    "checks": WidgetKind("checks", lambda o: ChoiceChecks(_choices(o)), lambda w, o: w.spec(o.name), _set_spec),
    "range": WidgetKind("range", _make_range, lambda w, o: w.spec(), _set_spec),
    "sci": WidgetKind("range", _make_sci, lambda w, o: w.spec(), _set_spec),
    "spin": WidgetKind("spin", _make_spin, _read_spin, _write_spin),
    "dspin": WidgetKind("spin", _make_dspin, lambda w, o: round(w.value(), 6),
                        lambda w, o, v: w.setValue(float(max(tunable_values(v), default=0.0)))),
    "check": WidgetKind("check", lambda o: QCheckBox(tr(o.text)),
                        lambda w, o: w.isChecked() and (w.isEnabled() or not o.gpu_only),
                        lambda w, o, v: w.setChecked(bool(v) and (w.isEnabled() or not o.gpu_only))),
    "duration": WidgetKind("edit", _make_line_edit, _read_duration,
                           lambda w, o, v: w.setText(format_duration(v) if v else "none")),
    "text": WidgetKind("edit", _make_line_edit, lambda w, o: w.text().strip(), lambda w, o, v: w.setText(v or "")),
}


def widget_kind(option: Option) -> WidgetKind:
    """The registry's entry for ``option.widget``; ValueError for a kind it does not know."""
    try:
        return WIDGET_KINDS[option.widget]
    except KeyError:
        raise ValueError(f"{option.name}: unknown widget {option.widget!r}") from None
