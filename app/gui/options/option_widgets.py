"""The small input widgets of the options pages: tunable text, log-scale spin box, range, choice boxes.

Each reads its value as a SearchConfig spec (``spec()``) and shows one (``set_spec()``); a value it
cannot read raises :class:`ParseError` naming the field, marked like a validation error.
"""
from __future__ import annotations

import json
import math
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QCheckBox, QComboBox, QDoubleSpinBox, QGridLayout, QHBoxLayout, QLabel, QLineEdit, QSpinBox, QWidget

from app.core.options.validation import ConfigError, tunable_values
from app.core.util.formatting import format_number
from app.core.util.i18n import QT_TRANSLATE_NOOP
from app.core.options.options import TunableError, format_tunable, merge_extras, parse_tunable

COMBO_MIN_CHARACTERS = 14  # long item texts elide instead of widening the whole column
# A searchable true/false: its combo items (label, value).
TRI_STATE = ((QT_TRANSLATE_NOOP("Options", "Try with and without"), {"choices": [True, False]}),
             (QT_TRANSLATE_NOOP("Options", "Always"), True), (QT_TRANSLATE_NOOP("Options", "Never"), False))


class ParseError(ConfigError):
    """A typed value the panel could not read; marked like a validation error."""


# --------------------------------------------------------------------------- small input widgets


class TunableEdit(QLineEdit):
    """Typed tunable in the one grammar of app.core.options.options: ``64``, ``32,64``, ``16:128``,
    ``1e-4:1e-2:log``, ``0:0.5:0.1``."""

    def __init__(self, kind: type, placeholder: str = "", allow_range: bool = True):
        super().__init__()
        self.kind = kind
        self.allow_range = allow_range
        self._spec: Any = None  # the spec last shown: its default and step survive an edit
        self.setPlaceholderText(placeholder)

    def spec(self, field_name: str) -> Any:
        try:
            parsed = parse_tunable(self.text(), self.kind, self.allow_range)
        except TunableError as exc:
            raise ParseError(field_name, str(exc)) from None
        return merge_extras(parsed, self._spec)

    def set_spec(self, spec: Any) -> None:
        self._spec = spec
        self.setText(format_tunable(spec))


class SciSpinBox(QDoubleSpinBox):
    """A positive float shown as ``1e-04``; the arrows step along 1, 2, 5 x 10^k."""

    LADDER = (1.0, 2.0, 5.0)

    def __init__(self, minimum: float, maximum: float):
        super().__init__()
        self.setDecimals(12)
        self.setRange(minimum, maximum)
        self.setKeyboardTracking(False)

    def textFromValue(self, value: float) -> str:  # noqa: N802 - Qt override
        return format_number(value)  # 1e-4 reads as in every other view

    def valueFromText(self, text: str) -> float:  # noqa: N802 - Qt override
        try:
            return float(text)
        except ValueError:
            return self.value()

    def validate(self, text: str, pos: int):  # noqa: D102 - Qt override
        stripped = text.strip()
        if not stripped:
            return QValidator.State.Intermediate, text, pos
        try:
            value = float(stripped)
        except ValueError:
            partial = all(c in "0123456789.eE-+" for c in stripped)
            return (QValidator.State.Intermediate if partial else QValidator.State.Invalid), text, pos
        if self.minimum() <= value <= self.maximum():
            return QValidator.State.Acceptable, text, pos
        return QValidator.State.Intermediate, text, pos

    def stepBy(self, steps: int) -> None:  # noqa: N802 - Qt override
        value = self.value()
        for _ in range(abs(steps)):
            value = self._next(value, up=steps > 0)
        self.setValue(value)

    def _next(self, value: float, up: bool) -> float:
        exponent = math.floor(math.log10(value)) if value > 0 else -6
        candidates = sorted({m * 10.0 ** e for e in (exponent - 1, exponent, exponent + 1) for m in self.LADDER})
        if up:
            bigger = [c for c in candidates if c > value * (1 + 1e-9)]
            return min(bigger[0], self.maximum()) if bigger else value
        smaller = [c for c in candidates if c < value * (1 - 1e-9)]
        return max(smaller[-1], self.minimum()) if smaller else value


class RangeField(QWidget):
    """``min`` to ``max``; equal ends give a fixed value."""

    def __init__(self, minimum_box: QDoubleSpinBox | QSpinBox, maximum_box: QDoubleSpinBox | QSpinBox,
                 extra: dict | None = None):
        super().__init__()
        self.minimum_box = minimum_box
        self.maximum_box = maximum_box
        self.extra = extra or {}
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(minimum_box, 1)
        layout.addWidget(QLabel(self.tr("to")))
        layout.addWidget(maximum_box, 1)

    def spec(self) -> Any:
        low, high = self.minimum_box.value(), self.maximum_box.value()
        if isinstance(self.minimum_box, QSpinBox):
            low, high = int(low), int(high)
        else:
            low, high = round(float(low), 12), round(float(high), 12)
        if low == high:
            return low
        return merge_extras({"min": low, "max": high}, {"min": low, **self.extra})

    def set_spec(self, spec: Any) -> None:
        values = [v for v in tunable_values(spec) if isinstance(v, (int, float)) and not isinstance(v, bool)]
        if not values:
            return
        if isinstance(spec, dict) and "min" in spec:
            # The range's own step, scale and default replace the widget's (0.1 stays 0.1).
            self.extra = {k: spec[k] for k in ("step", "log", "default") if k in spec} or self.extra
        self.minimum_box.setValue(min(values))
        self.maximum_box.setValue(max(values))


class ChoiceChecks(QWidget):
    """A check box per option; checked ones are tried."""

    def __init__(self, labels: dict[str, str], columns: int = 2):
        super().__init__()
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.boxes: dict[str, QCheckBox] = {}
        for i, (value, label) in enumerate(labels.items()):
            box = QCheckBox(label)
            self.boxes[value] = box
            layout.addWidget(box, i // columns, i % columns)

    def spec(self, field_name: str) -> Any:
        chosen = [v for v, box in self.boxes.items() if box.isChecked()]
        if not chosen:
            raise ParseError(field_name, "tick at least one")
        return chosen[0] if len(chosen) == 1 else {"choices": chosen}

    def set_spec(self, spec: Any) -> None:
        wanted = set(tunable_values(spec))
        for value, box in self.boxes.items():
            box.setChecked(value in wanted)


def make_spin(minimum: int, maximum: int, step: int = 1, suffix: str = "") -> QSpinBox:
    box = QSpinBox()
    box.setRange(minimum, maximum)
    box.setSingleStep(step)
    box.setSuffix(suffix)
    box.setAccelerated(True)
    return box


def make_dspin(minimum: float, maximum: float, step: float, decimals: int = 2) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(minimum, maximum)
    box.setSingleStep(step)
    box.setDecimals(decimals)
    return box


def sized_combo() -> QComboBox:
    combo = QComboBox()
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(COMBO_MIN_CHARACTERS)
    return combo


def make_combo(items: dict[str, str] | list[tuple[str, Any]]) -> QComboBox:
    combo = sized_combo()
    pairs = items.items() if isinstance(items, dict) else items
    for data, label in pairs:
        combo.addItem(label, data)
    return combo


def tri_state_combo() -> QComboBox:
    combo = sized_combo()
    for label, value in TRI_STATE:
        combo.addItem(QCoreApplication.translate("Options", label), json.dumps(value))
    return combo


def set_combo_data(combo: QComboBox, data: Any) -> None:
    index = combo.findData(data)
    if index >= 0:
        combo.setCurrentIndex(index)


