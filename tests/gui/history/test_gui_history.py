"""The History view: lists, filters, opens, compares, plots, re-runs, renames and deletes searches."""
import csv
import io

import pytest
from PySide6.QtCore import Qt

from app.core.util import paths
from app.core.history.history import HistoryStore
from app.gui.history.history_view import HistoryView
from fake_events import fake_search_events
from scripted_dialogs import ScriptedDialogs


def _record(store, search_id, name, start, data_dir="/home/user/photos/flowers", **kwargs):
    for event in fake_search_events(search_id=search_id, start_time=start, **kwargs):
        if event["type"] == "search_started":
            event["search_dir"] = str(paths.searches_dir() / search_id)
            event["config"] = dict(event["config"], name=name, data_dir=data_dir)
            event["name"] = name
        elif event["type"] == "search_finished":
            event["search_dir"] = str(paths.searches_dir() / search_id)
        store.record(event)


@pytest.fixture
def store():
    store = HistoryStore()
    _record(store, "20260101-100000-flowers", "flowers baseline", 1_767_261_600.0, n_trials=4, epochs=3, seed=1)
    _record(store, "20260102-100000-flowers", "flowers wider", 1_767_348_000.0, n_trials=3, epochs=3, seed=2,
            failed_trials=[2])
    _record(store, "20260103-100000-pets", "pets", 1_767_434_400.0, n_trials=2, epochs=2, seed=3,
            classes=["cat", "dog"], cancel_during_trial=2, data_dir="/home/user/photos/pets")
    for search in store.list_searches():
        (paths.searches_dir() / search["id"] / "tuner" / "trial_0").mkdir(parents=True)
    yield store
    store.close()


@pytest.fixture
def view(qtbot, store):
    widget = HistoryView(store=store, dialogs=ScriptedDialogs())
    qtbot.addWidget(widget)
    widget.resize(1200, 800)
    return widget


def test_lists_sorts_and_filters_searches(view):
    assert view.search_ids() == ["20260103-100000-pets", "20260102-100000-flowers", "20260101-100000-flowers"]
    model = view.table.model()
    row = view.search_ids().index("20260103-100000-pets")
    assert model.index(row, 2).data() == "cancelled"
    assert model.index(row, 0).data() == "pets"

    view.table.sortByColumn(4, Qt.SortOrder.DescendingOrder)  # best score
    scores = [model.index(r, 4).data() for r in range(model.rowCount())]
    assert scores == sorted(scores, reverse=True)

    view.set_filter("flowers")
    assert sorted(view.search_ids()) == ["20260101-100000-flowers", "20260102-100000-flowers"]
    view.set_filter("", "cancelled")
    assert view.search_ids() == ["20260103-100000-pets"]
    view.set_filter("wider", "")
    assert view.search_ids() == ["20260102-100000-flowers"]
    view.set_filter("no such search")
    assert view.search_ids() == []


def test_opens_a_search_with_its_trials_curves_and_confusion(view, store):
    view.select_searches(["20260101-100000-flowers"])
    view.open_selected()
    search = store.get_search("20260101-100000-flowers")
    assert view.current_search()["id"] == search["id"]
    assert "flowers baseline" in view.summary_label.text()
    assert "Best hyperparameters" in view.summary_label.text()
    store.record({"type": "notice", "search_id": search["id"], "level": "warning", "message": "3 files <unreadable>"})
    view.open_searches([search["id"]])
    assert "3 files &lt;unreadable&gt;" in view.summary_label.text()
    # The best trial is shown exactly as recorded.
    best = next(t for t in search["trials"] if t["trial_id"] == search["best_trial_id"])
    assert view.curves.displayed_trial_id() == best["trial_id"]
    _x, y = view.curves.curve_data("val_accuracy")
    assert list(y) == pytest.approx(best["history"]["val_accuracy"])
    assert view.confusion.matrix() == best["confusion"]
    # Score against each hyperparameter that varied.
    plotted = view.scatter.plotted_hyperparameters()
    assert "learning_rate" in plotted and "optimizer" in plotted
    completed = [t for t in search["trials"] if t["status"] == "COMPLETED"]
    assert sorted(y for _x, y in view.scatter.points("optimizer")) == pytest.approx(
        sorted(t["score"] for t in completed))
    # Categories sit near their integer position (jittered, never on top of the next one).
    assert all(abs(x - round(x)) <= 0.15 for x, _y in view.scatter.points("optimizer"))


