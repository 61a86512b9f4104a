"""Playbook widgets driven by plain-data task events (the child process is exercised in test_playbook)."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image
from PySide6.QtWidgets import QWidget

from app.core.search import events as ev
from app.core.search import predictions as pred
from app.core.search.events import TASK_EPOCH, TASK_FINISHED, TASK_PROGRESS


def fake_runner(events: list[dict], result: dict | None, status: str = "completed", error: str = ""):
    """A runner with the real runner's contract that replays ``events`` and finishes with ``result``."""
    def run(task, params, listener, cancel=None):
        for event in events:
            listener(ev.make_event(event.pop("type"), task=task, **event))
        final = ev.make_event(TASK_FINISHED, task=task, status=status, error=error, result=result,
                              params=params, duration=0.1, search_dir=params.get("search_dir"))
        listener(final)
        return final
    return run


def wait_done(qtbot, panel) -> dict:
    with qtbot.waitSignal(panel.finished, timeout=10000) as blocker:
        panel.start()
    return blocker.args[0]


def test_lr_finder_plots_points_live_shades_the_range_and_applies_it(qtbot):
    from app.gui.playbook.lr_finder_view import LRFinderPanel

    points = [[10 ** (-5 + i / 10), 2.0 - i / 40] for i in range(40)]
    events = [{"type": TASK_PROGRESS, "fraction": (i + 5) / 40, "message": "ramp", "points": points[i:i + 5]}
              for i in range(0, 40, 5)]
    result = {"suggested": {"min": 1e-3, "max": 1e-2}, "points": points}
    panel = LRFinderPanel("/data", runner=fake_runner(events, result))
    qtbot.addWidget(panel)
    seen = []
    panel.rangeApplied.connect(lambda lo, hi: seen.append((lo, hi)))
    final = wait_done(qtbot, panel)
    assert final["status"] == "completed"
    xs, ys = panel.curve.getData()
    assert len(xs) == 40 and ys[0] == pytest.approx(2.0)
    assert panel.region.isVisible()
    lo, hi = panel.region.getRegion()
    assert (lo, hi) == pytest.approx((-3.0, -2.0))
    panel.apply_button.click()
    assert seen == [(1e-3, 1e-2)]


def test_a_failed_task_says_why_and_the_panel_can_start_again(qtbot):
    from app.gui.playbook.ensemble_kfold_view import EnsemblePanel

    panel = EnsemblePanel("/search", runner=fake_runner([], None, status="failed", error="no trial has weights"))
    qtbot.addWidget(panel)
    panel.start()  # no export folder: refused with a message, nothing started
    assert not panel.running and "folder" in panel.status.text()
    panel.out_edit.setText("/tmp/out")
    wait_done(qtbot, panel)
    assert "no trial has weights" in panel.status.text() and panel.start_button.isEnabled()


def test_distillation_panel_draws_student_curves_and_the_comparison(qtbot):
    from app.gui.playbook.distill_view import DistillPanel

    events = [{"type": TASK_EPOCH, "run": "student", "epoch": e, "epochs": 3,
               "logs": {"accuracy": 0.5 + e / 10, "val_accuracy": 0.4 + e / 10}} for e in range(3)]
    figures = {"params": 1000, "size_bytes": 50_000, "ms_per_image": 0.2, "val_accuracy": 0.8, "test_accuracy": None}
    result = {"teacher": {"name": "trial 3", **figures, "params": 90_000},
              "student": {"architecture": "mlp", **figures}, "curves": {}, "path": None, "folder": "/s/playbook/d1"}
    calls = []

    def runner(task, params, listener, cancel=None):
        calls.append((task, params))
        if task == "export_student":
            return fake_runner([], {"path": params["out"], "self_check": {"passed": True}})(task, params, listener)
        return fake_runner([dict(e) for e in events], result)(task, params, listener)

    panel = DistillPanel("/search", ["3", "1"], runner=runner)
    qtbot.addWidget(panel)
    assert panel.params()["teacher"] == "best"
    wait_done(qtbot, panel)
    xs, ys = panel.val_curve.getData()
    assert list(xs) == [1, 2, 3] and list(ys) == pytest.approx([0.4, 0.5, 0.6])
    assert panel.table.item(0, 0).text() == "trial 3" and panel.table.item(0, 1).text().startswith("mlp")
    assert panel.table.item(1, 0).text() == "90,000" and panel.table.item(1, 1).text() == "1,000"
    assert panel.table.item(4, 1).text() == "80.0%" and panel.table.item(5, 1).text() == "–"
    assert panel.export_button.isEnabled()
    with qtbot.waitSignal(panel.finished, timeout=10000):
        panel.export_student("/tmp/out")
    assert calls[-1] == ("export_student", {"search_dir": "/search", "folder": "/s/playbook/d1", "out": "/tmp/out"})
    assert "exported to /tmp/out" in panel.status.text() and "passed" in panel.status.text()
    assert panel.table.item(1, 0).text() == "90,000"  # the comparison stays


