"""The Qt-free search state, fed with event streams: statuses, best trial, kept epoch, progress."""
import sqlite3

from app.core.search import search_state as ss
from app.core.util.formatting import format_clock, format_number, format_score, format_value
from app.core.history.history import HistoryStore
from app.core.history.history_schema import migrate
from fake_events import fake_search_events


class FakeClock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def replayed(events, clock=None):
    state = ss.SearchState(clock or FakeClock())
    state.replay(events)
    return state


def test_best_trial_and_statuses_follow_the_stream():
    events = fake_search_events(n_trials=4, epochs=3, failed_trials=[2])
    state = replayed(events)
    final = events[-1]
    assert state.status == "completed"
    assert state.best_id == str(final["best_trial_id"])
    assert state.status_counts() == {"COMPLETED": 3, "FAILED": 1}
    # Computed before the runner's verdict arrives, the best trial is the same.
    live = replayed(events[:-1])
    assert live.best_id == str(final["best_trial_id"])
    assert live.running is None


def test_lower_is_better_chooses_the_smallest_loss():
    events = fake_search_events(n_trials=4, epochs=2, objective="val_loss")
    state = replayed(events[:-1])
    scores = {t.trial_id: t.score for t in state.trials.values()}
    assert state.best_id == min(scores, key=scores.get)
    assert ss.lower_is_better("val_loss") and ss.lower_is_better("error_rate")
    assert not ss.lower_is_better("val_accuracy")


def test_a_trial_the_search_ended_around_is_cancelled_whatever_the_ending():
    for status in ("cancelled", "failed", "completed"):
        events = fake_search_events(n_trials=2, epochs=2)
        running = [e for e in events if e["type"] != "search_finished"]
        # The second trial never ended.
        cut = next(i for i, e in enumerate(running) if e["type"] == "trial_ended" and e["trial_id"] == "1")
        final = dict(events[-1], status=status, trials=[], best_trial_id=None, error="boom")
        state = replayed(running[:cut] + [final])
        assert state.trials["1"].status == ss.UNFINISHED == "CANCELLED"
        assert state.trials["1"].message == "boom"
    assert ss.settle_status("RUNNING") == ss.settle_status("interrupted") == "CANCELLED"
    assert ss.settle_status("FAILED") == "FAILED"


def test_history_migrates_interrupted_trials_and_records_cancelled(tmp_path):
    conn = sqlite3.connect(tmp_path / "old.sqlite3")
    migrate(conn, target=3)
    conn.execute("INSERT INTO searches (id) VALUES ('s')")
    conn.execute("INSERT INTO trials (search_id, trial_id, status) VALUES ('s', '0', 'INTERRUPTED')")
    conn.commit()
    migrate(conn)
    assert conn.execute("SELECT status FROM trials").fetchone()[0] == "CANCELLED"
    conn.close()

    store = HistoryStore(tmp_path / "new.sqlite3")
    events = fake_search_events(n_trials=2, epochs=2)
    cut = next(i for i, e in enumerate(events) if e["type"] == "trial_ended" and e["trial_id"] == "1")
    for event in events[:cut] + [dict(events[-1], status="failed", error="crash", trials=events[-1]["trials"][:1])]:
        store.record(event)
    statuses = {t["trial_id"]: t["status"] for t in store.get_trials(events[0]["search_id"])}
    assert statuses == {"0": "COMPLETED", "1": "CANCELLED"}


def test_kept_confusion_is_the_best_epochs_not_the_last():
    events = fake_search_events(n_trials=6, epochs=4, seed=3)
    state = replayed(events)
    moved = [t for t in state.trials.values() if t.best_step is not None and t.best_step < t.epochs_done - 1]
    assert moved, "the stream should hold a trial whose best epoch is not its last"
    for trial in moved:
        matrix, epoch = trial.kept_confusion()
        assert epoch == trial.best_step
        assert matrix == trial.confusions[trial.best_step] != trial.confusions[trial.epochs_done - 1]
        # Its accuracy is the trial's score, as Results shows them side by side.
        correct = sum(matrix[i][i] for i in range(len(matrix)))
        assert abs(correct / sum(map(sum, matrix)) - trial.score) < 1e-4


def test_progress_and_eta_count_against_the_budget():
    clock = FakeClock()
    events = fake_search_events(n_trials=10, epochs=12, steps=2)
    started = dict(events[0], time_budget=600.0, budget_spent_before=100.0)
    state = ss.SearchState(clock)
    state.handle_event(started)
    first_trial = next(e for e in events if e["type"] == "trial_started")
    state.handle_event(first_trial)
    clock.now += 150
    epoch = next(e for e in events if e["type"] == "epoch_ended")
    state.handle_event(dict(epoch, epoch=3))
    assert state.budget_spent() == 250.0
    assert state.overall_fraction() == 250.0 / 600.0
    # 4 of 12 epochs in 150 s: this trial needs 300 s more, nine more trials much longer: the budget decides.
    assert state.eta_seconds() == 350.0
    assert state.status_text() == "Trial 1 of 10 · epoch 5/12 · 4:10 of 10:00 · about 5:50 left"


def test_without_a_budget_the_status_line_counts_trials():
    clock = FakeClock()
    state = ss.SearchState(clock)
    events = fake_search_events(n_trials=2, epochs=2, steps=1)
    for event in events[:5]:  # started, two notices, trial_started, batch
        state.handle_event(event)
    clock.now += 30
    assert state.overall_fraction() == 0.25
    assert state.status_text() == "Trial 1 of 2 · epoch 1/2 · elapsed 0:30 · about 1:30 left"


def test_one_number_format_everywhere():
    assert format_number(1e-4) == format_value(1e-4) == "1e-4"
    assert format_number(2.5e-5) == "2.5e-5"
    assert format_number(0.001) == "0.001"
    assert format_number(0.1) == "0.1"
    assert format_number(123456.0) == "1.235e5"
    assert format_value(True) == "yes" and format_value(None) == "\u2013" and format_value(64) == "64"
    assert format_score(0.47368) == "0.4737" and format_score(None) == "\u2013"
    assert format_clock(250) == "4:10" and format_clock(3723) == "1:02:03"


def test_a_trial_that_starts_its_epochs_again_keeps_only_the_newest_run():
    # The out-of-memory retry runs the same trial again from epoch 0 at half the batch size.
    events = fake_search_events(n_trials=1, epochs=3)
    epochs = [e for e in events if e["type"] == "epoch_ended"]
    state = replayed([e for e in events if e["type"] in ("search_started", "trial_started")] + epochs)
    trial = state.trials[epochs[0]["trial_id"]]
    assert trial.epochs_done == 3
    state.handle_event(dict(epochs[0], logs={"loss": 9.0, "val_accuracy": 0.11}))
    assert trial.epochs_done == 1
    assert trial.history["loss"] == [9.0] and trial.history["val_accuracy"] == [0.11]
    assert list(trial.confusions) == [0]


def test_stored_trials_load_without_a_search_and_keep_why_they_stopped():
    state = ss.SearchState()
    state.load_trials([{"trial_id": "a", "status": "COMPLETED", "score": 0.4, "stopped": "budget"},
                       {"trial_id": "b", "status": "COMPLETED", "score": 0.2},
                       "not a trial", {"score": 0.9}], objective="val_loss")
    assert list(state.trials) == ["a", "b"] and state.best_id == "b" and state.status == "idle"
    state.on_search_finished({"trials": [{"trial_id": "a", "status": "COMPLETED", "score": 0.4, "stopped": None}]})
    assert state.trials["a"].stopped == "budget"  # a later summary without a reason keeps it