def test_compares_trials_from_two_searches(view, store, auto_info):
    view.select_searches(["20260101-100000-flowers", "20260102-100000-flowers"])
    view.open_selected()
    keys = [("20260101-100000-flowers", "0"), ("20260101-100000-flowers", "1"), ("20260102-100000-flowers", "0")]
    view.compare_trials(keys)
    assert view.tabs.currentIndex() == 1
    assert sorted(view.ticked_trials()) == sorted(keys)
    compared = view.compare_view.trials()
    assert [(t["search_id"], t["trial_id"]) for t in compared] == keys
    # Curves overlaid, one per trial, exactly the stored validation history.
    first = store.get_search("20260102-100000-flowers")["trials"][0]
    assert view.compare_view.curve_data("val_accuracy", 2)[1] == pytest.approx(first["history"]["val_accuracy"])
    # Hyperparameters that differ are marked; fake trials differ at least in learning rate.
    assert "learning_rate" in view.compare_view.differing_rows()
    assert view.compare_view.matrix_count() == 3

    view.set_ticked_trials(keys[:1])
    view.compare_checked()  # fewer than two: a message, not a comparison
    assert len(view.compare_view.trials()) == 3
    assert "at least two" in auto_info[-1]


@pytest.fixture
def auto_info(view):
    """What the view told the user (its dialogs are scripted: nothing modal blocks the test)."""
    return view.dialogs.said


def test_delete_asks_first_and_removes_rows_and_files(view, store, monkeypatch, auto_info):
    folder = paths.searches_dir() / "20260102-100000-flowers"
    assert folder.exists()
    view.select_searches(["20260102-100000-flowers"])
    view.open_selected()

    view.dialogs.yes = False
    view.delete_selected()
    assert folder.exists() and "20260102-100000-flowers" in view.search_ids()

    view.dialogs.yes = True
    view.select_searches(["20260102-100000-flowers"])
    view.delete_selected()
    assert "flowers wider" in view.dialogs.questions[-1]
    assert not folder.exists()
    assert "20260102-100000-flowers" not in view.search_ids()
    assert all(s["id"] != "20260102-100000-flowers" for s in store.list_searches())
    assert view.current_search() is None
    assert auto_info == []


def test_rerun_rename_notes_and_csv(view, store, monkeypatch, qtbot, tmp_path, auto_info):
    view.select_searches(["20260103-100000-pets"])
    with qtbot.waitSignal(view.rerunRequested) as blocker:
        view.rerun_current()
    config = blocker.args[0]
    assert config["data_dir"] == "/home/user/photos/pets"
    assert config["name"] == "pets (re-run)"

    view.dialogs.text = "pets, tuned"
    view.rename_current()
    assert store.get_search("20260103-100000-pets")["name"] == "pets, tuned"
    row = view.search_ids().index("20260103-100000-pets")
    assert view.table.model().index(row, 0).data() == "pets, tuned"

    view.dialogs.text = "cancelled to try a GPU"
    view.select_searches(["20260103-100000-pets"])
    view.annotate_current()
    assert store.get_search("20260103-100000-pets")["notes"] == "cancelled to try a GPU"
    view.set_filter("gpu")
    assert view.search_ids() == ["20260103-100000-pets"]
    view.set_filter("")

    out = tmp_path / "trials.csv"
    view.dialogs.save_path = str(out)
    view.select_searches(["20260103-100000-pets", "20260101-100000-flowers"])
    view.export_csv()
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert len(rows) == 2 + 4
    assert {r["search_id"] for r in rows} == {"20260103-100000-pets", "20260101-100000-flowers"}

    view.dialogs.text = "   "
    view.select_searches(["20260103-100000-pets"])
    view.rename_current()
    assert auto_info and "name" in auto_info[-1]