def test_gallery_filters_by_confusion_cell_and_class_and_sorts_by_confidence(qtbot, tmp_path):
    from app.gui.results.misclassified_gallery import MisclassifiedGallery

    files = []
    for i in range(6):
        path = tmp_path / f"img{i}.png"
        Image.fromarray(np.full((8, 8, 3), 40 * i, np.uint8)).save(path)
        files.append(str(path))
    probs = np.array([[.9, .1, 0], [.2, .7, .1], [.6, .3, .1], [.1, .2, .7], [.6, .1, .3], [.45, .1, .45]], np.float32)
    preds = pred.Predictions(files=files, labels=np.array([0, 0, 1, 2, 2, 1]), probabilities=probs,
                             classes=["a", "b", "c"])
    gallery = MisclassifiedGallery()
    qtbot.addWidget(gallery)
    gallery.set_predictions(preds)
    shown = gallery.shown_rows()
    assert [r["index"] for r in shown] == [1, 2, 4, 5]  # mistakes only, most confident first
    assert gallery.items.count() == 4 and not gallery.items.item(0).icon().isNull()
    gallery.sort_box.setCurrentIndex(1)
    assert [r["index"] for r in gallery.shown_rows()][0] == 5
    gallery.grid.cellClicked.emit(2, 0)  # true c, predicted a
    assert [r["index"] for r in gallery.shown_rows()] == [4]
    gallery.set_cell(0, 0)  # a diagonal cell: that class's correct images
    assert [r["index"] for r in gallery.shown_rows()] == [0]
    gallery.set_class(1)  # class b as true or predicted
    assert {r["index"] for r in gallery.shown_rows()} == {1, 2, 5}
    assert gallery.grid.item(2, 0).text() == "1"


def test_mislabel_panel_moves_a_suspect_and_undoes_it(qtbot, tmp_path):
    from app.gui.playbook.mislabel_view import MislabelPanel

    data = tmp_path / "data"
    for name in ("a", "b"):
        (data / name).mkdir(parents=True)
        Image.fromarray(np.zeros((8, 8, 3), np.uint8)).save(data / name / f"{name}0.png")
    suspect = str(data / "b" / "b0.png")
    result = {"suspects": [{"path": suspect, "given": "b", "suggested": "a", "score": 0.05, "split": "val"}],
              "method": "top 2 trials", "note": "", "data_root": str(data), "classes": ["a", "b"],
              "checked": {"val": 2, "train": 0}}
    panel = MislabelPanel("/search", runner=fake_runner([], result))
    qtbot.addWidget(panel)
    wait_done(qtbot, panel)
    assert panel.table.rowCount() == 1 and panel.table.item(0, 3).text() == "a"
    changed = []
    panel.datasetChanged.connect(changed.append)
    panel.table.selectRow(0)
    assert panel.suggested_button.isEnabled()
    panel.suggested_button.click()
    assert (data / "a" / "b0.png").is_file() and not (data / "b" / "b0.png").exists()
    assert "→ a" in panel.table.item(0, 2).text() and changed == [str(data)]
    assert panel.undo_button.isEnabled()
    panel.undo_button.click()
    assert (data / "b" / "b0.png").is_file() and not (data / "a" / "b0.png").exists()
    assert not panel.undo_button.isEnabled() and len(changed) == 2


def test_window_has_a_playbook_menu_whose_lr_range_reaches_the_options(qtbot, tmp_path):
    from app.gui import MainWindow
    from app.gui.playbook.playbook_menu import ENTRIES, apply_range

    window = MainWindow(device_probe=lambda: {"device": "CPU", "gpus": [], "mixed_precision_available": False})
    qtbot.addWidget(window)
    titles = [a.text() for a in window.menuBar().actions()]
    assert "&Playbook" in titles
    assert set(window.playbook_actions) == {key for key, _ in ENTRIES}
    apply_range(window, 0.00123456, 0.0123456)
    assert window.options_panel.learning_rate_range.spec() == {"min": 0.00123, "max": 0.0123, "log": True}


def test_results_matrix_cell_opens_the_trial_gallery_on_that_cell(qtbot, tmp_path):
    import json

    from app.core.options.config import SearchConfig
    from app.gui import MainWindow
    from app.gui.playbook.playbook_menu import open_gallery_on_cell

    search = tmp_path / "search"
    trial_dir = search / "tuner" / "trial_0"
    trial_dir.mkdir(parents=True)
    (search / "search.json").write_text(json.dumps({"config": SearchConfig().to_dict(), "classes": ["a", "b"]}))
    (trial_dir / "trial.json").write_text(json.dumps({"trial_id": "0", "status": "COMPLETED", "score": 0.5,
                                                      "hyperparameters": {"values": {}}, "metrics": {}}))
    files = []
    for i in range(4):
        Image.fromarray(np.full((8, 8, 3), 60 * i, np.uint8)).save(tmp_path / f"{i}.png")
        files.append(str(tmp_path / f"{i}.png"))
    pred.save(trial_dir / pred.PREDICTIONS_FILE, pred.Predictions(
        files=files, labels=np.array([0, 0, 1, 1]), classes=["a", "b"],
        probabilities=np.array([[.9, .1], [.2, .8], [.3, .7], [.6, .4]], np.float32)))
    window = MainWindow(device_probe=lambda: {"device": "CPU", "gpus": [], "mixed_precision_available": False})
    qtbot.addWidget(window)
    window.session.search_dir = str(search)
    dialog = open_gallery_on_cell(window, 1, 0)  # true b, predicted a
    gallery = dialog.findChild(QWidget, "trialGallery")
    assert gallery.trial_box.currentData() == "0"
    assert [r["file"] for r in gallery.gallery.shown_rows()] == [files[3]]
    dialog.close()
