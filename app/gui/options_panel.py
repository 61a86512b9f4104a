"""The search options: model, regularization, optimizer and search controls producing a SearchConfig.

Each control is registered under the SearchConfig field it sets, so a problem reported by
``SearchConfig.validate()`` (or by parsing a typed value) is marked at that control: red border,
the reason as its tooltip, and a list of every problem below the tabs.
"""
from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING, Any, Callable

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Signal
from PySide6.QtGui import QImage, QPixmap, QValidator
from PySide6.QtWidgets import (
    QAbstractSpinBox, QCheckBox, QComboBox, QDoubleSpinBox, QFormLayout, QFrame, QGridLayout, QGroupBox, QHBoxLayout,
    QLabel, QLineEdit, QPushButton, QScrollArea, QSpinBox, QTabWidget, QVBoxLayout, QWidget,
)

from app.core.config import (
    ARCHITECTURES, INITIALIZERS, TRANSFER_ARCHITECTURES, TUNERS,
    Augmentation, ConfigError, SearchConfig, format_duration, is_fixed, parse_duration, tunable_values,
)
from app.core.formatting import format_number
from app.core.options import TunableError, format_tunable, merge_extras, parse_tunable
from app.gui import core_text
from app.gui.worker import run_in_background

if TYPE_CHECKING:  # numpy is imported where used: it costs ~0.2 s before the window shows
    import numpy as np

INVALID_STYLE = """
*[invalid="true"] { border: 2px solid #d32f2f; border-radius: 3px; }
QLabel#optionErrors { color: #b00020; }
"""
PREVIEW_COUNT = 8
PREVIEW_PX = 84
OPTIMIZER_LABELS = {"adam": "Adam", "sgd": "SGD", "rmsprop": "RMSprop", "adamw": "AdamW"}
SCHEDULE_LABELS = {"constant": QT_TRANSLATE_NOOP("OptionsPanel", "Constant"),
                   "exponential": QT_TRANSLATE_NOOP("OptionsPanel", "Exponential"),
                   "cosine": QT_TRANSLATE_NOOP("OptionsPanel", "Cosine"),
                   "linear": QT_TRANSLATE_NOOP("OptionsPanel", "Linear")}
COMBO_MIN_CHARACTERS = 14  # long item texts elide instead of widening the whole column
TRI_STATE = ((QT_TRANSLATE_NOOP("OptionsPanel", "Try with and without"), {"choices": [True, False]}),
             (QT_TRANSLATE_NOOP("OptionsPanel", "Always"), True), (QT_TRANSLATE_NOOP("OptionsPanel", "Never"), False))


def _choice_text(text: str) -> str:
    """A choice's label in the window's language (the panel's own, or a core label such as ARCHITECTURES)."""
    return core_text.translate(QCoreApplication.translate("OptionsPanel", text))


class ParseError(ConfigError):
    """A typed value the panel could not read; marked like a validation error."""


def _keep_defaults(values: dict, base: dict) -> None:
    """Carry each tunable's first-trial ``default`` over from the shown config when the edited
    spec still contains it (the controls edit ranges and choices, not the default)."""
    for name, spec in values.items():
        old = base.get(name)
        if not (isinstance(spec, dict) and isinstance(old, dict) and "default" in old) or "default" in spec:
            continue
        d = old["default"]
        inside = d in spec["choices"] if "choices" in spec else spec.get("min", d) <= d <= spec.get("max", d)
        if inside:
            spec["default"] = d
    aug, old_aug = values.get("augmentation"), base.get("augmentation")
    if isinstance(aug, dict) and isinstance(old_aug, dict):
        _keep_defaults(aug, old_aug)


def _parse_budget(text: str) -> float:
    try:
        return parse_duration(text)
    except ValueError as exc:
        raise ParseError("time_budget", str(exc)) from None


# --------------------------------------------------------------------------- small input widgets