def test_prune_keeps_the_best_checkpoints(view, store, monkeypatch, auto_info):
    search_dir = paths.searches_dir() / "20260101-100000-flowers"
    search = store.get_search("20260101-100000-flowers")
    for trial in search["trials"]:
        folder = search_dir / "tuner" / f"trial_{trial['trial_id']}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "checkpoint.weights.h5").write_bytes(b"x" * 2048)
    view.select_searches(["20260101-100000-flowers"])
    view.keep_spin.setValue(1)
    view.prune_current()
    remaining = list(search_dir.glob("tuner/trial_*/checkpoint.weights.h5"))
    assert [p.parent.name for p in remaining] == [f"trial_{search['best_trial_id']}"]
    assert "freed 6.0 KB" in auto_info[-1]
    row = view.search_ids().index("20260101-100000-flowers")
    assert view.table.model().index(row, 6).data().endswith("KB")


def test_refresh_shows_a_new_search_and_marks_interrupted_ones(view, store):
    _record(store, "20260104-100000-new", "new one", 1_767_520_800.0, n_trials=2, epochs=2)
    events = fake_search_events(search_id="20260105-100000-crashed", start_time=1_767_607_200.0, n_trials=2)
    for event in events[:-1]:  # no search_finished: the process died
        store.record(event)
    view.refresh()
    assert view.search_ids()[:2] == ["20260105-100000-crashed", "20260104-100000-new"]
    model = view.table.model()
    # The store is still receiving this search's events: it is running.
    assert model.index(0, 2).data() == "running"
    other = HistoryView(store=HistoryStore())
    try:
        assert other.table.model().index(0, 2).data() == "interrupted"
    finally:
        other.deleteLater()


def test_tensorboard_starts_in_background_and_opens_the_browser(view, monkeypatch, qtbot, auto_info):
    import app.gui.history.history_tensorboard as history_tensorboard

    opened = []
    monkeypatch.setattr(history_tensorboard.QDesktopServices, "openUrl", lambda url: opened.append(url.toString()))

    class FakeProcess:
        def poll(self):
            return None

    monkeypatch.setattr(history_tensorboard, "_start_tensorboard",
                        lambda logdir: (FakeProcess(), "http://127.0.0.1:6123/"))
    view.select_searches(["20260101-100000-flowers"])
    view.open_tensorboard()
    qtbot.waitUntil(lambda: opened == ["http://127.0.0.1:6123/"])
    assert view.tensorboard_button.isEnabled()

    def broken(logdir):
        from app.core.history.tensorboard_tools import TensorBoardError

        raise TensorBoardError("the tensorboard package is not installed")

    monkeypatch.setattr(history_tensorboard, "_start_tensorboard", broken)
    view.select_searches(["20260102-100000-flowers"])
    view.open_tensorboard()
    qtbot.waitUntil(lambda: bool(auto_info))
    assert "not installed" in auto_info[-1]
    view.action_bar.tensorboards.running.clear()  # the fake process needs no stopping


def test_a_damaged_database_gives_a_message_not_a_traceback(qtbot):
    paths.history_db_path().write_bytes(b"not a database at all " * 200)
    view = HistoryView(dialogs=ScriptedDialogs())
    auto_info = view.dialogs.said
    qtbot.addWidget(view)
    assert view.search_ids() == []
    assert "cannot be opened" in view.summary_label.text()
    assert not view.delete_button.isEnabled()
    view.delete_selected()
    view.export_csv()
    view.rerun_current()
    assert auto_info and "cannot be opened" in auto_info[-1]


def test_disk_use_of_an_unfinished_search_is_measured_in_the_background(view, store, qtbot):
    events = fake_search_events(search_id="20260106-100000-killed", start_time=1_767_693_600.0, n_trials=1)
    folder = paths.searches_dir() / "20260106-100000-killed"
    (folder / "tuner" / "trial_0").mkdir(parents=True)
    (folder / "tuner" / "trial_0" / "checkpoint.weights.h5").write_bytes(b"w" * 4096)
    events[0]["search_dir"] = str(folder)
    other = HistoryStore()  # a different recorder: the view's store does not consider it running
    for event in events[:-1]:
        other.record(event)
    other.close()
    view.refresh()
    row = view.search_ids().index("20260106-100000-killed")
    assert view.table.model().index(row, 2).data() == "interrupted"
    qtbot.waitUntil(lambda: store.get_search("20260106-100000-killed")["disk_bytes"] == 4096)
    qtbot.waitUntil(lambda: view.table.model().index(row, 6).data() == "4.0 KB")


