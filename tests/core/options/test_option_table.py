"""The option table is the one source: config fields and defaults, validation, the window's pages and
the command-line flags all come from it, and every option survives the window and the command line."""
import ast
from dataclasses import fields
from pathlib import Path

import pytest

from app.cli.main import build_parser
from app.cli.options import FLAG_OPTIONS, config_from_args, option_dest
from app.core.options.config import Augmentation, SearchConfig
from app.core.options.option_table import NESTED, OPTION, OPTIONS, get_value, window_options
from app.core.options.options import format_tunable
from app.core.options.duration import format_duration

REPO = Path(__file__).resolve().parents[3]

# A valid value other than the default for every option, one at a time (with what it needs besides).
ALTERNATES = {
    "data_dir": (None, {}),  # the folder: positional on the command line, the dataset panel in the window
    "architecture": ("mobilenet_v2", {}),
    "image_size": (48, {}),
    "width": ({"min": 8, "max": 24}, {}),
    "depth": ({"min": 2, "max": 3}, {}),
    "dense_units": ({"choices": [64, 256]}, {}),
    "initializer": ({"choices": ["he_normal", "glorot_uniform"]}, {}),
    "backbone_weights": ("none", {"architecture": "resnet50"}),
    "fine_tune": (True, {"architecture": "resnet50"}),
    "dropout": (0.0, {}),
    "l1": ({"min": 1e-6, "max": 1e-4, "log": True}, {}),
    "l2": (1e-4, {}),
    "batch_norm": ({"choices": [True, False]}, {}),
    "augmentation.enabled": (False, {}),
    "augmentation.flip": ("vertical", {}),
    "augmentation.rotation": (0.25, {}),
    "augmentation.zoom": (0.3, {}),
    "augmentation.translation": (0.05, {}),
    "augmentation.contrast": (0.2, {}),
    "early_stopping": (False, {}),
    "patience": (11, {}),
    "restore_best_weights": (False, {}),
    "optimizer": ({"choices": ["sgd", "rmsprop"]}, {}),
    "learning_rate": ({"min": 1e-4, "max": 1e-2, "log": True}, {}),
    "schedule": ({"choices": ["constant", "linear"]}, {}),
    "momentum": ({"min": 0.8, "max": 0.95}, {}),
    "nesterov": (False, {}),
    "clip_mode": ("norm", {}),
    "clip_value": (0.5, {"clip_mode": "value"}),
    "weight_decay": ({"min": 1e-5, "max": 1e-2, "log": True}, {}),
    "warmup_fraction": (0.1, {}),
    "batch_size": ({"choices": [16, 32]}, {}),
    "label_smoothing": (0.2, {}),
    "progressive_resizing": (False, {}),
    "weight_averaging": (False, {}),
    "tuner": ("bayesian", {}),
    "time_budget": (5400.0, {}),
    "plateau_trials": (0, {}),
    "max_trials": (7, {}),
    "epochs": (9, {}),
    "hyperband_factor": (4, {"tuner": "hyperband"}),
    "objective": ("val_loss", {}),
    "seed": (7, {}),
    "val_fraction": (0.25, {}),
    "test_fraction": (0.15, {}),
    "class_weights": (False, {}),
    "name": ("flowers-first-try", {}),
    "mixed_precision": (False, {}),
    "tensorboard": (False, {}),
    "deterministic": (True, {}),
    "multi_gpu": ("mirrored", {}),
    "cache": ("memory", {}),
    "max_retries_per_trial": (2, {}),
    "keep_best_checkpoints": (0, {}),
    "max_consecutive_failed_trials": (5, {}),
}


def config_with(tmp_path, name, value, extra):
    data = SearchConfig(data_dir=str(tmp_path)).to_dict()
    data.update(extra)
    head, _, tail = name.partition(".")
    if tail:
        data[head][tail] = value
    else:
        data[name] = value
    return SearchConfig.from_dict(data)


def test_every_config_field_is_in_the_table_with_its_default():
    leaves = [f.name for f in fields(SearchConfig) if f.name not in NESTED]
    leaves += [f"augmentation.{f.name}" for f in fields(Augmentation)]
    assert sorted(leaves) == sorted(OPTION), "every SearchConfig field has one row, and every row a field"
    assert set(NESTED) == {f.name for f in fields(SearchConfig)} - set(OPTION)
    default = SearchConfig().to_dict()
    for option in OPTIONS:
        assert get_value(default, option.name) == option.default, option.name
    assert sorted(ALTERNATES) == sorted(OPTION), "give each new option an alternate value here"


def test_each_field_is_checked_by_its_row(tmp_path):
    for option in OPTIONS:
        value, extra = ALTERNATES[option.name]
        if value is not None:
            assert config_with(tmp_path, option.name, value, extra).validate() == [], option.name
        bad = []
        if option.hi is not None:
            bad.append(option.hi * 2 + 1)
        if option.choices is not None:
            bad.append("nonsense")
        if option.kind is bool and option.name != "class_weights":
            bad.append("yes")
        for wrong in bad:
            errors = config_with(tmp_path, option.name, wrong, extra).validate()
            assert option.name in [e.field for e in errors], (option.name, wrong, errors)
    # A value the window does not use is not checked: the clip value without clipping.
    assert config_with(tmp_path, "clip_value", -1.0, {"clip_mode": "none"}).validate() == []


