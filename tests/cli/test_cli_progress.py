"""The command line's progress line follows the search through the hooks of app.core.search.events."""
from fake_events import fake_search_events

from app.cli.progress import TerminalProgress
from app.core.search import events as ev
from app.core.search.search_state import best_trial


def test_progress_prints_each_trial_and_keeps_the_best_by_the_objective(capsys):
    for objective in ("val_accuracy", "val_loss"):
        progress = TerminalProgress(enabled=False)
        events = fake_search_events(n_trials=4, epochs=2, failed_trials=(2,), objective=objective)
        for event in events:
            progress(event)
        lines = capsys.readouterr().err.splitlines()
        assert lines[0].startswith("Search started on")
        ended = [e for e in events if e["type"] == ev.TRIAL_ENDED]
        assert [ln for ln in lines if ln.startswith("Trial ")] == [
            ln for ln in lines if any(ln.startswith(f"Trial {e['number']}: ") for e in ended)]
        assert sum(ln.startswith("Trial ") for ln in lines) == len(ended) == 4
        assert any("failed" in ln for ln in lines)
        # One rule for "better": the same best trial as the search state, lower loss or higher accuracy.
        assert progress.best == best_trial(ended, objective)["score"]


def test_export_progress_has_its_own_hook(capsys):
    progress = TerminalProgress(enabled=False)
    progress(ev.make_event(ev.EXPORT_PROGRESS, done=0, total=2, format="keras", message="writing model.keras"))
    assert progress.last_line == "" and capsys.readouterr().err == ""  # a status line, not printed when not a tty
    shown = TerminalProgress(enabled=True)
    shown(ev.make_event(ev.EXPORT_PROGRESS, done=0, total=2, format="keras", message="writing model.keras"))
    assert shown.last_line == "export 1/2: writing model.keras"
