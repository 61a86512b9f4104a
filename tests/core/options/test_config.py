import json

import pytest

from app.core.options.validation import ConfigError
from app.core.options.config import SearchConfig


def fields_of(errors):
    return [e.field for e in errors]


def test_default_config_is_valid_and_round_trips_through_json(tmp_path):
    config = SearchConfig(data_dir=str(tmp_path))
    assert config.validate() == []
    again = SearchConfig.from_json(config.to_json())
    assert again == config
    path = tmp_path / "c.json"
    path.write_text(config.to_json())
    assert SearchConfig.load(path) == config


@pytest.mark.parametrize("changes, field", [
    ({"dropout": {"min": 0.6, "max": 0.2}}, "dropout"),
    ({"learning_rate": -0.1}, "learning_rate"),
    ({"learning_rate": 0}, "learning_rate"),
    ({"learning_rate": {"min": 0, "max": 0.1, "log": True}}, "learning_rate"),
    ({"optimizer": {"choices": []}}, "optimizer"),
    ({"optimizer": "adagrad"}, "optimizer"),
    ({"batch_size": 0}, "batch_size"),
    ({"batch_size": {"choices": [16, 16]}}, "batch_size"),
    ({"width": 12.5}, "width"),
    ({"image_size": 4}, "image_size"),
    ({"epochs": 0}, "epochs"),
    ({"max_trials": -1}, "max_trials"),
    ({"architecture": "transformer"}, "architecture"),
    ({"tuner": "evolution"}, "tuner"),
    ({"objective": "f1"}, "objective"),
    ({"val_fraction": 0.0}, "val_fraction"),
    ({"val_fraction": 1.5}, "val_fraction"),
    ({"architecture": "mobilenet_v2", "image_size": 16}, "image_size"),
    ({"backbone_weights": "/nope/weights.h5", "architecture": "resnet50"}, "backbone_weights"),
    ({"l2": -1e-4}, "l2"),
    ({"tuner": "hyperband", "epochs": 1}, "epochs"),
    ({"data_dir": "/definitely/not/here"}, "data_dir"),
])
def test_invalid_values_are_refused_naming_the_field(tmp_path, changes, field):
    config = SearchConfig(data_dir=str(tmp_path)).replace(**changes)
    errors = config.validate()
    assert field in fields_of(errors), errors
    with pytest.raises(ConfigError) as info:
        config.check()
    assert info.value.field in fields_of(errors)


def test_batch_that_cannot_fit_in_memory_is_refused(tmp_path):
    config = SearchConfig(data_dir=str(tmp_path), image_size=1024, batch_size=4096)
    errors = config.validate(memory_bytes=8 * 2**30)
    assert fields_of(errors) == ["batch_size"]
    assert "GiB" in errors[0].message


def test_unknown_keys_and_bad_json_are_named():
    with pytest.raises(ConfigError) as info:
        SearchConfig.from_dict({"learning_rat": 0.1})
    assert info.value.field == "learning_rat"
    with pytest.raises(ConfigError) as info:
        SearchConfig.from_dict({"augmentation": {"flipp": "none"}})
    assert info.value.field == "augmentation.flipp"
    with pytest.raises(ConfigError):
        SearchConfig.from_json("{not json")


def test_config_is_plain_json():
    data = json.loads(SearchConfig().to_json())
    assert data["augmentation"]["enabled"] == {"choices": [True, False], "default": True}
    assert data["learning_rate"]["log"] is True
