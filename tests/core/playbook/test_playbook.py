"""The tuning playbook on real TensorFlow and tiny data: per-trial predictions, LR finder, ensemble,
distillation, k-fold and mislabels, with exports served by a process that never imports the app."""
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from app.core.search import events as ev
from app.core.search import predictions
from app.core.options.config import SearchConfig
from app.core.export.export_formats import available_formats
from app.core.history.history_schema import SCHEMA_VERSION
from app.core.history.history import HistoryStore
from app.core.playbook.kfold import stratified_folds
from app.core.playbook.mislabels import excluded_root, log_path, move_files, read_log, undo
from app.core.search.search_dir import load_search_info
from app.core.search.runner import run_search
from app.core.playbook.tasks import run_task

pytestmark = pytest.mark.slow

COLOURS = {"a_red": (210, 40, 40), "b_green": (40, 200, 50), "c_blue": (40, 50, 210)}


def make_images(root: Path, per_class: int = 12, size: int = 20, seed: int = 0) -> Path:
    """Three classes told apart by colour, plus one red image filed as green (a planted mislabel)."""
    rng = np.random.default_rng(seed)
    for name, colour in COLOURS.items():
        folder = root / name
        folder.mkdir(parents=True, exist_ok=True)
        for i in range(per_class):
            pixels = np.clip(rng.normal(0, 30, (size, size, 3)) + colour, 0, 255).astype(np.uint8)
            Image.fromarray(pixels).save(folder / f"{name}_{i:02d}.png")
    pixels = np.clip(rng.normal(0, 30, (size, size, 3)) + COLOURS["a_red"], 0, 255).astype(np.uint8)
    Image.fromarray(pixels).save(root / "b_green" / "planted.png")
    return root


@pytest.fixture(scope="module")
def search(tmp_path_factory):
    """One finished 2-trial search (with a test split), shared by the module's tests."""
    base = tmp_path_factory.mktemp("playbook")
    previous = os.environ.get("TUNESTUDIO_HOME")
    os.environ["TUNESTUDIO_HOME"] = str(base / "home")
    data = make_images(base / "data")
    config = SearchConfig().replace(
        data_dir=str(data), architecture="mlp", image_size=16, epochs=3, max_trials=2, batch_size=8,
        width={"choices": [16, 32]}, depth=1, dropout=0.0, l2=0.0, batch_norm=False, learning_rate=0.01,
        schedule="constant", early_stopping=False, tensorboard=False, seed=3, augmentation={"enabled": False},
        val_fraction=0.25, test_fraction=0.15, time_budget=0)
    log = ev.EventLog()
    final = run_search(config, log, search_dir=base / "search")
    assert final["status"] == "completed", final
    yield {"dir": base / "search", "data": data, "log": log, "final": final, "base": base}
    if previous is None:
        os.environ.pop("TUNESTUDIO_HOME", None)
    else:
        os.environ["TUNESTUDIO_HOME"] = previous


def completed(search) -> list[dict]:
    return [e for e in search["log"].of_type(ev.TRIAL_ENDED) if e["status"] == "COMPLETED"]


def test_each_trial_keeps_its_best_epoch_predictions_and_history_points_to_them(search, tmp_path):
    info = load_search_info(search["dir"])
    val_files = [r[2] for r in info["splits"]["val"]]
    for trial in completed(search):
        path = predictions.trial_predictions_path(search["dir"], trial["trial_id"])
        preds = predictions.load(path)
        assert preds.files == val_files and preds.classes == info["classes"]
        assert preds.probabilities.shape == (len(val_files), 3)
        # The best epoch's weights: their accuracy is the trial's score (its best val_accuracy).
        assert preds.accuracy == pytest.approx(trial["score"], abs=1e-6)
        assert sum(map(sum, preds.confusion())) == len(val_files)
    store = HistoryStore(tmp_path / "h.sqlite3")
    assert store.schema_version == SCHEMA_VERSION
    for event in search["log"].events:
        store.record(event)
    trials = store.get_trials(search["dir"].name)
    assert all(t["predictions_path"] and Path(t["predictions_path"]).is_file() for t in trials)
    # An older search's trial without the file: computed from its checkpoint, the same figures.
    best = search["final"]["best_trial_id"]
    path = predictions.trial_predictions_path(search["dir"], best)
    kept = predictions.load(path)
    path.unlink()
    again = predictions.trial_predictions(search["dir"], best)
    assert path.is_file() and again.files == kept.files
    np.testing.assert_allclose(again.probabilities, kept.probabilities, atol=1e-5)
    wrong = again.rows()
    assert all(r["true"] != r["predicted"] for r in wrong)
    assert [r["confidence"] for r in wrong] == sorted((r["confidence"] for r in wrong), reverse=True)


