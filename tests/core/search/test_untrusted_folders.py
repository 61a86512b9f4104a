"""A search folder, a config or a History import from elsewhere is data: absurd values, hostile
nesting, giant or cut-off files are refused with a short message, never a traceback."""
import json
from pathlib import Path

import pytest

from app.core.history.history import HistoryStore
from app.core.options.config import MAX_CONFIG_BYTES, SearchConfig
from app.core.options.validation import ConfigError
from app.core.search.checkpoints import list_trials
from app.core.search.search_dir import SearchError, load_search_info
from app.core.util.untrusted import UntrustedFileError, read_json

from history_events import search_events


def test_a_config_with_absurd_values_is_refused_field_by_field(tmp_path):
    path = tmp_path / "config.json"
    path.write_text(json.dumps({"data_dir": str(tmp_path), "image_size": 10**9, "epochs": 10**12, "max_trials": -1,
                                "learning_rate": {"choices": [1e-3 * i for i in range(1, 5001)]},
                                "width": "x" * 10**6}))
    errors = {e.field: e.message for e in SearchConfig.load(path).validate(memory_bytes=8 * 2**30)}
    assert {"image_size", "epochs", "max_trials", "learning_rate", "width"} <= set(errors)
    assert "5000 choices; at most 1000" in errors["learning_rate"]
    assert all(len(message) <= 300 for message in errors.values())  # a hostile value is not echoed whole


@pytest.mark.parametrize("text, message", [("[" * 100000, "nested too deeply"), ("[1, 2]", "must be a JSON object"),
                                           ('{"epochs": 3', "not valid JSON")])
def test_hostile_config_text_gives_a_message(tmp_path, text, message):
    path = tmp_path / "config.json"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message):
        SearchConfig.load(path)


def test_a_giant_config_is_refused_unread(tmp_path):
    path = tmp_path / "config.json"
    with open(path, "wb") as fh:
        fh.truncate(MAX_CONFIG_BYTES + 1)  # sparse: nothing is written or read
    with pytest.raises(ConfigError, match="a config is never above"):
        SearchConfig.load(path)
    with pytest.raises(UntrustedFileError, match="more than the 1 MiB"):
        read_json(path, max_bytes=2**20)


def test_a_hostile_search_folder_is_refused_or_skipped(tmp_path):
    (tmp_path / "search.json").write_text("[" * 50000)
    with pytest.raises(SearchError, match="nested too deeply"):
        load_search_info(tmp_path)
    (tmp_path / "search.json").write_text('["not", "a", "search"]')
    with pytest.raises(SearchError, match="not a search description"):
        load_search_info(tmp_path)
    trials = tmp_path / "tuner"
    for name, text in (("trial_00", json.dumps({"trial_id": "00", "status": "COMPLETED", "score": 0.5})),
                       ("trial_01", '{"trial_id": "01", "sta'), ("trial_02", "[" * 50000), ("trial_03", "[]")):
        (trials / name).mkdir(parents=True)
        (trials / name / "trial.json").write_text(text)
    assert [t["trial_id"] for t in list_trials(tmp_path)] == ["00"]  # cut off, hostile, foreign: skipped


def test_history_import_of_a_hostile_event_log(tmp_path):
    events = list(search_events(search_id="imported", trials=2, search_dir=str(tmp_path)))
    lines = [json.dumps(e) for e in events]
    lines.insert(1, "[" * 100000)  # would blow the parser's stack
    lines.insert(2, json.dumps({"type": "trial_ended", "trial_id": ["x"], "score": {"a": 1}, "number": "NaN"}))
    lines.insert(3, json.dumps({"type": "epoch_ended", "trial_id": "00", "epoch": 10**18, "logs": "x" * 1000}))
    lines.append('{"type": "trial_ended", "trial_id": "0')  # cut off by a crash
    (tmp_path / "events.jsonl").write_text("\n".join(lines))
    store = HistoryStore(tmp_path / "history.sqlite3")
    try:
        assert store.import_events_file(tmp_path) == "imported"
        assert sorted(t["trial_id"] for t in store.get_trials("imported")) == ["00", "01"]
    finally:
        store.close()