def test_every_window_option_round_trips_through_the_panel(qtbot, tmp_path):
    from app.gui.options.options_panel import OptionsPanel

    panel = OptionsPanel()
    qtbot.addWidget(panel)
    panel.set_gpu_available(True)
    shown = window_options()
    assert sorted(panel.fields) == sorted(o.name for o in shown)  # one control per row with a page, no more
    tabs = [panel.tabs.tabText(i) for i in range(panel.tabs.count())]
    assert tabs == ["Model", "Regularization", "Optimizer", "Search"]
    panel.set_config(SearchConfig(data_dir=str(tmp_path)))
    produced, errors = panel.collect(str(tmp_path))
    assert errors == [] and produced == SearchConfig(data_dir=str(tmp_path))  # the defaults, dropout step included
    for option in shown:
        value, extra = ALTERNATES[option.name]
        config = config_with(tmp_path, option.name, value, extra)
        panel.set_config(config)
        produced, errors = panel.collect(str(tmp_path))
        assert errors == [], (option.name, errors)
        assert get_value(produced.to_dict(), option.name) == value, option.name
        assert produced == config, option.name  # and nothing else changed on the way


def test_labels_and_help_come_from_the_table(qtbot):
    from PySide6.QtWidgets import QFormLayout

    from app.gui.options.options_panel import OptionsPanel

    panel = OptionsPanel()
    qtbot.addWidget(panel)
    for option in window_options():
        widget = panel.fields[option.name]
        assert widget.property("helpText") == option.help, option.name
    labels = set()
    for form in panel.findChildren(QFormLayout):
        for row in range(form.rowCount()):
            item = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            if item is not None and item.widget() is not None:
                labels.add(item.widget().text().rstrip(":"))
    assert {o.label for o in window_options() if o.label and not o.span and not o.same_row_as} <= labels


def flag_arguments(option, value):
    if option.cli_value is not None:
        return [option.flag] if value == option.cli_value else []
    if option.cli_words is not None:
        return [option.flag, next(word for word, v in option.cli_words.items() if v == value)]
    if option.tunable:
        return [option.flag, format_tunable(value)]
    if option.check == "time_budget":
        return [option.flag, format_duration(value)]
    return [option.flag, str(value)]


def test_every_flag_of_the_table_round_trips_through_the_command_line(tmp_path):
    parser = build_parser()
    search_help = parser._subparsers._group_actions[0].choices["search"].format_help()
    for option in FLAG_OPTIONS:
        assert option.flag in search_help
        value, extra = ALTERNATES[option.name]
        arguments = flag_arguments(option, value)
        assert arguments, f"{option.name}: its flag cannot set {value!r}"
        for name, extra_value in extra.items():
            arguments += flag_arguments(OPTION[name], extra_value)
        args = parser.parse_args(["search", str(tmp_path), *arguments])
        assert getattr(args, option_dest(option)) is not None
        config = config_from_args(args)
        assert get_value(config.to_dict(), option.name) == value, (option.name, arguments)
        assert config == config_with(tmp_path, option.name, value, extra), option.name


def test_bad_flag_values_name_the_field(tmp_path):
    from app.core.options.validation import ConfigError

    parser = build_parser()
    for arguments, field in ((["--class-weights", "sometimes"], "class_weights"), (["--image-size", "big"], "image_size"),
                             (["--time-budget", "soon"], "time_budget"), (["--max-trials", "many"], "max_trials"),
                             (["--patience", "-1"], "patience")):
        with pytest.raises(ConfigError) as info:
            config_from_args(parser.parse_args(["search", str(tmp_path), *arguments]))
        assert info.value.field == field


def test_table_strings_are_marked_for_translation():
    """lupdate finds a string only inside QT_TRANSLATE_NOOP("Options", ...): every label, help, page,
    group, check-box text, placeholder, suffix and choice label of the table is written that way."""
    tree = ast.parse((REPO / "app/core/options/option_table.py").read_text(encoding="utf-8"))
    marked = 0

    def is_marked(node):
        return (isinstance(node, ast.Call) and getattr(node.func, "id", "") == "QT_TRANSLATE_NOOP"
                and isinstance(node.args[0], ast.Constant) and node.args[0].value == "Options")

    for call in ast.walk(tree):
        if not (isinstance(call, ast.Call) and getattr(call.func, "id", "") == "O"):
            continue
        texts = list(call.args[3:7]) + [k.value for k in call.keywords
                                        if k.arg in ("label", "help", "page", "group", "text", "placeholder", "suffix")]
        for node in texts:
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                assert node.value == "", f"unmarked text {node.value!r}"
            elif isinstance(node, ast.Call):
                assert is_marked(node)
                marked += 1
    assert marked > 80
    for option in OPTIONS:
        if option.page is not None:
            assert option.label or option.text, option.name
            assert option.help, option.name
