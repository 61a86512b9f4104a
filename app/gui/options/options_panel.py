"""The search options: model, regularization, optimizer and search controls producing a SearchConfig.

The pages, their rows and what each control reads and shows come from the option table
(app/core/options/option_table.py, laid out by app/gui/options/option_pages.py). Each control is registered under
the SearchConfig field it sets, so a problem reported by ``SearchConfig.validate()`` (or by parsing
a typed value) is marked at that control: red border, the reason as its tooltip, and a list of every
problem below the tabs.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QAbstractSpinBox, QCheckBox, QComboBox, QFormLayout, QFrame, QGridLayout, QHBoxLayout, QLabel, QLineEdit,
    QPushButton, QScrollArea, QTabWidget, QVBoxLayout, QWidget,
)

from app.core.options.config import Augmentation, SearchConfig
from app.core.options.validation import ConfigError
from app.core.options.option_table import OPTION, PAGES, REGULARIZATION, SEARCH, get_value, set_value, window_options
from app.gui.text import core_text
from app.gui.options.option_pages import OptionControl, attribute_name, build_page, display_label
from app.gui.options.widget_kinds import tr
from app.gui.options.option_widgets import ParseError
from app.gui.session.search_worker import run_in_background

if TYPE_CHECKING:  # numpy is imported where used: it costs ~0.2 s before the window shows
    import numpy as np

INVALID_STYLE = """
*[invalid="true"] { border: 2px solid #d32f2f; border-radius: 3px; }
QLabel#optionErrors { color: #b00020; }
"""
PREVIEW_COUNT = 8
PREVIEW_PX = 84
AUGMENTATION_GROUP = "Data augmentation"

__all__ = ["OptionsPanel", "ParseError", "PREVIEW_COUNT", "array_pixmap"]


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


def array_pixmap(array: np.ndarray) -> QPixmap:
    import numpy as np

    array = np.ascontiguousarray(array, dtype=np.uint8)
    height, width = array.shape[:2]
    image = QImage(array.data, width, height, width * 3, QImage.Format.Format_RGB888)
    return QPixmap.fromImage(image.copy())


class OptionsPanel(QWidget):
    """Controls producing a :class:`SearchConfig`. ``changed`` fires on any edit."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("optionsPanel")
        self.setStyleSheet(INVALID_STYLE)
        self.controls: dict[str, OptionControl] = {}  # SearchConfig field -> its control
        self.fields: dict[str, QWidget] = {}  # SearchConfig field -> the widget marked for it
        self.groups: dict[tuple[str, str], Any] = {}  # (page, group) -> its group box
        self._tab_of: dict[str, int] = {}
        self._base_config = SearchConfig()
        self._last_data_dir = ""
        self.sample_paths_provider: Callable[[], list[str]] = lambda: []
        self.preview_images: list[np.ndarray] = []
        self._preview_generation = 0
        self.tabs = QTabWidget()
        self.tabs.setObjectName("optionTabs")
        self.tabs.setDocumentMode(True)
        shown = window_options()
        for page in PAGES:
            extra = {AUGMENTATION_GROUP: self._add_preview_rows} if page == REGULARIZATION else {}
            page_options = [o for o in shown if o.page == page]
            host, groups = build_page(page_options, self.controls, extra)
            index = self._add_tab(tr(page), host)
            if page == SEARCH:
                self.search_tab_index = index
            for title, box in groups.items():
                self.groups[(page, title)] = box
            for option in page_options:
                self._tab_of[option.name] = index
        for name, control in self.controls.items():
            self.fields[name] = control.widget
            setattr(self, attribute_name(control.option), control.widget)
            if control.check is not None:
                setattr(self, f"{name.split('.')[-1]}_check", control.check)
        self.transfer_group = self.groups[(OPTION["backbone_weights"].page, OPTION["backbone_weights"].group)]

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

    def _add_tab(self, title: str, form_host: QWidget) -> int:
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # fields shrink instead
        scroll.setWidget(form_host)
        return self.tabs.addTab(scroll, title)

    def _add_preview_rows(self, form: QFormLayout) -> None:
        """The augmentation preview, at the end of the augmentation group."""
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
            self.collect(self._last_data_dir, reveal=False)
        self.changed.emit()

    def _value_of(self, name: str) -> Any:
        control = self.controls.get(name)
        return control.peek() if control is not None else get_value(self._base_config.to_dict(), name)

    def _update_enabled_state(self) -> None:
        """Each option's enabled_if/disabled_if of the table; a group whose options all share one
        condition is switched as a whole (the transfer-learning group)."""
        by_group: dict[Any, list[OptionControl]] = {}
        for control in self.controls.values():
            by_group.setdefault(self.groups[(control.option.page, control.option.group)], []).append(control)
        for box, controls in by_group.items():
            conditions = {(c.option.enabled_if, c.option.disabled_if) for c in controls}
            if len(conditions) == 1 and conditions != {(None, None)}:
                box.setEnabled(controls[0].option.is_enabled(self._value_of))
                continue
            for control in controls:
                if control.option.enabled_if is not None or control.option.disabled_if is not None:
                    control.set_enabled(control.option.is_enabled(self._value_of))

    def set_gpu_available(self, available: bool) -> None:
        """Mixed precision only makes sense where a GPU trains."""
        for control in self.controls.values():
            if control.option.gpu_only:
                control.widget.setEnabled(available)
                if not available:
                    control.widget.setChecked(False)

    # ------------------------------------------------------------------ config in and out

    def set_config(self, config: SearchConfig) -> None:
        """Show ``config`` in the controls (unknown or odd values fall back to the nearest control value)."""
        data = config.to_dict()
        for name, control in self.controls.items():
            control.write(get_value(data, name))
        # Options this panel has no control for ride along unchanged.
        self._base_config = config
        self._update_enabled_state()

    def collect(self, data_dir: str = "", reveal: bool = True) -> tuple[SearchConfig | None, list[ConfigError]]:
        """The config the controls describe and every problem with it (marked at its control).

        ``reveal`` switches to the tab of the first problem.
        """
        self._last_data_dir = data_dir
        errors: list[ConfigError] = []
        values: dict[str, Any] = {}
        for name, control in self.controls.items():
            if control.option.check_only_if_enabled and not control.option.is_enabled(self._value_of):
                continue  # unused (clip value without clipping): the shown config's value rides along
            try:
                set_value(values, name, control.read())
            except ParseError as exc:
                errors.append(exc)
        values["data_dir"] = data_dir

        config = None
        if not errors:
            base = self._base_config.to_dict()
            _keep_defaults(values, base)
            base.update({k: v for k, v in values.items() if k != "augmentation"})
            base["augmentation"] = {**base["augmentation"], **values.get("augmentation", {})}
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
            help_text = widget.property("helpText") or ""
            widget.setToolTip(("⚠ " + "\n⚠ ".join(core_text.translate_lines(messages))
                               + ("\n\n" + help_text if help_text else ""))
                              if messages else help_text)
            if bool(widget.property("invalid")) == bool(messages):
                continue  # re-polishing every control on each Start cost ~15 ms of the GUI thread
            widget.setProperty("invalid", bool(messages))
            widget.style().unpolish(widget)
            widget.style().polish(widget)
            for child in widget.findChildren(QWidget):
                child.style().unpolish(child)
                child.style().polish(child)
        if errors:
            lines = [f"• <b>{_label(e.field)}</b>: {core_text.translate(e.message)}" for e in errors]
            self.error_label.setText(self.tr("Fix before starting:") + "<br>" + "<br>".join(lines))
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
        self.preview_status.setText(self.tr("Augmenting… (the first preview starts TensorFlow in a helper process, "
                                            "a few seconds)"))

        def job():  # blocks a pool thread, not the GUI thread; TensorFlow runs in the child
            # Imported here: app.core.model.preview loads numpy, which the window defers past its first paint.
            from app.core.model.preview import preview_in_child

            return preview_in_child(image_paths, augmentation, size, PREVIEW_COUNT, seed)

        def on_result(images: list) -> None:
            if generation != self._preview_generation:
                return
            self.preview_button.setEnabled(True)
            self.preview_images = list(images)
            for label, image in zip(self.preview_labels, images):
                label.setPixmap(array_pixmap(image))
            self.preview_grid_host.show()
            self.preview_status.setText(self.tr("{n} random variants at {size} px; press again for new ones.").format(
                n=len(images), size=size))

        def on_error(message: str, _traceback: str) -> None:
            if generation != self._preview_generation:
                return
            self.preview_button.setEnabled(True)
            self.preview_status.setText(self.tr("Preview failed: {message}").format(message=message))

        run_in_background(job, on_result, on_error, receiver=self)


def _label(field_name: str) -> str:
    option = OPTION.get(field_name)
    if option is not None:
        return display_label(option)
    return field_name.replace("augmentation.", "augmentation ").replace("_", " ").capitalize()