class TunableEdit(QLineEdit):
    """Typed tunable in the one grammar of app.core.options: ``64``, ``32,64``, ``16:128``,
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
            box = QCheckBox(_choice_text(label))
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


def _spin(minimum: int, maximum: int, step: int = 1, suffix: str = "") -> QSpinBox:
    box = QSpinBox()
    box.setRange(minimum, maximum)
    box.setSingleStep(step)
    box.setSuffix(suffix)
    box.setAccelerated(True)
    return box


def _dspin(minimum: float, maximum: float, step: float, decimals: int = 2) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(minimum, maximum)
    box.setSingleStep(step)
    box.setDecimals(decimals)
    return box


def _sized_combo() -> QComboBox:
    combo = QComboBox()
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(COMBO_MIN_CHARACTERS)
    return combo


def _combo(items: dict[str, str] | list[tuple[str, Any]]) -> QComboBox:
    combo = _sized_combo()
    pairs = items.items() if isinstance(items, dict) else items
    for data, label in pairs:
        combo.addItem(_choice_text(label), data)
    return combo


def _tri_state_combo() -> QComboBox:
    combo = _sized_combo()
    for label, value in TRI_STATE:
        combo.addItem(_choice_text(label), json.dumps(value))
    return combo


def _set_combo_data(combo: QComboBox, data: Any) -> None:
    index = combo.findData(data)
    if index >= 0:
        combo.setCurrentIndex(index)


def array_pixmap(array: np.ndarray) -> QPixmap:
    import numpy as np

    array = np.ascontiguousarray(array, dtype=np.uint8)
    height, width = array.shape[:2]
    image = QImage(array.data, width, height, width * 3, QImage.Format.Format_RGB888)
    return QPixmap.fromImage(image.copy())


# --------------------------------------------------------------------------- the panel


class OptionsPanel(QWidget):
    """Controls producing a :class:`SearchConfig`. ``changed`` fires on any edit."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("optionsPanel")
        self.setStyleSheet(INVALID_STYLE)
        self.fields: dict[str, QWidget] = {}  # SearchConfig field -> control that sets it
        self._tab_of: dict[str, int] = {}
        self.sample_paths_provider: Callable[[], list[str]] = lambda: []
        self.preview_images: list[np.ndarray] = []
        self._preview_generation = 0
        self.tabs = QTabWidget()
        self.tabs.setObjectName("optionTabs")
        self.tabs.setDocumentMode(True)
        self._add_tab(self.tr("Model"), self._model_page())
        self._add_tab(self.tr("Regularization"), self._regularization_page())
        self._add_tab(self.tr("Optimizer"), self._optimizer_page())
        self.search_tab_index = self.tabs.count()
        self._add_tab(self.tr("Search"), self._search_page())

        self.error_label = QLabel()
        self.error_label.setObjectName("optionErrors")
        self.error_label.setWordWrap(True)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.error_label)
        self.set_config(SearchConfig())
        self._connect_changes()
        self._update_enabled_state()

    # ------------------------------------------------------------------ pages

    def _add_tab(self, title: str, form_host: QWidget) -> None:
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # fields shrink instead
        scroll.setWidget(form_host)
        index = self.tabs.addTab(scroll, title)
        for name, widget in self.fields.items():
            if name not in self._tab_of:
                self._tab_of[name] = index

    def _register(self, field_name: str, widget: QWidget, tooltip: str = "") -> QWidget:
        self.fields[field_name] = widget
        widget.setObjectName(widget.objectName() or _object_name(field_name))
        widget.setToolTip(tooltip)
        widget.setProperty("helpText", tooltip)
        widget.setAccessibleName(field_name.replace("_", " ").replace(".", " "))
        return widget

    @staticmethod
    def _form() -> tuple[QWidget, QVBoxLayout]:
        host = QWidget()
        outer = QVBoxLayout(host)
        outer.setAlignment(Qt.AlignmentFlag.AlignTop)
        return host, outer

    @staticmethod
    def _group(title: str) -> tuple[QGroupBox, QFormLayout]:
        group = QGroupBox(title)
        form = QFormLayout(group)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return group, form

    def _model_page(self) -> QWidget:
        host, outer = self._form()
        group, form = self._group(self.tr("Network"))
        self.architecture_combo = _combo(ARCHITECTURES)
        self.architecture_combo.setObjectName("architectureCombo")
        form.addRow(self.tr("Architecture:"), self._register("architecture", self.architecture_combo,
                                                    self.tr("The kind of network to build and tune")))
        self.image_size_spin = _spin(0, 1024, 16, " px")
        self.image_size_spin.setSpecialValueText(self.tr("Auto"))  # 0: follows the data and the time budget
        self.image_size_spin.setObjectName("imageSizeSpin")
        form.addRow(self.tr("Image size:"), self._register("image_size", self.image_size_spin,
                                                  self.tr("Images are resized to this square size. Auto: small "
                                                          "images keep their size; photos get "
                                                          "64-128 px as the time budget allows")))
        self.width_edit = TunableEdit(int, "e.g. 32, 64")
        form.addRow(self.tr("Width:"), self._register("width", self.width_edit,
                                             self.tr("Filters (CNNs) or units (MLP) in the first block: one value, a "
                                                     "list to try (32,64) or a "
                                                     "range (16:128)")))
        self.depth_range = RangeField(_spin(1, 50), _spin(1, 50))
        form.addRow(self.tr("Depth:"), self._register("depth", self.depth_range,
                                             self.tr("Number of blocks or layers, from min to max")))
        self.dense_units_edit = TunableEdit(int, "e.g. 128")
        form.addRow(self.tr("Dense units:"), self._register("dense_units", self.dense_units_edit,
                                                   self.tr("Units of the dense layer before the classifier")))
        self.initializer_checks = ChoiceChecks({k: k for k in INITIALIZERS})
        form.addRow(self.tr("Initializer:"), self._register("initializer", self.initializer_checks,
                                                   self.tr("Weight initializers to try")))
        outer.addWidget(group)

        group, form = self._group(self.tr("Transfer learning"))
        self.weights_combo = _combo({
            "imagenet": QT_TRANSLATE_NOOP("OptionsPanel", "ImageNet (from the Keras cache; never downloaded)"),
            "none": QT_TRANSLATE_NOOP("OptionsPanel", "Random (train from scratch)")})
        form.addRow(self.tr("Backbone weights:"), self._register("backbone_weights", self.weights_combo,
                                                        self.tr("Starting weights of a transfer backbone")))
        self.fine_tune_check = QCheckBox(self.tr("Fine-tune the backbone"))
        form.addRow("", self._register("fine_tune", self.fine_tune_check,
                                       self.tr("Also train the backbone's own weights (slower)")))
        self.transfer_group = group
        outer.addWidget(group)
        return host

    def _regularization_page(self) -> QWidget:
        host, outer = self._form()
        group, form = self._group(self.tr("Weights"))
        self.dropout_check = QCheckBox()
        self.dropout_range = RangeField(_dspin(0, 0.95, 0.05), _dspin(0, 0.95, 0.05), extra={"step": 0.05})
        form.addRow(self.tr("Dropout:"), self._checked_row(self.dropout_check, self._register(
            "dropout", self.dropout_range, self.tr("Dropout rate range (0 to 0.95)"))))
        self.l1_check = QCheckBox()
        self.l1_edit = TunableEdit(float, "e.g. 1e-5")
        form.addRow("L1:", self._checked_row(self.l1_check, self._register(
            "l1", self.l1_edit, self.tr("L1 weight penalty: one value, a list or a range"))))
        self.l2_check = QCheckBox()
        self.l2_edit = TunableEdit(float, "e.g. 0, 1e-4")
        form.addRow("L2:", self._checked_row(self.l2_check, self._register(
            "l2", self.l2_edit, self.tr("L2 weight penalty: one value, a list or a range"))))
        self.batch_norm_combo = _tri_state_combo()
        form.addRow(self.tr("Batch normalisation:"), self._register("batch_norm", self.batch_norm_combo,
                                                           self.tr("Normalise activations after each block")))
        outer.addWidget(group)

        group, form = self._group(self.tr("Data augmentation"))
        self.augmentation_combo = _tri_state_combo()
        form.addRow(self.tr("Augment:"), self._register("augmentation.enabled", self.augmentation_combo,
                                               self.tr("Random changes to training images, so the model generalises")))
        self.flip_combo = _combo({"none": QT_TRANSLATE_NOOP("OptionsPanel", "No flip"),
                                  "horizontal": QT_TRANSLATE_NOOP("OptionsPanel", "Horizontal"),
                                  "vertical": QT_TRANSLATE_NOOP("OptionsPanel", "Vertical"),
                                  "horizontal_and_vertical": QT_TRANSLATE_NOOP("OptionsPanel", "Horizontal and vertical")})
        form.addRow(self.tr("Flip:"), self._register("augmentation.flip", self.flip_combo,
                                                     self.tr("Random mirroring")))
        self.rotation_spin = _dspin(0, 1, 0.05)
        form.addRow(self.tr("Rotation:"), self._register("augmentation.rotation", self.rotation_spin,
                                                self.tr("Largest rotation, as a fraction of a full turn (0 = off)")))
        self.zoom_spin = _dspin(0, 1, 0.05)
        form.addRow(self.tr("Zoom:"), self._register("augmentation.zoom", self.zoom_spin,
                                            self.tr("Largest zoom in or out, as a fraction (0 = off)")))
        self.translation_spin = _dspin(0, 1, 0.05)
        form.addRow(self.tr("Translation:"), self._register("augmentation.translation", self.translation_spin,
                                                   self.tr("Largest shift, as a fraction of the image (0 = off)")))
        self.contrast_spin = _dspin(0, 1, 0.05)
        form.addRow(self.tr("Contrast:"), self._register("augmentation.contrast", self.contrast_spin,
                                                self.tr("Largest contrast change, as a fraction (0 = off)")))
        self.preview_button = QPushButton(self.tr("Preview on my images"))
        self.preview_button.setObjectName("augmentationPreviewButton")
        self.preview_button.setToolTip(self.tr("Show augmented samples of the chosen dataset"))
        self.preview_button.clicked.connect(self.request_preview)
        self.preview_status = QLabel()
        self.preview_status.setWordWrap(True)
        self.preview_status.setStyleSheet("color: #555;")
        preview_row = QHBoxLayout()
        preview_row.addWidget(self.preview_button)
        preview_row.addWidget(self.preview_status, 1)
        form.addRow(preview_row)
        self.preview_grid_host = QWidget()
        self.preview_grid_host.setObjectName("augmentationPreview")
        grid = QGridLayout(self.preview_grid_host)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(4)
        self.preview_labels: list[QLabel] = []
        for i in range(PREVIEW_COUNT):
            label = QLabel()
            label.setFixedSize(PREVIEW_PX, PREVIEW_PX)
            label.setStyleSheet("background: #e8e8e8; border-radius: 3px;")
            label.setScaledContents(True)
            grid.addWidget(label, i // 4, i % 4)
            self.preview_labels.append(label)
        self.preview_grid_host.hide()
        form.addRow(self.preview_grid_host)
        outer.addWidget(group)

        group, form = self._group(self.tr("Early stopping"))
        self.early_stopping_check = QCheckBox(self.tr("Stop a trial when validation stops improving"))
        form.addRow(self._register("early_stopping", self.early_stopping_check,
                                   self.tr("Saves time on trials that have stopped learning")))
        self.patience_spin = _spin(0, 10000, 1, self.tr(" epochs"))
        form.addRow(self.tr("Patience:"), self._register("patience", self.patience_spin,
                                                self.tr("Epochs without improvement before a trial stops")))
        self.restore_best_check = QCheckBox(self.tr("Keep the best epoch's weights"))
        form.addRow(self._register("restore_best_weights", self.restore_best_check,
                                   self.tr("Roll back to the best epoch when a trial stops early")))
        outer.addWidget(group)
        return host

    def _optimizer_page(self) -> QWidget:
        host, outer = self._form()
        group, form = self._group(self.tr("Optimizer"))
        self.optimizer_checks = ChoiceChecks(OPTIMIZER_LABELS)
        form.addRow(self.tr("Try:"), self._register("optimizer", self.optimizer_checks, self.tr("Optimizers to try")))
        self.learning_rate_range = RangeField(SciSpinBox(1e-7, 10.0), SciSpinBox(1e-7, 10.0), extra={"log": True})
        form.addRow(self.tr("Learning rate:"), self._register("learning_rate", self.learning_rate_range,
                                                     self.tr("Searched on a log scale between the two values")))
        self.schedule_checks = ChoiceChecks(SCHEDULE_LABELS)
        form.addRow(self.tr("Schedule:"), self._register("schedule", self.schedule_checks,
                                                self.tr("How the learning rate changes during a trial: kept "
                                                        "constant, or decayed exponentially, "
                                                        "along a cosine or linearly")))
        self.momentum_edit = TunableEdit(float, "e.g. 0.9")
        form.addRow(self.tr("Momentum (SGD):"), self._register("momentum", self.momentum_edit,
                                                      self.tr("Momentum for SGD and RMSprop: value, list or range")))
        self.nesterov_check = QCheckBox(self.tr("Nesterov momentum"))
        form.addRow("", self._register("nesterov", self.nesterov_check, self.tr("Use Nesterov momentum with SGD")))
        clip_row = QHBoxLayout()
        self.clip_mode_combo = _combo({"none": QT_TRANSLATE_NOOP("OptionsPanel", "No clipping"),
                                       "norm": QT_TRANSLATE_NOOP("OptionsPanel", "By norm"),
                                       "value": QT_TRANSLATE_NOOP("OptionsPanel", "By value")})
        self.clip_value_edit = TunableEdit(float, "e.g. 1.0")
        clip_row.addWidget(self._register("clip_mode", self.clip_mode_combo, self.tr("Gradient clipping")), 1)
        clip_row.addWidget(self._register("clip_value", self.clip_value_edit, self.tr("Clipping threshold")), 1)
        form.addRow(self.tr("Gradient clipping:"), clip_row)
        outer.addWidget(group)

        group, form = self._group(self.tr("Training"))
        self.batch_size_edit = TunableEdit(int, "e.g. 16, 32", allow_range=False)
        form.addRow(self.tr("Batch sizes:"), self._register("batch_size", self.batch_size_edit,
                                                   self.tr("Batch sizes to try, separated by commas")))
        self.label_smoothing_spin = _dspin(0, 0.5, 0.05)
        form.addRow(self.tr("Label smoothing:"), self._register("label_smoothing", self.label_smoothing_spin,
                                                       self.tr("Softens the targets; 0 turns it off")))
        outer.addWidget(group)
        return host

    def _search_page(self) -> QWidget:
        host, outer = self._form()
        group, form = self._group(self.tr("Search"))
        self.tuner_combo = _combo(TUNERS)
        self.tuner_combo.setObjectName("tunerCombo")
        form.addRow(self.tr("Tuner:"), self._register("tuner", self.tuner_combo, self.tr("How the next trial is chosen")))
        self.time_budget_edit = QLineEdit()
        self.time_budget_edit.setObjectName("timeBudgetEdit")
        self.time_budget_edit.setPlaceholderText(self.tr("10m, 90s, 2h, or none"))
        form.addRow(self.tr("Time budget:"), self._register(
            "time_budget", self.time_budget_edit,
            self.tr("Wall-clock time for the whole search (scan included). The search ends at whichever comes "
                    "first: the budget or max trials. 'none' for no limit")))
        self.plateau_spin = _spin(0, 100000)
        self.plateau_spin.setSpecialValueText(self.tr("Never"))
        form.addRow(self.tr("End after no gain in:"), self._register(
            "plateau_trials", self.plateau_spin, self.tr("End the search after this many trials in a row without a "
                                                         "better score (0: never)")))
        self.max_trials_spin = _spin(1, 100000)
        self.max_trials_spin.setObjectName("maxTrialsSpin")
        form.addRow(self.tr("Max trials:"), self._register("max_trials", self.max_trials_spin,
                                                  self.tr("How many models to train at most")))
        self.epochs_spin = _spin(1, 10000)
        self.epochs_spin.setObjectName("epochsSpin")
        form.addRow(self.tr("Epochs:"), self._register("epochs", self.epochs_spin,
                                              self.tr("Epochs per trial (Hyperband: the most a trial gets)")))
        self.hyperband_factor_spin = _spin(2, 100)
        form.addRow(self.tr("Hyperband factor:"), self._register("hyperband_factor", self.hyperband_factor_spin,
                                                        self.tr("Hyperband keeps 1 in this many trials at each round")))
        self.objective_combo = _combo({
            "val_accuracy": QT_TRANSLATE_NOOP("OptionsPanel", "Validation accuracy (higher is better)"),
            "val_loss": QT_TRANSLATE_NOOP("OptionsPanel", "Validation loss (lower is better)")})
        form.addRow(self.tr("Objective:"), self._register("objective", self.objective_combo,
                                                          self.tr("What ranks the trials")))
        self.seed_spin = _spin(0, 2**31 - 1)
        form.addRow(self.tr("Seed:"), self._register("seed", self.seed_spin,
                                            self.tr("Same seed, same data split and trial order")))
        self.val_fraction_spin = _dspin(0, 0.9, 0.05)
        form.addRow(self.tr("Validation share:"), self._register("val_fraction", self.val_fraction_spin,
                                                        self.tr("Share of each class held out to score trials")))
        self.test_fraction_spin = _dspin(0, 0.5, 0.05)
        self.test_fraction_spin.setObjectName("testFractionSpin")
        form.addRow(self.tr("Test share:"), self._register(
            "test_fraction", self.test_fraction_spin,
            self.tr("Share of each class locked away and scored once at the end: the honest estimate (a test/ "
                    "folder is used as is)")))
        self.class_weights_combo = _combo({"auto": QT_TRANSLATE_NOOP("OptionsPanel", "Auto (on for heavy imbalance)"),
                                           True: QT_TRANSLATE_NOOP("OptionsPanel", "On"),
                                           False: QT_TRANSLATE_NOOP("OptionsPanel", "Off")})
        self.class_weights_combo.setObjectName("classWeightsCombo")
        form.addRow(self.tr("Class weights:"), self._register(
            "class_weights", self.class_weights_combo,
            self.tr("Weight each class by the inverse of its share, so rare classes count as much as common "
                    "ones")))
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText(self.tr("optional, e.g. flowers-first-try"))
        form.addRow(self.tr("Search name:"), self._register("name", self.name_edit, self.tr("Shown in the history")))
        outer.addWidget(group)

        group, form = self._group(self.tr("Hardware"))
        self.mixed_precision_check = QCheckBox(self.tr("Mixed precision (GPU only)"))
        self.mixed_precision_check.setEnabled(False)
        form.addRow(self._register("mixed_precision", self.mixed_precision_check,
                                   self.tr("Faster training on modern GPUs; available once a GPU is detected")))
        outer.addWidget(group)
        return host

    @staticmethod
    def _checked_row(check: QCheckBox, field: QWidget) -> QWidget:
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(check)
        layout.addWidget(field, 1)
        check.toggled.connect(field.setEnabled)
        field.setEnabled(check.isChecked())
        return row

    # ------------------------------------------------------------------ enabling

    def _connect_changes(self) -> None:
        for box in self.findChildren(QAbstractSpinBox):
            box.valueChanged.connect(self._on_any_change)
        for edit in self.findChildren(QLineEdit):
            if not isinstance(edit.parent(), QAbstractSpinBox):
                edit.textChanged.connect(self._on_any_change)
        for combo in self.findChildren(QComboBox):
            combo.currentIndexChanged.connect(self._on_any_change)
        for check in self.findChildren(QCheckBox):
            check.toggled.connect(self._on_any_change)

    def _on_any_change(self, *_args) -> None:
        self._update_enabled_state()
        if self.error_label.isVisible():
            # Problems are on show: let marks disappear as they are fixed (without jumping tabs).
            self.collect(getattr(self, "_last_data_dir", ""), reveal=False)
        self.changed.emit()

    def _update_enabled_state(self) -> None:
        transfer = self.architecture_combo.currentData() in TRANSFER_ARCHITECTURES
        self.transfer_group.setEnabled(transfer)
        tuner = self.tuner_combo.currentData()
        self.hyperband_factor_spin.setEnabled(tuner == "hyperband")
        self.max_trials_spin.setEnabled(tuner != "hyperband")
        augment = json.loads(self.augmentation_combo.currentData()) is not False
        for widget in (self.flip_combo, self.rotation_spin, self.zoom_spin, self.translation_spin,
                       self.contrast_spin):
            widget.setEnabled(augment)
        self.clip_value_edit.setEnabled(self.clip_mode_combo.currentData() != "none")
        self.patience_spin.setEnabled(self.early_stopping_check.isChecked())
        self.restore_best_check.setEnabled(self.early_stopping_check.isChecked())

    def set_gpu_available(self, available: bool) -> None:
        """Mixed precision only makes sense where a GPU trains."""
        self.mixed_precision_check.setEnabled(available)
        if not available:
            self.mixed_precision_check.setChecked(False)

    # ------------------------------------------------------------------ config in and out

    def set_config(self, config: SearchConfig) -> None:
        """Show ``config`` in the controls (unknown or odd values fall back to the nearest control value)."""
        _set_combo_data(self.architecture_combo, config.architecture)
        self.image_size_spin.setValue(0 if config.image_size == "auto" else int(config.image_size))
        self.time_budget_edit.setText(format_duration(config.time_budget) if config.time_budget else "none")
        self.plateau_spin.setValue(int(config.plateau_trials))
        self.test_fraction_spin.setValue(float(config.test_fraction))
        self.class_weights_combo.setCurrentIndex(max(0, self.class_weights_combo.findData(config.class_weights)))
        self.width_edit.set_spec(config.width)
        self.depth_range.set_spec(config.depth)
        self.dense_units_edit.set_spec(config.dense_units)
        self.initializer_checks.set_spec(config.initializer)
        _set_combo_data(self.weights_combo, config.backbone_weights)
        self.fine_tune_check.setChecked(bool(config.fine_tune))

        self._set_optional(self.dropout_check, self.dropout_range, config.dropout, 0.0, default_spec={"min": 0.0, "max": 0.5})
        self._set_optional(self.l1_check, self.l1_edit, config.l1, 0.0, default_spec=1e-5)
        self._set_optional(self.l2_check, self.l2_edit, config.l2, 0.0, default_spec={"choices": [0.0, 1e-4]})
        _set_combo_data(self.batch_norm_combo, json.dumps(config.batch_norm))
        aug = config.augmentation
        _set_combo_data(self.augmentation_combo, json.dumps(aug.enabled))
        _set_combo_data(self.flip_combo, aug.flip)
        self.rotation_spin.setValue(float(aug.rotation))
        self.zoom_spin.setValue(float(aug.zoom))
        self.translation_spin.setValue(float(aug.translation))
        self.contrast_spin.setValue(float(aug.contrast))
        self.early_stopping_check.setChecked(bool(config.early_stopping))
        self.patience_spin.setValue(int(config.patience))
        self.restore_best_check.setChecked(bool(config.restore_best_weights))

        self.optimizer_checks.set_spec(config.optimizer)
        self.learning_rate_range.set_spec(config.learning_rate)
        self.schedule_checks.set_spec(config.schedule)
        self.momentum_edit.set_spec(config.momentum)
        self.nesterov_check.setChecked(bool(config.nesterov))
        _set_combo_data(self.clip_mode_combo, config.clip_mode)
        self.clip_value_edit.set_spec(config.clip_value)
        self.batch_size_edit.set_spec(config.batch_size)
        self.label_smoothing_spin.setValue(float(max(tunable_values(config.label_smoothing), default=0.0)))

        _set_combo_data(self.tuner_combo, config.tuner)
        self.max_trials_spin.setValue(int(config.max_trials))
        self.epochs_spin.setValue(int(config.epochs))
        self.hyperband_factor_spin.setValue(int(config.hyperband_factor))
        _set_combo_data(self.objective_combo, config.objective)
        self.seed_spin.setValue(int(config.seed))
        self.val_fraction_spin.setValue(float(config.val_fraction))
        self.name_edit.setText(config.name or "")
        self.mixed_precision_check.setChecked(bool(config.mixed_precision) and self.mixed_precision_check.isEnabled())
        # Options this panel has no control for ride along unchanged.
        self._base_config = config
        self._update_enabled_state()

    @staticmethod
    def _set_optional(check: QCheckBox, field, spec: Any, off_value: Any, default_spec: Any) -> None:
        off = is_fixed(spec) and spec == off_value
        check.setChecked(not off)
        field.set_spec(default_spec if off else spec)

    def collect(self, data_dir: str = "", reveal: bool = True) -> tuple[SearchConfig | None, list[ConfigError]]:
        """The config the controls describe and every problem with it (marked at its control).

        ``reveal`` switches to the tab of the first problem.
        """
        self._last_data_dir = data_dir
        errors: list[ConfigError] = []
        values: dict[str, Any] = {}

        def take(field_name: str, read: Callable[[], Any]) -> None:
            try:
                values[field_name] = read()
            except ParseError as exc:
                errors.append(exc)

        take("architecture", self.architecture_combo.currentData)
        take("image_size", lambda: self.image_size_spin.value() or "auto")
        take("time_budget", lambda: _parse_budget(self.time_budget_edit.text()))
        take("plateau_trials", self.plateau_spin.value)
        take("test_fraction", lambda: round(self.test_fraction_spin.value(), 6))
        take("class_weights", self.class_weights_combo.currentData)
        take("width", lambda: self.width_edit.spec("width"))
        take("depth", self.depth_range.spec)
        take("dense_units", lambda: self.dense_units_edit.spec("dense_units"))
        take("initializer", lambda: self.initializer_checks.spec("initializer"))
        take("backbone_weights", self.weights_combo.currentData)
        take("fine_tune", self.fine_tune_check.isChecked)
        take("dropout", lambda: self.dropout_range.spec() if self.dropout_check.isChecked() else 0.0)
        take("l1", lambda: self.l1_edit.spec("l1") if self.l1_check.isChecked() else 0.0)
        take("l2", lambda: self.l2_edit.spec("l2") if self.l2_check.isChecked() else 0.0)
        take("batch_norm", lambda: json.loads(self.batch_norm_combo.currentData()))
        values["augmentation"] = {
            "enabled": json.loads(self.augmentation_combo.currentData()),
            "flip": self.flip_combo.currentData(),
            "rotation": round(self.rotation_spin.value(), 6),
            "zoom": round(self.zoom_spin.value(), 6),
            "translation": round(self.translation_spin.value(), 6),
            "contrast": round(self.contrast_spin.value(), 6),
        }
        take("early_stopping", self.early_stopping_check.isChecked)
        take("patience", self.patience_spin.value)
        take("restore_best_weights", self.restore_best_check.isChecked)
        take("optimizer", lambda: self.optimizer_checks.spec("optimizer"))
        take("learning_rate", self.learning_rate_range.spec)
        take("schedule", lambda: self.schedule_checks.spec("schedule"))
        take("momentum", lambda: self.momentum_edit.spec("momentum"))
        take("nesterov", self.nesterov_check.isChecked)
        take("clip_mode", self.clip_mode_combo.currentData)
        if self.clip_mode_combo.currentData() != "none":
            take("clip_value", lambda: self.clip_value_edit.spec("clip_value"))
        take("batch_size", lambda: self.batch_size_edit.spec("batch_size"))
        take("label_smoothing", lambda: round(self.label_smoothing_spin.value(), 6))
        take("tuner", self.tuner_combo.currentData)
        take("max_trials", self.max_trials_spin.value)
        take("epochs", self.epochs_spin.value)
        take("hyperband_factor", self.hyperband_factor_spin.value)
        take("objective", self.objective_combo.currentData)
        take("seed", self.seed_spin.value)
        take("val_fraction", lambda: round(self.val_fraction_spin.value(), 6))
        take("name", lambda: self.name_edit.text().strip())
        take("mixed_precision", lambda: self.mixed_precision_check.isChecked() and self.mixed_precision_check.isEnabled())
        values["data_dir"] = data_dir

        config = None
        if not errors:
            base = getattr(self, "_base_config", SearchConfig()).to_dict()
            _keep_defaults(values, base)
            base.update(values)
            try:
                config = SearchConfig.from_dict(base)
            except ConfigError as exc:
                errors.append(exc)
            else:
                errors = [e for e in config.validate() if e.field != "data_dir"]
        self.mark_errors(errors, reveal=reveal)
        return (config if not errors else None), errors

    def config(self, data_dir: str = "") -> SearchConfig | None:
        return self.collect(data_dir)[0]

    # ------------------------------------------------------------------ error marking

    def mark_errors(self, errors: list[ConfigError], reveal: bool = True) -> None:
        """Mark each error at its control; clear marks on every other control."""
        by_field: dict[str, list[str]] = {}
        for error in errors:
            by_field.setdefault(error.field, []).append(error.message)
        for name, widget in self.fields.items():
            messages = by_field.get(name)
            widget.setProperty("invalid", bool(messages))
            help_text = widget.property("helpText") or ""
            widget.setToolTip(("⚠ " + "\n⚠ ".join(core_text.translate_lines(messages))
                               + ("\n\n" + help_text if help_text else ""))
                              if messages else help_text)
            widget.style().unpolish(widget)
            widget.style().polish(widget)
            for child in widget.findChildren(QWidget):
                child.style().unpolish(child)
                child.style().polish(child)
        if errors:
            lines = [f"• <b>{core_text.option_label(e.field, _label(e.field))}</b>: {core_text.translate(e.message)}"
                     for e in errors]
            self.error_label.setText(self.tr("Fix before starting:<br>") + "<br>".join(lines))
            self.error_label.show()
            first = next((e.field for e in errors if e.field in self._tab_of), None)
            if first is not None and reveal:
                self.tabs.setCurrentIndex(self._tab_of[first])
        else:
            self.error_label.clear()
            self.error_label.hide()

    def invalid_fields(self) -> list[str]:
        return [name for name, widget in self.fields.items() if widget.property("invalid")]

    # ------------------------------------------------------------------ augmentation preview

    def current_augmentation(self) -> Augmentation:
        return Augmentation(enabled=True, flip=self.flip_combo.currentData(),
                            rotation=self.rotation_spin.value(), zoom=self.zoom_spin.value(),
                            translation=self.translation_spin.value(), contrast=self.contrast_spin.value())

    def request_preview(self) -> None:
        """Augment a few of the user's images off the GUI thread and show them in the grid."""
        image_paths = self.sample_paths_provider()
        if not image_paths:
            self.preview_status.setText(self.tr("Choose a dataset first: the preview uses your images."))
            return
        self._preview_generation += 1
        generation = self._preview_generation
        augmentation = self.current_augmentation()
        size = min(self.image_size_spin.value() or 128, 256)
        seed = self.seed_spin.value() + generation
        self.preview_button.setEnabled(False)
        self.preview_status.setText(self.tr("Augmenting… (the first preview starts TensorFlow in a helper process, a "
                                            "few seconds)"))

        def job():  # blocks a pool thread, not the GUI thread; TensorFlow runs in the child
            # Imported here: app.core.preview loads numpy, which the window defers past its first paint.
            from app.core.preview import preview_in_child

            return preview_in_child(image_paths, augmentation, size, PREVIEW_COUNT, seed)

        def on_result(images: list) -> None:
            if generation != self._preview_generation:
                return
            self.preview_button.setEnabled(True)
            self.preview_images = list(images)
            for label, image in zip(self.preview_labels, images):
                label.setPixmap(array_pixmap(image))
            self.preview_grid_host.show()
            self.preview_status.setText(self.tr("{images_count} random variants at {size} px; press again for new "
                                                "ones.").format(images_count=len(images), size=size))

        def on_error(message: str, _traceback: str) -> None:
            if generation != self._preview_generation:
                return
            self.preview_button.setEnabled(True)
            self.preview_status.setText(self.tr("Preview failed: {message}").format(message=message))

        run_in_background(job, on_result, on_error, receiver=self)


def _object_name(field_name: str) -> str:
    head, *rest = field_name.replace(".", "_").split("_")
    return head + "".join(p.capitalize() for p in rest) + "Field"


def _label(field_name: str) -> str:
    return field_name.replace("augmentation.", "augmentation ").replace("_", " ").capitalize()
