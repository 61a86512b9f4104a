"""``tunestudio history``: listing, showing, CSV and import, and one-line errors with exit code 2."""
import json

from app.core.util import paths
from app.core.history.history import HistoryStore
from app.cli.history import main
from history_events import record_all, search_events


def populate():
    store = HistoryStore()
    record_all(store, search_events(search_id="20260101-090000-pets", trials=2))
    record_all(store, search_events(search_id="20260102-090000-flowers", trials=1, finish=False))
    store.rename_search("20260102-090000-flowers", "flowers quick")
    store.close()


def test_history_lists_searches_as_table_and_json(capsys):
    assert main(["history"]) == 0
    assert "No searches yet" in capsys.readouterr().out

    populate()
    assert main(["history"]) == 0
    out = capsys.readouterr().out
    header, first, second = out.splitlines()[:3]
    assert header.split()[:4] == ["ID", "NAME", "STATUS", "STARTED"]
    assert "20260102-090000-flowers" in out and "flowers quick" in out and "running" in out
    assert "2/2" in out

    assert main(["history", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert {s["id"] for s in listed} == {"20260101-090000-pets", "20260102-090000-flowers"}
    pets = next(s for s in listed if s["id"] == "20260101-090000-pets")
    assert pets["status"] == "completed" and pets["completed_trials"] == 2

    assert main(["history", "--json", "--status", "running"]) == 0
    assert [s["id"] for s in json.loads(capsys.readouterr().out)] == ["20260102-090000-flowers"]


def test_history_show_prints_trials_and_accepts_a_prefix(capsys):
    populate()
    assert main(["history", "show", "20260101"]) == 0
    out = capsys.readouterr().out
    assert "Search   20260101-090000-pets" in out
    assert "Best hyperparameters" in out
    trial_lines = [line for line in out.splitlines() if "COMPLETED" in line]
    assert len(trial_lines) == 2
    assert "learning_rate" in out and "optimizer" in out

    assert main(["history", "show", "20260101-090000-pets", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert [t["trial_id"] for t in shown["trials"]] == ["00", "01"]
    assert shown["trials"][0]["history"]["val_accuracy"]


def test_history_user_errors_are_one_line_with_exit_code_2(capsys, tmp_path):
    populate()
    assert main(["history", "show", "nope"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no search with id 'nope'" in err

    assert main(["history", "show", "2026"]) == 2  # ambiguous prefix
    assert "matches 2 searches" in capsys.readouterr().err

    broken = tmp_path / "not-a-db.sqlite3"
    broken.write_text("this is not sqlite " * 100)
    assert main(["history", "--db", str(broken)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "history database" in err

    assert main(["history", "import", str(tmp_path / "nowhere")]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_history_csv_and_import(capsys, tmp_path):
    populate()
    out_file = tmp_path / "trials.csv"
    assert main(["history", "csv", "20260101-090000-pets", "-o", str(out_file)]) == 0
    assert out_file.read_text().splitlines()[0].startswith("search_id,search_name,trial_id")
    assert len(out_file.read_text().splitlines()) == 3

    search_dir = paths.searches_dir() / "20260103-090000-lost"
    search_dir.mkdir()
    lines = [json.dumps(e) for e in search_events(search_id=search_dir.name, search_dir=search_dir, trials=1)]
    (search_dir / "events.jsonl").write_text("\n".join(lines) + "\n")
    assert main(["history", "import", str(search_dir)]) == 0
    assert "imported 20260103-090000-lost" in capsys.readouterr().out
    assert HistoryStore().get_search(search_dir.name)["status"] == "completed"


def test_history_prune_and_delete(capsys):
    populate()
    folder = paths.searches_dir() / "20260101-090000-pets"
    for trial_id in ("00", "01"):
        (folder / "tuner" / f"trial_{trial_id}").mkdir(parents=True)
        (folder / "tuner" / f"trial_{trial_id}" / "checkpoint.weights.h5").write_bytes(b"w" * 2048)
    assert main(["history", "prune", "20260101-090000-pets", "--keep", "1"]) == 0
    assert "removed 1, freed 2.0 KB" in capsys.readouterr().out
    assert main(["history", "prune", "20260101-090000-pets", "--keep", "-2"]) == 2
    assert "keep_best" in capsys.readouterr().err

    assert main(["history", "delete", "20260101-090000-pets"]) == 2
    assert "--yes" in capsys.readouterr().err and folder.exists()
    assert main(["history", "delete", "20260101-090000-pets", "--yes"]) == 0
    assert not folder.exists()
    assert main(["history", "show", "20260101-090000-pets"]) == 2