def test_lr_finder_suggests_a_decade_where_the_measured_loss_falls(search):
    final = run_task("lr_find", {"data_dir": str(search["data"]), "architecture": "mlp", "image_size": 16,
                                 "batch_size": 8, "steps": 40, "start_lr": 1e-5, "end_lr": 1.0}, ev.EventLog())
    assert final["status"] == "completed", final
    result = final["result"]
    lrs = np.array([p[0] for p in result["points"]])
    losses = np.array([p[1] for p in result["points"]])
    low, high = result["suggested"]["min"], result["suggested"]["max"]
    assert high / low == pytest.approx(10.0)
    assert lrs[0] <= low < high <= lrs[-1]
    loss_at = lambda lr: float(np.interp(np.log10(lr), np.log10(lrs), losses))  # noqa: E731
    assert loss_at(high) < loss_at(low)  # the loss falls across the suggested range
    assert np.all(np.diff(lrs) > 0) and len(lrs) >= 10


def test_a_task_stops_on_cancel_and_says_so(search):
    import threading

    cancel = threading.Event()
    log = ev.EventLog()

    def listener(event):
        log(event)
        if event.get("points"):
            cancel.set()  # stop at the first live points

    final = run_task("lr_find", {"data_dir": str(search["data"]), "architecture": "mlp", "image_size": 16,
                                 "batch_size": 8, "steps": 400}, listener, cancel=cancel)
    assert final["status"] == "cancelled" and final["result"] is None
    assert sum(len(e.get("points") or []) for e in log.events) < 400


@pytest.fixture(scope="module")
def ensemble_and_student(search):
    out = search["base"] / "exports"
    ens = run_task("ensemble", {"search_dir": str(search["dir"]), "top": 2, "out": str(out / "ensemble")},
                   ev.EventLog())
    assert ens["status"] == "completed", ens
    log = ev.EventLog()
    student = run_task("distill", {"search_dir": str(search["dir"]), "teacher": "ensemble:2", "student_arch": "mlp",
                                   "student_width": 8, "student_depth": 1, "temperature": 3.0, "alpha": 0.3,
                                   "epochs": 2, "export": str(out / "student")}, log)
    assert student["status"] == "completed", student
    return ens["result"], student["result"], log


SERVE = r"""
import json, sys
import numpy as np, tensorflow as tf
from PIL import Image
request = json.load(open(sys.argv[1]))
out = {}
for name, folder in request["models"].items():
    model = tf.saved_model.load(folder + "/saved_model")
    images = np.stack([np.asarray(Image.open(f).convert("RGB")) for f in request["files"]])
    served = model.signatures["serving_default"](images=tf.constant(images))
    one = model.signatures["serve_bytes"](image_bytes=tf.stack([tf.io.read_file(request["files"][0])]))
    out[name] = {"class_id": served["class_id"].numpy().tolist(),
                 "bytes_class": one["class_name"].numpy().tolist()[0].decode()}
out["app_imported"] = any(m == "app" or m.startswith("app.") for m in sys.modules)
print(json.dumps(out))
"""


