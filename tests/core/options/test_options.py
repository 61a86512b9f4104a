"""One grammar for tunable values in the window and on the command line; nothing lost on the way."""
import pytest

from app.core.options.config import SearchConfig
from app.core.options.options import (OPTIONS_BY_NAME, TUNABLE_OPTIONS, TunableError, format_tunable, merge_extras,
                              parse_tunable)


@pytest.mark.parametrize("spec, kind, text", [
    (64, int, "64"),
    ({"choices": [32, 64]}, int, "32,64"),
    ({"min": 16, "max": 128}, int, "16:128"),
    ({"min": 1e-4, "max": 1e-2, "log": True}, float, "1e-4:0.01:log"),
    ({"min": 0.0, "max": 0.5, "step": 0.1}, float, "0:0.5:0.1"),
    ({"choices": [True, False]}, bool, "true,false"),
    ({"choices": ["adam", "sgd"]}, str, "adam,sgd"),
    (0.00012345678, float, "0.00012345678"),
])
def test_format_and_parse_are_inverse(spec, kind, text):
    assert format_tunable(spec) == text
    assert parse_tunable(text, kind) == spec


def test_bad_text_says_what_was_expected():
    for text, kind, words in (("", int, "give a value"), ("16:", int, "not a number"), ("1:2:3:4", int, "MIN:MAX"),
                              ("wide", int, "'wide' is not a number"), ("1.5", int, "whole number"),
                              ("maybe", bool, "true/false")):
        with pytest.raises(TunableError, match=words):
            parse_tunable(text, kind)
    with pytest.raises(TunableError, match="one value or a comma-separated list"):
        parse_tunable("16:32", int, allow_range=False)


def test_edits_keep_the_step_scale_and_a_default_still_inside():
    previous = {"min": 0.0, "max": 0.5, "step": 0.1, "default": 0.2}
    assert merge_extras({"min": 0.0, "max": 0.4}, previous) == {"min": 0.0, "max": 0.4, "step": 0.1, "default": 0.2}
    assert merge_extras({"min": 0.3, "max": 0.4}, previous) == {"min": 0.3, "max": 0.4, "step": 0.1}
    assert merge_extras({"min": 0.0, "max": 0.4, "step": 0.05}, previous)["step"] == 0.05


def test_the_table_names_real_fields_and_the_cli_builds_its_flags_from_it():
    from app.cli.options import TUNABLE_FLAGS
    from app.cli.main import build_parser

    fields = SearchConfig().to_dict()
    for option in TUNABLE_OPTIONS:
        head, _, tail = option.name.partition(".")
        assert head in fields and (not tail or tail in fields[head]), option.name
        assert TUNABLE_FLAGS[option.flag][0] == option.name
    args = build_parser().parse_args(["search", "/d", "--dropout", "0:0.5:0.1", "--weight-decay", "1e-5:1e-2:log"])
    assert args.dropout == "0:0.5:0.1" and args.weight_decay == "1e-5:1e-2:log"
    assert OPTIONS_BY_NAME["batch_size"].allow_range is False


def test_dropout_keeps_its_step_through_the_window(qtbot):
    from app.gui.options.options_panel import OptionsPanel

    panel = OptionsPanel()
    qtbot.addWidget(panel)
    default = SearchConfig()
    config = default.replace(data_dir="/d", dropout={"min": 0.0, "max": 0.5, "step": 0.1},
                             learning_rate={"min": 1e-4, "max": 1e-2, "log": True, "default": 1e-3},
                             width={"choices": [32, 64], "default": 32})
    panel.set_config(config)
    produced, errors = panel.collect("/d")
    assert errors == []
    assert produced.dropout == {"min": 0.0, "max": 0.5, "step": 0.1}  # not 0.05: the window tried 0.05, 0.15 ...
    assert produced.learning_rate == config.learning_rate
    assert produced.width == {"choices": [32, 64], "default": 32}
    assert panel.width_edit.text() == "32,64"
    panel.width_edit.setText("16:128")  # the command line's grammar, in the window
    produced, errors = panel.collect("/d")
    assert errors == [] and produced.width == {"min": 16, "max": 128, "default": 32}  # still the first trial's


def test_budget_image_size_class_weights_and_test_share_round_trip(qtbot):
    from app.gui.options.options_panel import OptionsPanel

    panel = OptionsPanel()
    qtbot.addWidget(panel)
    for changes in ({"image_size": "auto", "time_budget": 0.0, "class_weights": "auto", "test_fraction": 0.1},
                    {"image_size": 48, "time_budget": 5400.0, "class_weights": True, "plateau_trials": 0},
                    {"class_weights": False, "plateau_trials": 4}):
        config = SearchConfig().replace(data_dir="/d", **changes)
        panel.set_config(config)
        produced, errors = panel.collect("/d")
        assert errors == []
        for name, value in changes.items():
            assert getattr(produced, name) == value, name
    panel.set_config(SearchConfig().replace(data_dir="/d", time_budget=0.0, image_size="auto"))
    assert panel.time_budget_edit.text() == "none" and panel.image_size_spin.text() == "Auto"
