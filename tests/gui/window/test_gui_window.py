"""The real main window, driven offscreen: dataset, options, a search (fake and real), export, close."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import types
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QLineEdit, QProgressBar, QPushButton, QSpinBox, QWidget,
)

from app.core.util import paths
from app.core.options.config import SearchConfig
from fake_events import fake_search_events
from window_fakes import FakeRunner, scan

REPO = Path(__file__).resolve().parents[3]


# --------------------------------------------------------------------------- a fake runner


# --------------------------------------------------------------------------- helpers


def set_small_search(window, trials=3, epochs=2) -> None:
    window.findChild(QSpinBox, "maxTrialsSpin").setValue(trials)
    window.findChild(QSpinBox, "epochsSpin").setValue(epochs)
    window.findChild(QSpinBox, "imageSizeSpin").setValue(32)


def trial_rows(window) -> int:
    table = window.findChild(QWidget, "trialTable")
    view = table if isinstance(table, QAbstractItemView) else table.findChild(QAbstractItemView)
    return view.model().rowCount()


def run_to_end(qtbot, window, timeout=30000) -> dict:
    with qtbot.waitSignal(window.search_state_changed, timeout=timeout,
                          check_params_cb=lambda state: state == "idle"):
        qtbot.mouseClick(window.findChild(QPushButton, "startButton"), Qt.MouseButton.LeftButton)
    return window.final_event


# --------------------------------------------------------------------------- tests


def test_window_starts_without_tensorflow_and_has_the_named_controls():
    code = (
        "import sys\n"
        "import shiboken6\n"
        "from app.gui.window.app import create_application\n"
        "app = create_application([])\n"
        "from app.gui import MainWindow\n"
        "from PySide6.QtCore import QTimer\n"
        "w = MainWindow(); w.show()\n"
        # The start-up jobs run too (resume lookup; the runner's imports warmed up on a pool thread, which
        # quitting waits for: under a loaded machine this process once crashed on its way out without that).
        "QTimer.singleShot(1500, app.quit); app.exec()\n"
        "shiboken6.delete(w)\n"
        "print('tensorflow' in sys.modules, 'keras' in sys.modules)\n"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(REPO))
    out = subprocess.run([sys.executable, "-X", "faulthandler", "-c", code], capture_output=True, text=True, env=env,
                         timeout=120, cwd=REPO)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["False", "False"]


def test_required_object_names(make_window):
    window = make_window()
    expected = {"datasetPathEdit": QLineEdit, "architectureCombo": QComboBox, "maxTrialsSpin": QSpinBox,
                "epochsSpin": QSpinBox, "imageSizeSpin": QSpinBox, "startButton": QPushButton,
                "stopButton": QPushButton, "exportButton": QPushButton, "progressBar": QProgressBar,
                "curvesPlot": QWidget, "confusionView": QWidget, "trialTable": QWidget}
    for name, kind in expected.items():
        assert isinstance(window.findChild(kind, name), kind), name
    assert window.findChild(QPushButton, "stopButton").isEnabled() is False
    assert window.findChild(QPushButton, "exportButton").isEnabled() is False


def test_standard_shortcuts(make_window):
    window = make_window()
    assert window.chrome.open_action.shortcut().toString() == "Ctrl+O"
    assert window.chrome.start_action.shortcut().toString() == "Ctrl+R"
    assert {s.toString() for s in window.chrome.stop_action.shortcuts()} == {"Ctrl+.", "Esc"}
    assert window.chrome.quit_action.shortcut().toString() == "Ctrl+Q"


def test_typed_path_is_scanned_with_counts_chart_and_thumbnails(qtbot, make_window, tiny_dataset):
    window = make_window()
    scan(qtbot, window, tiny_dataset)
    panel = window.dataset_panel
    assert panel.class_table.rowCount() == 3
    assert panel.balance_chart.bar_heights() == [6.0, 6.0, 6.0]
    assert "3 classes" in panel.summary_label.text() and "18 images" in panel.summary_label.text()
    qtbot.waitUntil(lambda: panel.loaded_thumbnail_count() == 18, timeout=10000)
    assert str(tiny_dataset.resolve()) in panel.recent_menu.actions()[0].text()


def test_bad_folder_is_marked_with_its_reason(qtbot, make_window, tmp_path):
    window = make_window()
    edit = window.findChild(QLineEdit, "datasetPathEdit")
    with qtbot.waitSignal(window.dataset_panel.scan_failed, timeout=10000) as blocker:
        edit.setText(str(tmp_path / "nope"))
        qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert "folder not found" in blocker.args[0]
    assert edit.property("invalid") is True and "folder not found" in edit.toolTip()
    # Start refuses without a usable dataset, saying why, and starts nothing.
    assert window.start_search() is False
    assert not window.is_running


def test_dropping_a_folder_scans_it_and_a_file_is_refused(qtbot, make_window, tiny_dataset):
    from PySide6.QtCore import QMimeData, QPointF, QUrl
    from PySide6.QtGui import QDropEvent

    window = make_window()
    panel = window.dataset_panel

    def drop(path):
        mime = QMimeData()
        mime.setUrls([QUrl.fromLocalFile(str(path))])
        event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                           Qt.KeyboardModifier.NoModifier)
        window.dropEvent(event)
        return event

    refused = drop(next((tiny_dataset / "daisy").iterdir()))
    assert not refused.isAccepted() and panel.report is None
    with qtbot.waitSignal(panel.scan_finished, timeout=20000):
        drop(tiny_dataset)
    assert panel.report.root == str(tiny_dataset.resolve())


def test_recent_menu_rescans_an_earlier_folder(qtbot, make_window, tiny_dataset, tmp_path):
    from conftest import copy_subset

    other = copy_subset("flowers-32", tmp_path / "other", classes=2, per_class=5)
    window = make_window()
    scan(qtbot, window, tiny_dataset)
    scan(qtbot, window, other)
    panel = window.dataset_panel
    texts = [a.text() for a in panel.recent_menu.actions()]
    assert texts[:2] == [str(other.resolve()), str(tiny_dataset.resolve())]
    assert texts[-1].startswith("Sample data")
    with qtbot.waitSignal(panel.scan_finished, timeout=20000):
        panel.recent_menu.actions()[1].trigger()
    assert panel.report.root == str(tiny_dataset.resolve()) and panel.class_table.rowCount() == 3


def test_run_app_shows_the_window_on_the_sample_data(tmp_path):
    code = (
        "import sys\n"
        "from PySide6.QtCore import QEvent, QObject, QTimer\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "class Spy(QObject):\n"
        "    painted = None\n"
        "    def eventFilter(self, obj, event):\n"
        "        if Spy.painted is None and event.type() == QEvent.Type.Paint and obj.objectName() == 'appFrame':\n"
        "            Spy.painted = 'app.gui.window.main_window' in sys.modules\n"
        "        return False\n"
        "spy = Spy(); app.installEventFilter(spy)\n"
        "import time\n"
        "started = time.monotonic()\n"
        "def report():\n"
        "    f = [t for t in app.topLevelWidgets() if t.objectName() == 'appFrame'][0]\n"
        "    r = f.main_window().dataset_panel.report if f.built else None\n"
        "    if r is None and time.monotonic() - started < 90:\n"
        "        QTimer.singleShot(100, report)  # the scan of the sample runs after the first paint\n"
        "        return\n"
        "    w = f.main_window()\n"
        "    print(f.isVisible() and w.isVisible(), app.applicationName(), len(r.images) if r else None,\n"
        "          'main-window-before-first-paint' if Spy.painted else 'frame-painted-first', flush=True)\n"
        "    f.close(); app.quit()\n"
        "QTimer.singleShot(200, report)\n"
        "from app.gui.window.app import run_app\n"
        "print('exit', run_app(['tunestudio']))\n"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(REPO),
               TUNESTUDIO_HOME=str(tmp_path / "home"))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120,
                         cwd=REPO)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["True", "TuneStudio", "80", "frame-painted-first", "exit", "0"]


def test_unusable_files_are_listed_with_reasons(qtbot, make_window, tiny_dataset):
    (tiny_dataset / "daisy" / "broken.jpg").write_bytes(b"not an image at all")
    window = make_window()
    scan(qtbot, window, tiny_dataset)
    tree = window.dataset_panel.problem_tree
    assert tree.topLevelItemCount() == 1
    item = tree.topLevelItem(0)
    assert item.text(0).endswith("broken.jpg") and "not an image" in item.text(1)
    assert window.dataset_panel.detail_tabs.tabText(1) == "Problems (1)"


def test_single_class_folder_cannot_start(qtbot, make_window, tmp_path, tiny_dataset):
    only = tmp_path / "one"
    (only / "cat").mkdir(parents=True)
    for f in list((tiny_dataset / "daisy").iterdir())[:3]:
        (only / "cat" / f.name).write_bytes(f.read_bytes())
    window = make_window(FakeRunner())
    scan(qtbot, window, only)
    assert window.findChild(QLineEdit, "datasetPathEdit").property("invalid") is True
    assert window.start_search() is False
    assert "at least two classes" in window.chrome.status_label.text()


def test_bad_option_is_marked_at_its_field_and_start_refused(qtbot, make_window, tiny_dataset):
    runner = FakeRunner()
    window = make_window(runner)
    scan(qtbot, window, tiny_dataset)
    options = window.options_panel
    options.width_edit.setText("32, wide")
    options.depth_range.minimum_box.setValue(4)
    options.depth_range.maximum_box.setValue(2)
    qtbot.mouseClick(window.findChild(QPushButton, "startButton"), Qt.MouseButton.LeftButton)
    assert not window.is_running and runner.calls == []
    assert options.width_edit.property("invalid") is True
    assert "'wide' is not a number" in options.width_edit.toolTip()
    assert options.error_label.isVisible() and "Width" in options.error_label.text()
    # Fixing the width reveals the next problem (the range), still at its own field.
    options.width_edit.setText("32")
    assert window.start_search() is False
    assert options.invalid_fields() == ["depth"]
    assert "greater than max" in options.depth_range.toolTip()
    options.depth_range.maximum_box.setValue(4)
    assert options.invalid_fields() == [] and not options.error_label.isVisible()  # cleared as fixed
    options.architecture_combo.setCurrentIndex(options.architecture_combo.findData("mobilenet_v2"))
    options.image_size_spin.setValue(16)
    assert window.start_search() is False
    assert options.invalid_fields() == ["image_size"]


def test_options_round_trip_through_search_config(make_window):
    from app.core.options.config import SearchConfig

    window = make_window()
    options = window.options_panel
    config = SearchConfig(data_dir="/d", architecture="resnet", image_size=48, width={"min": 16, "max": 64},
                          depth=2, dropout=0.0, l1={"choices": [0.0, 1e-5]}, batch_norm=False,
                          optimizer={"choices": ["rmsprop", "adamw"]},
                          learning_rate={"min": 1e-3, "max": 5e-2, "log": True}, schedule="cosine",
                          batch_size={"choices": [8, 16]}, tuner="hyperband", epochs=4, seed=7,
                          early_stopping=False, clip_mode="none")
    options.set_config(config)
    produced, errors = options.collect("/d")
    assert errors == []
    for name in ("architecture", "image_size", "width", "depth", "dropout", "l1", "batch_norm", "optimizer",
                 "learning_rate", "schedule", "batch_size", "tuner", "epochs", "seed", "early_stopping",
                 "clip_mode"):
        assert getattr(produced, name) == getattr(config, name), name
    assert options.hyperband_factor_spin.isEnabled() and not options.max_trials_spin.isEnabled()


def test_fake_search_fills_every_panel_and_the_summary(qtbot, make_window, tiny_dataset):
    runner = FakeRunner(n_trials=3, epochs=2, failed_trials=(2,))
    window = make_window(runner)
    scan(qtbot, window, tiny_dataset)
    set_small_search(window)
    final = run_to_end(qtbot, window)
    assert final["status"] == "completed"
    assert runner.calls[0]["config"].data_dir == str(tiny_dataset.resolve())
    assert runner.calls[0]["config"].max_trials == 3
    curves = window.findChild(QWidget, "curvesPlot")
    x, y = curves.curve_data("val_accuracy")
    assert len(x) >= 1
    confusion = window.findChild(QWidget, "confusionView")
    assert sum(map(sum, confusion.matrix())) == 2 * 3  # val_per_class x classes
    assert trial_rows(window) == 3
    assert window.chrome.progress_bar.value() == window.chrome.progress_bar.maximum()
    # Results opens a few event-loop turns after the end (the Training page's last repaint first).
    qtbot.waitUntil(lambda: window.chrome.view_tabs.currentIndex() == window.results_tab_index, timeout=3000)
    qtbot.waitUntil(lambda: window.results.updatesEnabled(), timeout=3000)  # and is painted
    summary = window.results.summary
    assert f"{final['best_score']:.4f}" in summary.headline()
    assert len(summary.hyperparameter_texts()) == len(final["best_hyperparameters"])
    # The best trial's confusion matrix is that of the epoch whose weights were kept.
    best = window.model.state.best
    assert window.results.best_confusion.matrix() == best.kept_confusion()[0]
    assert f"epoch {best.best_step + 1} (weights kept)" in window.results.best_confusion.caption()
    # The best trial's curves, under a header that counts the search's trials (not "1 stored trial").
    assert window.results.best_curves.header.text().startswith("3 trial(s) in this search")
    # Its "All trials" plot holds the other two trials' lines too, not the best one alone.
    others = [t for t in window.model.state.trials.values() if t.trial_id != best.trial_id]
    _, overlay = window.results.best_curves.curve_data("overlay")
    assert len(overlay) == sum(len(t.history["val_accuracy"]) for t in others) > 0
    assert window.findChild(QPushButton, "exportButton").isEnabled()
    assert window.findChild(QPushButton, "startButton").isEnabled()
    assert not window.findChild(QPushButton, "stopButton").isEnabled()
    assert "Search finished" in window.chrome.status_label.text()
    # Recorded in the history store, which the History tab shows.
    assert Path(window.search_dir).name in window.history_view.search_ids()


def test_start_with_a_typed_but_unscanned_folder_scans_it_first(qtbot, make_window, tiny_dataset, tmp_path):
    from conftest import copy_subset

    other = copy_subset("flowers-32", tmp_path / "other", classes=2, per_class=5)
    runner = FakeRunner(n_trials=1, epochs=1)
    window = make_window(runner)
    scan(qtbot, window, tiny_dataset)
    window.findChild(QLineEdit, "datasetPathEdit").setText(str(other))  # no Enter
    qtbot.mouseClick(window.findChild(QPushButton, "startButton"), Qt.MouseButton.LeftButton)
    # The one-trial fake search can start and end within one event-loop turn, so wait for its end
    # (the runner was called and nothing runs) rather than for a "running" state that may be missed.
    qtbot.waitUntil(lambda: bool(runner.calls) and not window.is_running, timeout=20000)
    assert runner.calls[0]["config"].data_dir == str(other.resolve())


def test_status_text_counts_trials_and_epochs(qtbot, make_window, tiny_dataset):
    runner = FakeRunner(n_trials=2, epochs=3, hold_after_first_epoch=True)
    window = make_window(runner)
    scan(qtbot, window, tiny_dataset)
    set_small_search(window, trials=2, epochs=3)
    qtbot.mouseClick(window.findChild(QPushButton, "startButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.model.state.epoch >= 1, timeout=10000)
    window._refresh_status()
    text = window.chrome.status_label.text()
    assert text.startswith("Trial 1 of 2") and "epoch 2/3" in text and "elapsed" in text and "left" in text
    assert 0 < window.chrome.progress_bar.value() < window.chrome.progress_bar.maximum()
    assert window.options_panel.isEnabled() is False and window.dataset_panel.isEnabled() is False


def test_stop_mid_search_then_resume_the_same_search(qtbot, make_window, tiny_dataset):
    runner = FakeRunner(n_trials=2, epochs=2, hold_after_first_epoch=True)
    window = make_window(runner)
    scan(qtbot, window, tiny_dataset)
    set_small_search(window, trials=2)
    qtbot.mouseClick(window.findChild(QPushButton, "startButton"), Qt.MouseButton.LeftButton)
    assert runner.holding.wait(10)
    assert window.findChild(QPushButton, "stopButton").isEnabled()
    with qtbot.waitSignal(window.search_state_changed, timeout=10000,
                          check_params_cb=lambda state: state == "idle"):
        qtbot.mouseClick(window.findChild(QPushButton, "stopButton"), Qt.MouseButton.LeftButton)
    assert window.final_event["status"] == "cancelled"
    assert "Resume" in window.chrome.status_label.text()
    stopped_dir = runner.calls[0]["search_dir"] or window.search_dir
    resume_button = window.findChild(QPushButton, "resumeButton")
    assert resume_button.isEnabled()
    with qtbot.waitSignal(window.search_state_changed, timeout=20000,
                          check_params_cb=lambda state: state == "idle"):
        qtbot.mouseClick(resume_button, Qt.MouseButton.LeftButton)
    assert runner.calls[1]["resume"] is True
    assert str(runner.calls[1]["search_dir"]) == str(window.search_dir) == str(stopped_dir)
    assert window.final_event["status"] == "completed"


def test_unfinished_search_from_an_earlier_session_is_offered(qtbot, make_window, tiny_dataset):
    from app.core.options.config import SearchConfig

    folder = paths.searches_dir() / "20260101-120000-earlier"
    folder.mkdir(parents=True)
    config = SearchConfig(data_dir=str(tiny_dataset), max_trials=1, epochs=1, name="earlier")
    (folder / "search.json").write_text(json.dumps({"config": config.to_dict(), "status": "cancelled"}))
    runner = FakeRunner(n_trials=1, epochs=1)
    window = make_window(runner)
    resume_button = window.findChild(QPushButton, "resumeButton")
    qtbot.waitUntil(resume_button.isEnabled, timeout=10000)
    assert "earlier" in window.chrome.status_label.text()
    with qtbot.waitSignal(window.search_state_changed, timeout=20000,
                          check_params_cb=lambda state: state == "idle"):
        qtbot.mouseClick(resume_button, Qt.MouseButton.LeftButton)
    assert runner.calls[0]["resume"] is True and Path(runner.calls[0]["search_dir"]) == folder
    assert window.options_panel.name_edit.text() == "earlier"  # the resumed search's options are shown


def test_resumed_search_shows_the_trials_finished_before(qtbot, make_window, tiny_dataset):
    from app.core.options.config import SearchConfig

    config = SearchConfig(data_dir=str(tiny_dataset), max_trials=3, epochs=1)
    events = fake_search_events(n_trials=3, epochs=2, classes=["daisy", "dandelion", "roses"],
                                val_per_class=2, steps=2, cancel_during_trial=2)
    folder = paths.searches_dir() / "20260101-120000-stopped"
    folder.mkdir(parents=True)
    (folder / "search.json").write_text(json.dumps({"config": config.to_dict(), "status": "cancelled"}))
    before = [e for e in events if e["type"] != "search_finished"]
    (folder / "events.jsonl").write_text("".join(json.dumps(e) + "\n" for e in before))
    ended_before = {e["trial_id"]: e["status"] for e in before if e["type"] == "trial_ended"}
    rest = fake_search_events(n_trials=3, epochs=2, classes=["daisy", "dandelion", "roses"],
                              val_per_class=2, steps=2)
    live = [e for e in rest if e["type"] in ("search_started", "search_finished")
            or e.get("trial_id") in ("1", "2")]

    def resumed_runner(config, listener, cancel=None, search_dir=None, resume=False):
        for event in live:
            event = dict(event, search_dir=str(search_dir)) if "search_dir" in event else event
            if event["type"] == "search_started":
                event["resumed"] = True
                event["completed_trials"] = 1
            listener(event)
            time.sleep(0.01)
        return live[-1]

    window = make_window(resumed_runner)
    resume_button = window.findChild(QPushButton, "resumeButton")
    qtbot.waitUntil(resume_button.isEnabled, timeout=10000)
    with qtbot.waitSignal(window.search_state_changed, timeout=20000,
                          check_params_cb=lambda state: state == "idle"):
        qtbot.mouseClick(resume_button, Qt.MouseButton.LeftButton)
    assert ended_before == {"0": "COMPLETED", "1": "CANCELLED"}
    assert trial_rows(window) == 3  # trial 0 replayed from the log, 1 (rerun) and 2 live
    assert window.training.trial_table.column_texts("Status")[0].lower() == "completed"


def test_worker_error_is_shown_as_a_dialog_and_the_window_recovers(qtbot, make_window, tiny_dataset):
    runner = FakeRunner(error=RuntimeError("the training process crashed"))
    window = make_window(runner)
    scan(qtbot, window, tiny_dataset)
    run_to_end(qtbot, window)
    assert window.final_event["status"] == "failed"
    assert len(window.dialogs.errors_shown) == 1
    title, text = window.dialogs.errors_shown[0]
    assert "the training process crashed" in text
    assert window.findChild(QPushButton, "startButton").isEnabled()


def test_failed_final_event_from_a_crashed_child_is_reported(qtbot, make_window, tiny_dataset):
    def crashed(config, listener, cancel=None, search_dir=None, resume=False):
        final = {"type": "search_finished", "time": 0.0, "status": "failed",
                 "error": "the training process was killed by SIGKILL (the system may have run out of memory)",
                 "best_trial_id": None, "best_score": None, "best_hyperparameters": {}, "trials": [],
                 "duration": 1.0, "search_dir": None}
        listener(final)
        return final

    window = make_window(crashed)
    scan(qtbot, window, tiny_dataset)
    run_to_end(qtbot, window)
    assert [t for t, _ in window.dialogs.errors_shown] == ["The search failed"]
    assert "SIGKILL" in window.dialogs.errors_shown[0][1]
    assert "No completed trial" in window.results.summary.headline()


def test_close_during_a_search_asks_then_stops_and_closes(qtbot, make_window, tiny_dataset):
    runner = FakeRunner(n_trials=2, epochs=2, hold_after_first_epoch=True)
    window = make_window(runner)
    scan(qtbot, window, tiny_dataset)
    qtbot.mouseClick(window.findChild(QPushButton, "startButton"), Qt.MouseButton.LeftButton)
    assert runner.holding.wait(10)
    window.dialogs.yes = False
    assert window.close() is False  # answered No: keeps running
    assert window.is_running and window.isVisible() and len(window.dialogs.questions) == 1
    window.dialogs.yes = True
    window.close()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=20000)
    assert not window.is_running and window.session.thread is None
    assert window.final_event["status"] == "cancelled"
    assert len(window.dialogs.questions) == 2
    from app.gui import settings

    assert settings.read("search/last_search_dir") == window.search_dir


def test_settings_restore_options_and_last_folder(qtbot, make_window, tiny_dataset):
    window = make_window()
    scan(qtbot, window, tiny_dataset)
    window.findChild(QSpinBox, "maxTrialsSpin").setValue(7)
    window.findChild(QSpinBox, "epochsSpin").setValue(3)
    window.options_panel.batch_size_edit.setText("8, 16")
    window.resize(900, 650)  # the offscreen screen is 800 px wide: Qt clamps restored widths to it
    window.close()
    again = make_window()
    assert again.findChild(QSpinBox, "maxTrialsSpin").value() == 7
    assert again.findChild(QSpinBox, "epochsSpin").value() == 3
    assert again.options_panel.batch_size_edit.text() == "8,16"  # written back in the one grammar of app.core.options.options
    assert again.height() == 650
    with qtbot.waitSignal(again.dataset_panel.scan_finished, timeout=20000):
        again.open_initial_dataset()
    assert again.dataset_panel.report.root == str(tiny_dataset.resolve())


def test_first_run_opens_the_bundled_sample(qtbot, make_window):
    window = make_window()
    with qtbot.waitSignal(window.dataset_panel.scan_finished, timeout=30000):
        window.open_initial_dataset()
    report = window.dataset_panel.report
    assert Path(report.root) == paths.sample_dataset_dir().resolve()
    assert len(report.usable_classes) == 5 and len(report.images) == 80


def test_export_writes_to_the_chosen_folder_and_shows_the_self_check(qtbot, make_window, tiny_dataset,
                                                                      tmp_path, monkeypatch):
    calls = []

    def fake_export(search_dir, out_dir, trial_id=None, formats=None, listener=None, cancel=None):
        calls.append((search_dir, Path(out_dir), trial_id, formats))
        listener({"type": "export_progress", "done": 1, "total": 3, "message": "Writing saved_model"})
        Path(out_dir, "saved_model").mkdir(parents=True)
        artifact = {"format": "saved_model", "path": "saved_model", "size_bytes": 2048, "val_accuracy": 0.5,
                    "agreement": 1.0, "max_prob_diff": 3e-7, "ms_per_image": 0.4, "passed": True,
                    "tolerance": {"min_agreement": 0.99, "max_prob_diff": 1e-3}}
        return {"type": "export_finished", "status": "completed", "error": "",
                "card": {"trial_id": "01", "path": str(out_dir), "artifacts": [artifact],
                         "self_check": {"passed": True, "failed": [], "max_abs_diff": 3e-7, "images": 6}}}

    monkeypatch.setitem(sys.modules, "app.core.export.export_process",
                        types.SimpleNamespace(run_export_in_subprocess=fake_export))
    window = make_window(FakeRunner(n_trials=2, epochs=1))
    scan(qtbot, window, tiny_dataset)
    run_to_end(qtbot, window)
    window.dialogs.folder = str(tmp_path / "exports")
    qtbot.mouseClick(window.findChild(QPushButton, "exportButton"), Qt.MouseButton.LeftButton)
    dialog = window.exporter.dialog
    dialog.format_boxes["onnx"].setChecked(False)
    with qtbot.waitSignal(window.export_finished, timeout=10000) as blocker:
        qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    assert "onnx" not in calls[0][3] and "saved_model" in calls[0][3]
    assert dialog.table.rowCount() == 1 and "passed" in dialog.table.item(0, 7).text()
    dialog.close()
    out_dir = Path(blocker.args[0]["out_dir"])
    assert out_dir.parent == tmp_path / "exports" and (out_dir / "saved_model").is_dir()
    assert calls[0][0] == window.search_dir
    export_label = window.results.export_label
    assert "self-check passed" in export_label.text() and str(out_dir) in export_label.text()
    # Cancelling the folder dialog exports nothing.
    window.dialogs.folder = ""
    qtbot.mouseClick(window.findChild(QPushButton, "exportButton"), Qt.MouseButton.LeftButton)
    assert len(calls) == 1
    # A selected (completed) trial is exported instead of the best, into a new folder.
    other = next(t for t, trial in window.model.state.trials.items()
                 if trial.status == "COMPLETED" and t != window.final_event["best_trial_id"])
    assert window.training.trial_table.select_trial(other)
    assert "selected trial" in window.results.export_button.text()
    window.dialogs.folder = str(tmp_path / "exports")
    qtbot.mouseClick(window.findChild(QPushButton, "exportButton"), Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(window.export_finished, timeout=10000) as blocker:
        qtbot.mouseClick(window.exporter.dialog.start_button, Qt.MouseButton.LeftButton)
    window.exporter.dialog.close()
    assert calls[-1][2] == other and Path(blocker.args[0]["out_dir"]).name.endswith(f"-trial-{other}")


def test_export_failure_is_reported_and_export_stays_possible(qtbot, make_window, tiny_dataset, tmp_path,
                                                             monkeypatch):
    def failing_export(search_dir, out_dir, trial_id=None, formats=None, listener=None, cancel=None):
        return {"type": "export_finished", "status": "failed", "card": None, "error": "No space left on device"}

    monkeypatch.setitem(sys.modules, "app.core.export.export_process",
                        types.SimpleNamespace(run_export_in_subprocess=failing_export))
    window = make_window(FakeRunner(n_trials=1, epochs=1))
    scan(qtbot, window, tiny_dataset)
    run_to_end(qtbot, window)
    window.dialogs.folder = str(tmp_path)
    qtbot.mouseClick(window.findChild(QPushButton, "exportButton"), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(window.exporter.dialog.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(window.dialogs.errors_shown), timeout=10000)
    assert window.dialogs.errors_shown[-1] == ("Export failed", "No space left on device")
    assert "Export failed" in window.results.export_label.text()
    assert window.findChild(QPushButton, "exportButton").isEnabled()


def test_quitting_the_application_stops_a_running_search(qtbot, make_window, tiny_dataset):
    runner = FakeRunner(n_trials=2, epochs=2, hold_after_first_epoch=True)
    window = make_window(runner)
    scan(qtbot, window, tiny_dataset)
    qtbot.mouseClick(window.findChild(QPushButton, "startButton"), Qt.MouseButton.LeftButton)
    assert runner.holding.wait(10)
    thread = window.session.thread
    window.session.wait_stopped()  # what QApplication.aboutToQuit triggers
    assert thread.isFinished()  # waited for: no QThread is destroyed while running


def test_device_is_queried_lazily_and_mixed_precision_follows_the_gpu(qtbot, make_window):
    calls = []

    def gpu_probe():
        calls.append(1)
        return {"device": "GPU 0: Test RTX", "gpus": ["GPU 0: Test RTX"], "mixed_precision_available": True}

    window = make_window(probe=gpu_probe)
    qtbot.wait(200)
    assert calls == [] and "shown when training starts" in window.chrome.device_label.text()
    mixed = window.options_panel.mixed_precision_check
    assert not mixed.isEnabled()
    window.options_panel.tabs.setCurrentIndex(window.options_panel.search_tab_index)
    qtbot.waitUntil(lambda: "GPU 0: Test RTX" in window.chrome.device_label.text(), timeout=5000)
    assert mixed.isEnabled()
    window.options_panel.tabs.setCurrentIndex(0)
    window.options_panel.tabs.setCurrentIndex(window.options_panel.search_tab_index)
    assert calls == [1]  # asked once


@pytest.mark.slow
def test_device_probe_runs_in_a_child_process():
    from app.gui.dialogs.about import probe_devices_in_child

    had_tensorflow = "tensorflow" in sys.modules
    info = probe_devices_in_child()
    assert info["device"].startswith(("CPU", "GPU")) and isinstance(info["gpus"], list)
    assert isinstance(info["mixed_precision_available"], bool)
    assert ("tensorflow" in sys.modules) == had_tensorflow  # TensorFlow stayed in the child


def test_about_box_lists_versions_without_importing_tensorflow(make_window):
    from app.gui.dialogs.questions import Dialogs

    window = make_window()
    window.dialogs = Dialogs(window)  # the real ones: the box must not be modal
    box = window.show_about()
    text = box.text()
    for name in ("TensorFlow", "Keras", "Keras Tuner", "Qt"):
        assert name in text
    assert not box.isModal()
    box.close()


# --------------------------------------------------------------------------- the real thing


@pytest.mark.slow
def test_real_search_end_to_end_with_export(qtbot, make_window, tiny_dataset, tmp_path):
    """Real runner in a child process: 3 classes x 6 photos, 2 MLP trials of 1 epoch, then export."""
    window = make_window(real_devices=True)  # the real runner and device query
    scan(qtbot, window, tiny_dataset)
    options = window.options_panel
    options.architecture_combo.setCurrentIndex(options.architecture_combo.findData("mlp"))
    set_small_search(window, trials=2, epochs=1)
    options.image_size_spin.setValue(16)
    options.width_edit.setText("16")
    options.dense_units_edit.setText("16")
    options.batch_size_edit.setText("8")
    options.augmentation_combo.setCurrentIndex(2)  # never: keeps the tiny run fast
    final = run_to_end(qtbot, window, timeout=300000)
    assert final["status"] == "completed", final.get("error")
    val_count = json.loads((Path(window.search_dir) / "search.json").read_text())
    val_size = len(val_count["splits"]["val"])
    curves = window.findChild(QWidget, "curvesPlot")
    assert len(curves.curve_data("val_accuracy")[0]) >= 1
    confusion = window.findChild(QWidget, "confusionView")
    assert sum(map(sum, confusion.matrix())) == val_size
    assert trial_rows(window) == len(final["trials"]) == 2
    window.dialogs.folder = str(tmp_path / "exports")
    qtbot.mouseClick(window.findChild(QPushButton, "exportButton"), Qt.MouseButton.LeftButton)
    for fmt in ("tflite", "tflite-fp16", "tflite-int8", "onnx"):  # the format tests cover these
        window.exporter.dialog.format_boxes[fmt].setChecked(False)
    with qtbot.waitSignal(window.export_finished, timeout=300000) as blocker:
        qtbot.mouseClick(window.exporter.dialog.start_button, Qt.MouseButton.LeftButton)
    window.exporter.dialog.close()
    out_dir = Path(blocker.args[0]["out_dir"])
    assert (out_dir / "saved_model" / "saved_model.pb").is_file()
    assert blocker.args[0]["card"]["self_check"]["passed"] is True


@pytest.mark.slow
def test_real_search_stop_resume_and_close(qtbot, make_window, tiny_dataset):
    """Real runner: stop during trial 1, resume the same search to the end, then close mid-search."""
    window = make_window(real_devices=True)
    scan(qtbot, window, tiny_dataset)
    options = window.options_panel
    options.architecture_combo.setCurrentIndex(options.architecture_combo.findData("mlp"))
    set_small_search(window, trials=2, epochs=2)
    options.image_size_spin.setValue(16)
    options.width_edit.setText("16")
    options.dense_units_edit.setText("16")
    options.batch_size_edit.setText("4")
    options.augmentation_combo.setCurrentIndex(2)
    options.early_stopping_check.setChecked(False)
    seen = []
    qtbot.mouseClick(window.findChild(QPushButton, "startButton"), Qt.MouseButton.LeftButton)
    window.model.batch_ended.connect(lambda e: seen.append(e["type"]))
    qtbot.waitUntil(lambda: "batch_ended" in seen, timeout=180000)
    with qtbot.waitSignal(window.search_state_changed, timeout=120000,
                          check_params_cb=lambda state: state == "idle"):
        qtbot.mouseClick(window.findChild(QPushButton, "stopButton"), Qt.MouseButton.LeftButton)
    assert window.final_event["status"] == "cancelled", window.final_event
    stopped_dir = window.search_dir
    with qtbot.waitSignal(window.search_state_changed, timeout=300000,
                          check_params_cb=lambda state: state == "idle"):
        qtbot.mouseClick(window.findChild(QPushButton, "resumeButton"), Qt.MouseButton.LeftButton)
    final = window.final_event
    assert final["status"] == "completed", final.get("error")
    assert window.search_dir == stopped_dir
    assert sum(1 for t in final["trials"] if str(t.get("status")).upper() == "COMPLETED") == 2
    # A new search, closed while it trains: asks, stops the child, then the window closes.
    seen.clear()
    qtbot.mouseClick(window.findChild(QPushButton, "startButton"), Qt.MouseButton.LeftButton)
    window.model.trial_started.connect(lambda e: seen.append(e["type"]))
    qtbot.waitUntil(lambda: "trial_started" in seen, timeout=180000)
    window.close()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=120000)
    assert window.dialogs.questions and not window.is_running and window.final_event["status"] == "cancelled"


# --------------------------------------------------------------------------- screenshots


@pytest.mark.skipif(not os.environ.get("TUNESTUDIO_SCREENSHOTS"), reason="set TUNESTUDIO_SCREENSHOTS=<folder>")
def test_screenshots(qtbot, make_window):
    """Save the window empty, after a scan, during and after a (fake) search, for a person to look at."""
    out = Path(os.environ["TUNESTUDIO_SCREENSHOTS"])
    out.mkdir(parents=True, exist_ok=True)
    tag = os.environ.get("TUNESTUDIO_SCREENSHOT_TAG", "")
    runner = FakeRunner(n_trials=8, epochs=6, failed_trials=(3,), hold_after_first_epoch=True,
                        hold_after_epochs=21, val_per_class=8, steps=20, time_budget=600.0)
    window = make_window(runner)
    window.resize(1280, 800)

    def save(name):
        qtbot.wait(300)
        window.training.curves_panel.flush()
        window.grab().save(str(out / f"{name}{tag}.png"))

    save("01-empty")
    with qtbot.waitSignal(window.dataset_panel.scan_finished, timeout=30000):
        window.open_initial_dataset()
    qtbot.waitUntil(lambda: window.dataset_panel.loaded_thumbnail_count() >= 35, timeout=20000)
    save("02-dataset")
    options = window.options_panel
    options.tabs.setCurrentIndex(1)
    options.request_preview()
    qtbot.waitUntil(lambda: options.preview_button.isEnabled(), timeout=120000)
    save("03-options-augmentation")
    options.width_edit.setText("32, wide")
    window.start_search()
    save("04-invalid-option")
    options.width_edit.setText("32, 64")
    options.tabs.setCurrentIndex(3)
    window.findChild(QSpinBox, "maxTrialsSpin").setValue(8)
    window.findChild(QSpinBox, "epochsSpin").setValue(6)
    qtbot.mouseClick(window.findChild(QPushButton, "startButton"), Qt.MouseButton.LeftButton)
    assert runner.holding.wait(20)
    qtbot.wait(500)
    window._refresh_status()
    assert " of 10:00" in window.chrome.status_label.text() and "left" in window.chrome.status_label.text()
    save("05-training")
    with qtbot.waitSignal(window.search_state_changed, timeout=20000,
                          check_params_cb=lambda state: state == "idle"):
        window.stop_search()
    # Then a whole search, without the pause, for the finished views.
    runner.hold = False
    run_to_end(qtbot, window)
    save("07-results")
    window.chrome.view_tabs.setCurrentIndex(window.training_tab_index)
    save("06-training-finished")
    window.chrome.view_tabs.setCurrentIndex(window.history_tab_index)
    history = window.history_view
    history.select_searches([Path(window.search_dir).name])
    history.open_selected()
    save("08-history")
    window.chrome.view_tabs.setCurrentIndex(window.chrome.dataset_tab_index)
    options.tabs.setCurrentIndex(options.search_tab_index)
    save("09-options-search")


def test_history_rerun_loads_options_and_folder_and_resume_continues_that_search(qtbot, make_window, tiny_dataset):
    runner = FakeRunner(n_trials=1, epochs=1)
    window = make_window(runner)
    config = SearchConfig(data_dir=str(tiny_dataset), architecture="vgg", max_trials=7, epochs=4, image_size=48)
    with qtbot.waitSignal(window.dataset_panel.scan_finished, timeout=20000):
        window.history_view.rerunRequested.emit(config.to_dict())
    assert window.findChild(QSpinBox, "maxTrialsSpin").value() == 7
    assert window.findChild(QSpinBox, "imageSizeSpin").value() == 48
    assert window.findChild(QLineEdit, "datasetPathEdit").text() == str(tiny_dataset)
    assert window.dataset_panel.report is not None

    search_dir = paths.searches_dir() / "earlier"
    search_dir.mkdir()
    (search_dir / "search.json").write_text(json.dumps({"search_id": "earlier", "config": config.to_dict(),
                                                        "status": "cancelled"}))
    with qtbot.waitSignal(window.search_state_changed, timeout=20000,
                          check_params_cb=lambda state: state == "idle"):
        window.history_view.resumeRequested.emit(str(search_dir))
    assert runner.calls[-1]["resume"] is True
    assert Path(runner.calls[-1]["search_dir"]) == search_dir


def test_error_dialogs_never_block_and_are_listed(qtbot):
    from app.gui.dialogs.questions import Dialogs

    parent = QWidget()
    qtbot.addWidget(parent)
    dialogs = Dialogs(parent)
    box = dialogs.error("Export failed", "No space left on device", details="Traceback ...")
    assert not box.isModal() and box.isVisible() and box.detailedText() == "Traceback ..."
    assert dialogs.errors_shown == [("Export failed", "No space left on device")]


def test_a_setting_written_without_an_event_loop_reaches_the_next_process(tmp_path):
    # Writes are not synced one by one (app.gui.settings keeps one QSettings per file); one that
    # is never followed by an event-loop turn or a quit must still be on disk for the next start.
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(REPO), TUNESTUDIO_HOME=str(tmp_path))
    write = "from app.gui import settings\nsettings.write('dataset/last_folder', '/photos/cats')\n"
    read = "from app.gui import settings\nprint(settings.read('dataset/last_folder'))\n"
    subprocess.run([sys.executable, "-c", write], env=env, check=True, timeout=60, cwd=REPO)
    out = subprocess.run([sys.executable, "-c", read], env=env, capture_output=True, text=True, timeout=60,
                         cwd=REPO)
    assert out.stdout.strip() == "/photos/cats", out.stderr