def test_a_search_the_database_missed_is_imported_when_the_view_opens(qtbot):
    import json
    import os

    folder = paths.searches_dir() / "20260107-100000-missed"
    folder.mkdir(parents=True)
    events = fake_search_events(search_id=folder.name, start_time=1_767_780_000.0, n_trials=2)
    (folder / "events.jsonl").write_text("".join(json.dumps(e) + "\n" for e in events))
    os.utime(folder / "events.jsonl", (1_767_790_000, 1_767_790_000))
    view = HistoryView()
    qtbot.addWidget(view)
    assert view.search_ids() == [folder.name]


def test_keys_on_the_table_open_and_delete(view, qtbot, monkeypatch):
    view.show()
    view.select_searches(["20260101-100000-flowers"])
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    assert view.current_search()["id"] == "20260101-100000-flowers"
    view.select_searches(["20260101-100000-flowers"])
    qtbot.keyClick(view.table, Qt.Key.Key_Delete)
    assert "20260101-100000-flowers" not in view.search_ids()


def test_follows_a_live_search_the_core_recorder_writes(qtbot, tmp_path):
    from app.core.history.recorder import HistoryRecorder
    from app.gui.session.search_model import SearchModel

    view = HistoryView()
    qtbot.addWidget(view)
    recorder = HistoryRecorder()  # its own connection, as the window's session has
    model = SearchModel()
    view.follow(model)
    events = fake_search_events(search_id="20260108-100000-live", start_time=1_767_866_400.0, n_trials=2)

    def feed(event):  # what the window's search session does with each event
        recorder(event)
        model.handle_event(event)

    feed(events[0])
    assert view.search_ids() == ["20260108-100000-live"]
    assert view.table.model().index(0, 2).data() == "running"
    for event in events[1:]:
        feed(event)
    assert view.table.model().index(0, 2).data() == "completed"
    assert view.table.model().index(0, 5).data() == "2/2"
    assert recorder.store.errors == [] and recorder.warnings == []

    card = {"path": str(tmp_path / "export"), "search_id": "20260108-100000-live", "trial_id": "0",
            "files": ["saved_model"], "self_check": {"passed": True, "max_abs_diff": 0.0, "images": 4}}
    assert recorder.export(card, "20260108-100000-live")
    assert view.store.get_search("20260108-100000-live")["exports"][0]["self_check"]["passed"]
    assert not recorder.export({"search_id": "missing"})
    assert recorder.warnings


def test_resume_is_offered_only_for_stopped_searches_with_a_folder(view, store, qtbot):
    folder = paths.searches_dir() / "20260103-100000-pets"
    (folder / "search.json").write_text("{}")
    view.select_searches(["20260101-100000-flowers"])  # completed
    assert not view.resume_button.isEnabled()
    view.select_searches(["20260103-100000-pets"])  # cancelled
    assert view.resume_button.isEnabled()
    with qtbot.waitSignal(view.resumeRequested) as blocker:
        view.resume_current()
    assert blocker.args == [str(folder)]


def test_opens_a_search_that_failed_before_its_first_trial(view, store, qtbot):
    from app.core.search.events import make_event

    folder = paths.searches_dir() / "20260109-100000-empty"
    folder.mkdir()
    store.record(make_event("search_finished", status="failed", error="The folder has no images",
                            best_trial_id=None, best_score=None, trials=[], duration=0.1, search_dir=str(folder)))
    view.refresh()
    view.select_searches([folder.name])
    view.open_selected()
    assert "The folder has no images" in view.summary_label.text()
    assert view.current_search()["trials"] == []
    view.tabs.setCurrentIndex(2)
    assert view.scatter.plotted_hyperparameters() == []
    with qtbot.waitSignal(view.rerunRequested, raising=False, timeout=200) as blocker:
        view.rerun_current()  # no stored options: a message instead
    assert not blocker.signal_triggered


