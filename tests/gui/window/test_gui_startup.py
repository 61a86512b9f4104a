"""The fast start-up path (``run_app``): the window shows first, the pyqtgraph-based tabs follow."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QWidget

from scripted_dialogs import ScriptedDialogs
from window_fakes import FakeRunner, fake_device_probe, stop_and_close

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture
def deferred_window(qtbot):
    """A MainWindow built with ``defer_heavy_tabs=True``; stops any search and deletes it at the end."""
    from app.gui.window.main_window import MainWindow

    windows = []

    def make(runner=None):
        window = MainWindow(runner=runner, device_probe=fake_device_probe, defer_heavy_tabs=True)
        window.dialogs = ScriptedDialogs()
        window.show()
        windows.append(window)
        return window

    yield make
    stop_and_close(qtbot, windows)


def scan(qtbot, window, folder) -> None:
    with qtbot.waitSignal(window.dataset_panel.scan_finished, timeout=20000):
        edit = window.findChild(QLineEdit, "datasetPathEdit")
        edit.setText(str(folder))
        qtbot.keyClick(edit, Qt.Key.Key_Return)


def test_heavy_tabs_are_built_after_the_first_paint_and_keep_a_scan_made_before(qtbot, deferred_window,
                                                                                   tiny_dataset):
    window = deferred_window()
    assert window.findChild(QWidget, "curvesPlot") is None  # not built yet
    assert window.chrome.view_tabs.count() == 4  # but every tab is there from the start
    scan(qtbot, window, tiny_dataset)  # the scan lands in the chart's placeholder
    assert window.dataset_panel.balance_chart.bar_heights() == [6.0, 6.0, 6.0]

    window.build_deferred_tabs_after_paint()
    qtbot.waitUntil(lambda: window.findChild(QWidget, "curvesPlot") is not None, timeout=10000)
    from app.gui.training.curves_panel import CurvesPanel
    from app.gui.dataset.class_balance_chart import balance_chart_class

    assert isinstance(window.training.curves_panel, CurvesPanel)
    for name in ("bestCurvesPlot", "confusionView", "bestConfusionView", "trialTable", "bestTrialSummary",
                 "resultsExportButton", "noticeLabel"):
        assert window.findChild(QWidget, name) is not None, name
    assert window.history_view.parent() is not None
    chart = window.dataset_panel.balance_chart
    assert isinstance(chart, balance_chart_class())  # the real pyqtgraph chart now, with the counts
    assert chart.bar_heights() == [6.0, 6.0, 6.0]
    assert not window.results.export_button.isEnabled()  # nothing to export yet
    window.build_deferred_tabs()  # a second call changes nothing
    assert window.findChildren(QWidget, "curvesPlot") == [window.training.curves_panel]


def test_opening_a_tab_before_the_build_builds_it(qtbot, deferred_window):
    window = deferred_window()
    window.chrome.view_tabs.setCurrentIndex(window.results_tab_index)
    assert window.findChild(QWidget, "bestTrialSummary") is not None
    assert window.findChild(QWidget, "curvesPlot") is not None


def test_search_started_before_the_build_runs_and_shows_its_results(qtbot, deferred_window, tiny_dataset):
    runner = FakeRunner(n_trials=2, epochs=2)
    window = deferred_window(runner)
    scan(qtbot, window, tiny_dataset)
    window.findChild(QWidget, "maxTrialsSpin").setValue(2)
    assert window.start_search() is True  # the live panels it needs are built on the spot
    qtbot.waitUntil(lambda: not window.is_running, timeout=30000)
    assert window.final_event["status"] == "completed"
    assert window.training.trial_table.row_count() == 2
    assert "best is trial" in window.results.summary.subtitle()
    assert window.results.export_button.isEnabled()
    qtbot.waitUntil(lambda: window.chrome.view_tabs.currentIndex() == window.results_tab_index, timeout=3000)


def test_run_app_path_paints_the_frame_before_importing_the_main_window_pyqtgraph_or_tensorflow(tmp_path):
    script = textwrap.dedent("""
        import json, sys
        from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer
        from app.gui.window import app as gui_app

        app = gui_app.create_application(sys.argv)
        window = gui_app.show_main_window()
        report = {"main_window_at_show": "app.gui.window.main_window" in sys.modules}

        class PaintSpy(QObject):
            def eventFilter(self, obj, event):
                if event.type() == QEvent.Type.Paint and "painted" not in report:
                    report["painted"] = True
                    report["main_window_at_paint"] = "app.gui.window.main_window" in sys.modules
                    report["pyqtgraph_at_paint"] = "pyqtgraph" in sys.modules
                    report["tensorflow_at_paint"] = "tensorflow" in sys.modules
                return False

        spy = PaintSpy()
        window.installEventFilter(spy)

        def built():
            if window.findChild(QObject, "curvesPlot") is None:
                QTimer.singleShot(20, built)
                return
            report["built"] = True
            report["history"] = window.main_window().history_view is not None
            report["nested"] = window.main_window().window() is window
            report["pyqtgraph_after_build"] = "pyqtgraph" in sys.modules
            report["tensorflow_after_build"] = "tensorflow" in sys.modules
            print("REPORT " + json.dumps(report), flush=True)
            app.quit()

        QTimer.singleShot(0, built)
        QTimer.singleShot(60000, app.quit)
        app.exec()
    """)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", TUNESTUDIO_HOME=str(tmp_path / "home"))
    proc = subprocess.run([sys.executable, "-c", script], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=120)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("REPORT ")]
    assert lines, proc.stderr[-2000:]
    report = json.loads(lines[-1][len("REPORT "):])
    assert report["painted"] is True
    assert report["main_window_at_show"] is False and report["main_window_at_paint"] is False
    assert report["nested"] is True
    assert report["pyqtgraph_at_paint"] is False
    assert report["tensorflow_at_paint"] is False
    assert report["built"] and report["history"] and report["pyqtgraph_after_build"]
    assert report["tensorflow_after_build"] is False


def test_curves_panel_redraws_batch_progress_at_most_once_a_second_but_epochs_promptly(qtbot):
    from fake_events import fake_search_events

    from app.gui.training import curves_panel
    from app.gui.training.curves_panel import CurvesPanel

    panel = CurvesPanel()
    qtbot.addWidget(panel)
    events = fake_search_events(n_trials=1, epochs=2, steps=4)
    first_epoch = next(i for i, e in enumerate(events) if e["type"] == "epoch_ended")
    for event in events[:first_epoch]:
        panel.handle_event(event)
    panel.flush()
    batch = next(e for e in events[first_epoch:] if e["type"] == "batch_ended")
    panel.handle_event(batch)
    timer = panel._redraw_timer
    assert panel.redraw_pending() and timer.isActive()
    assert timer.interval() == curves_panel.BATCH_REDRAW_INTERVAL_MS  # a batch alone waits ~1 s
    assert timer.remainingTime() > 2 * curves_panel.REDRAW_INTERVAL_MS
    panel.handle_event(events[first_epoch])  # an epoch brings the redraw forward
    assert timer.isActive() and timer.interval() <= curves_panel.REDRAW_INTERVAL_MS
    qtbot.waitUntil(lambda: not panel.redraw_pending(), timeout=5000)
    assert len(panel.curve_data("val_accuracy")[0]) == 1


@pytest.fixture
def frame(qtbot):
    """The app frame with a main window that uses the fake runner; closed at the end."""
    from app.gui.window.app_frame import AppFrame
    from app.gui.window.main_window import MainWindow

    made = []

    def make_main():
        main = MainWindow(runner=FakeRunner(n_trials=1, epochs=3, hold_after_first_epoch=True), device_probe=fake_device_probe,
                          defer_heavy_tabs=True)
        main.dialogs = ScriptedDialogs()
        made.append(main)
        return main

    shell = AppFrame(make_main=make_main)
    qtbot.addWidget(shell)
    shell.show_and_build()
    yield shell
    stop_and_close(qtbot, made)


def test_the_frame_is_painted_first_then_holds_the_main_window(qtbot, frame):
    assert not frame.built  # shown with its placeholder
    qtbot.waitUntil(lambda: frame.built, timeout=10000)  # built just after the first paint
    main = frame.main_window()
    assert main.window() is frame and main.parent() is not None
    assert frame.findChild(QWidget, "viewTabs") is main.chrome.view_tabs
    main.setWindowTitle("flowers – TuneStudio")  # as a scan sets it
    assert frame.windowTitle() == "flowers – TuneStudio"


def test_quit_closes_the_frame_and_saves_its_geometry(qtbot, frame):
    from app.gui import settings

    main = frame.main_window()
    frame.resize(640, 470)
    main.chrome.quit_action.trigger()
    assert not frame.isVisible()
    from PySide6.QtWidgets import QMainWindow

    probe = QMainWindow()
    qtbot.addWidget(probe)
    assert probe.restoreGeometry(settings.read("window/geometry"))
    assert (probe.width(), probe.height()) == (640, 470)  # the top-level frame's size


def test_closing_the_frame_during_a_search_asks_and_closes_once_stopped(qtbot, frame, tiny_dataset):
    main = frame.main_window()
    scan(qtbot, main, tiny_dataset)
    assert main.start_search() is True
    qtbot.waitUntil(lambda: main.model.state.trial_number, timeout=20000)
    main.dialogs.yes = False  # "Stop the search?" No: nothing closes
    frame.close()
    assert frame.isVisible() and main.is_running
    main.dialogs.yes = True
    frame.close()
    qtbot.waitUntil(lambda: not frame.isVisible(), timeout=20000)  # after the worker wound down
    assert not main.is_running