def test_ensemble_and_distilled_student_export_and_serve_without_the_app(search, ensemble_and_student, tmp_path):
    ens, student, log = ensemble_and_student
    assert ens["members"] == [t["trial_id"] for t in sorted(completed(search), key=lambda t: -t["score"])][:2]
    assert 0 <= ens["val_accuracy"] <= 1 and ens["best_single_val_accuracy"] is not None
    assert ens["test_accuracy"] is not None and ens["self_check"]["passed"]
    card = json.loads((Path(ens["path"]) / "model_card.json").read_text())
    assert card["architecture"] == "ensemble" and card["ensemble"]["members"] == ens["members"]
    assert set(card["signatures"]) == {"serving_default", "serve_bytes"}
    # The same artifacts proof as a trial's export, each format scored in its own runtime; no
    # retraining bundle, since no single search command rebuilds an ensemble.
    assert [a["format"] for a in card["artifacts"]] == available_formats()
    assert all(a["passed"] for a in card["artifacts"]) and card["self_check"]["passed"]
    assert card["reproduce"] is None and not (Path(ens["path"]) / "reproduce").exists()

    assert student["student"]["params"] < student["teacher"]["params"]
    for side in ("teacher", "student"):
        figures = student[side]
        assert figures["size_bytes"] > 0 and figures["ms_per_image"] > 0
        assert figures["val_accuracy"] is not None and figures["test_accuracy"] is not None
    assert student["self_check"]["passed"]
    epochs = [e for e in log.events if e["type"] == "task_epoch"]
    assert [e["epoch"] for e in epochs] == [0, 1] and all("val_accuracy" in e["logs"] for e in epochs)
    assert (Path(student["folder"]) / "student.keras").is_file()

    # Served by a process that never imports the app, on the validation images (at 20 px: the
    # serving signature resizes), agreeing with the accuracy each model reported.
    info = load_search_info(search["dir"])
    rows = info["splits"]["val"]
    request = tmp_path / "request.json"
    request.write_text(json.dumps({"models": {"ensemble": ens["path"], "student": student["path"]},
                                   "files": [r[2] for r in rows]}))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run([sys.executable, "-c", SERVE, str(request)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    served = json.loads(done.stdout.strip().splitlines()[-1])
    assert served["app_imported"] is False
    labels = np.array([r[1] for r in rows])
    assert np.mean(np.array(served["ensemble"]["class_id"]) == labels) == pytest.approx(ens["val_accuracy"])
    assert np.mean(np.array(served["student"]["class_id"]) == labels) == pytest.approx(
        student["student"]["val_accuracy"])
    assert served["student"]["bytes_class"] in info["classes"]


def test_kfold_folds_are_stratified_and_disjoint(search):
    labels = np.array([0] * 10 + [1] * 7 + [2] * 5)
    folds = stratified_folds(labels, 3, seed=1)
    joined = np.concatenate(folds)
    assert sorted(joined.tolist()) == list(range(len(labels)))  # disjoint and complete
    for cls, count in zip(range(3), (10, 7, 5)):
        per_fold = [int(np.sum(labels[f] == cls)) for f in folds]
        assert max(per_fold) - min(per_fold) <= 1 and sum(per_fold) == count
    assert max(map(len, folds)) - min(map(len, folds)) <= 1

    log = ev.EventLog()
    best = search["final"]["best_trial_id"]
    final = run_task("kfold", {"search_dir": str(search["dir"]), "trial_id": best, "folds": 3, "epochs": 1}, log)
    assert final["status"] == "completed", final
    out = final["result"]
    assert len(out["folds"]) == 3 and out["mean"] == pytest.approx(np.mean([f["score"] for f in out["folds"]]))
    assert out["std"] >= 0 and all(len(f["curves"]["val_accuracy"]) == 1 for f in out["folds"])
    assert [e["run"] for e in log.of_type("task_epoch")] == ["fold 1", "fold 2", "fold 3"]
    info = load_search_info(search["dir"])
    pooled = np.bincount([r[1] for s in ("train", "val") for r in info["splits"][s]], minlength=3)
    counts = np.array([f["held_out_class_counts"] for f in out["folds"]])
    assert counts.sum(axis=0).tolist() == pooled.tolist()
    assert (counts.max(axis=0) - counts.min(axis=0)).max() <= 1


def test_cli_runs_a_task_in_the_training_child_and_records_it(search, capsys):
    from app.cli.main import main

    code = main(["mislabels", str(search["dir"]), "--top", "2", "--folds", "0", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0, out
    assert {"path", "given", "suggested", "score"} <= set(out["suspects"][0])
    with HistoryStore() as store:
        recorded = store.list_tasks(search_id=search["dir"].name, kind="mislabels")
    assert recorded and recorded[0]["status"] == "completed"
    assert recorded[0]["result"]["suspects"] == out["suspects"]
    assert recorded[0]["params"]["top"] == 2
    assert main(["history", "import", str(search["dir"])]) == 0  # the fixture's search ran unrecorded
    assert main(["history", "show", search["dir"].name]) == 0
    assert "mislabels completed" in capsys.readouterr().out
    # Bad input: one line and exit code 2, no child started.
    assert main(["kfold", str(search["dir"]), "--trial", "0", "--folds", "2"]) == 2
    assert "between 3 and 10" in capsys.readouterr().err
    assert main(["ensemble", str(search["base"] / "nowhere"), "out", "--top", "2"]) == 2


def test_mislabels_flag_the_planted_image_and_suggest_its_real_class(search):
    final = run_task("mislabels", {"search_dir": str(search["dir"]), "top": 2, "folds": 0}, ev.EventLog())
    assert final["status"] == "completed", final
    result = final["result"]
    assert result["note"]  # scored by models that saw the training images: said so
    planted = [s for s in result["suspects"] if s["path"].endswith("planted.png")]
    assert planted and planted[0]["given"] == "b_green" and planted[0]["suggested"] == "a_red"
    scores = [s["score"] for s in result["suspects"]]
    assert scores == sorted(scores)


def listing(root: Path) -> dict:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
            for p in sorted(root.rglob("*"))}


def test_a_relabel_move_and_its_undo_leave_the_folder_exactly_as_before(tmp_path):
    data = make_images(tmp_path / "data", per_class=3, size=8)
    before = listing(data)
    planted = data / "b_green" / "planted.png"
    clash = data / "c_blue" / "c_blue_00.png"
    batch = move_files(data, [{"path": str(planted), "to": "a_red"}, {"path": str(clash), "to": None},
                              {"path": str(data / "a_red" / "a_red_00.png"), "to": "d_new"}])
    assert not planted.exists() and (data / "a_red" / "planted.png").is_file()
    assert (excluded_root(data) / "c_blue" / "c_blue_00.png").is_file()
    assert (data / "d_new" / "a_red_00.png").is_file()
    assert listing(data) != before and read_log(data)[-1]["id"] == batch["id"]
    undone = undo(data)
    assert undone["id"] == batch["id"] and undone["undone"]
    assert listing(data) == before  # same files, same bytes, no leftover class folder
    assert log_path(data).is_file() and read_log(data)[-1]["undone"]  # the log keeps the history
    with pytest.raises(Exception, match="Nothing to undo"):
        undo(data)