def test_keep_best_is_remembered_and_auto_prune_runs_after_a_completed_search(qtbot):
    from app.core.history.recorder import HistoryRecorder

    first = HistoryView()
    qtbot.addWidget(first)
    first.keep_spin.setValue(1)
    first.auto_prune_check.setChecked(True)
    view = HistoryView()  # a new window: the choices are kept in the history database
    qtbot.addWidget(view)
    assert view.keep_spin.value() == 1 and view.auto_prune_check.isChecked()

    search_id = "20260110-100000-auto"
    folder = paths.searches_dir() / search_id
    events = fake_search_events(search_id=search_id, start_time=1_768_039_200.0, n_trials=3)
    events[0]["search_dir"] = str(folder)
    recorder = HistoryRecorder()  # the one writer: it reads the choices the view saved
    recorder(events[0])
    for trial_id in ("0", "1", "2"):
        (folder / "tuner" / f"trial_{trial_id}").mkdir(parents=True)
        (folder / "tuner" / f"trial_{trial_id}" / "checkpoint.weights.h5").write_bytes(b"w" * 100)
    for event in events[1:]:
        recorder(event)
    best = view.store.get_search(search_id)["best_trial_id"]
    assert [p.parent.name for p in folder.glob("tuner/trial_*/checkpoint.weights.h5")] == [f"trial_{best}"]


def test_a_search_running_from_the_command_line_shows_running_and_cannot_be_deleted(view, monkeypatch, auto_info):
    search_id = "20260111-100000-cli"
    folder = paths.searches_dir() / search_id
    folder.mkdir()
    events = fake_search_events(search_id=search_id, start_time=1_768_125_600.0, n_trials=2)
    events[0]["search_dir"] = str(folder)
    cli_store = HistoryStore()  # another process's recorder, in effect
    for event in events[:5]:
        cli_store.record(event)
    (folder / "events.jsonl").write_text("{}\n")  # its log is being written right now
    view.refresh()
    row = view.search_ids().index(search_id)
    assert view.table.model().index(row, 2).data() == "running"
    view.select_searches([search_id])
    assert not view.resume_button.isEnabled()
    view.delete_selected()
    assert folder.exists() and "still running" in auto_info[-1]


def test_deleting_a_search_kept_outside_the_home_keeps_its_folder(view, store, monkeypatch, tmp_path):
    outside = tmp_path / "my-runs" / "20260112-100000-outside"
    outside.mkdir(parents=True)
    (outside / "keep.txt").write_text("mine")
    events = fake_search_events(search_id=outside.name, start_time=1_768_212_000.0, n_trials=1)
    events[0]["search_dir"] = str(outside)
    for event in events:
        store.record(event)
    view.refresh()
    view.select_searches([outside.name])
    view.delete_selected()
    assert "keep its folder" in view.dialogs.questions[-1]
    assert (outside / "keep.txt").read_text() == "mine"
    assert outside.name not in view.search_ids()


def test_hyperparameter_effect_measures_what_mattered():
    from app.gui.history.score_scatter import hyperparameter_effect

    scores = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]
    assert hyperparameter_effect([1e-4, 2e-4, 5e-4, 1e-3, 2e-3, 5e-3, 1e-2, 2e-2], scores) > 0.6
    # A sweet spot in the middle of a range matters too, though it is not monotonic.
    peak = [0.2, 0.3, 0.4, 0.8, 0.9, 0.85, 0.45, 0.3, 0.2, 0.25, 0.35, 0.3]
    values = [10 ** (-4 + i / 4) for i in range(12)]
    assert hyperparameter_effect(values, peak) > 0.5
    assert hyperparameter_effect(["adam", "sgd"] * 4, [0.9, 0.1] * 4) == pytest.approx(1.0)
    assert hyperparameter_effect(["adam", "sgd"] * 4, [0.5, 0.5, 0.6, 0.6] * 2) == pytest.approx(0.0)
    assert hyperparameter_effect([1, 2, 3], [0.1, 0.2, 0.3]) is None  # too few trials to say


def test_scatter_puts_the_strongest_hyperparameter_first(qtbot):
    from app.gui.history.score_scatter import ScoreScatterView

    scatter = ScoreScatterView()
    qtbot.addWidget(scatter)
    trials = [{"search_id": "s", "trial_id": str(i), "status": "COMPLETED", "score": 0.5 + 0.05 * i,
               "hyperparameters": {"noise": ["a", "b"][(i // 2) % 2], "lr": 10 ** (-4 + i / 4)}}
              for i in range(8)]
    for trial in trials:
        trial["hyperparameters"]["tuner/epochs"] = 2 + trial["score"]  # Hyperband bookkeeping
    scatter.set_trials(trials)
    assert scatter.plotted_hyperparameters() == ["lr", "noise"]
    assert scatter.effects()["lr"] > scatter.effects()["noise"]
