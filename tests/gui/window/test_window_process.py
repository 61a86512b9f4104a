"""The window's process never imports TensorFlow: scanning, the augmentation preview and a real
search all keep it in child processes. Run in a fresh interpreter, since other tests import it."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]

SCRIPT = textwrap.dedent("""
    import json, sys
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv)
    from app.core.options.config import Augmentation, SearchConfig
    from app.gui.window.main_window import MainWindow

    def wait(until, seconds):
        loop = QEventLoop()
        QTimer.singleShot(int(seconds * 1000), loop.quit)
        poll = QTimer()
        poll.timeout.connect(lambda: until() and loop.quit())
        poll.start(50)
        loop.exec()
        return until()

    report = {}
    window = MainWindow(device_probe=lambda: {"device": "CPU", "gpus": [], "mixed_precision_available": False})
    window.show()
    window.dataset_panel.set_folder(sys.argv[1])
    report["scanned"] = wait(lambda: window.dataset_panel.report is not None, 60)
    report["after_scan"] = "tensorflow" in sys.modules
    options = window.options_panel
    options.request_preview()
    report["previewed"] = wait(lambda: len(options.preview_images) > 0, 240)
    report["preview_size"] = list(options.preview_images[0].shape) if options.preview_images else None
    report["after_preview"] = "tensorflow" in sys.modules
    options.set_config(SearchConfig(data_dir=sys.argv[1], architecture="mlp", max_trials=1, epochs=1,
                                    image_size=16, width=16, batch_size=8, augmentation=Augmentation(enabled=False)))
    report["started"] = window.start_search()
    report["finished"] = wait(lambda: not window.is_running, 300)
    report["status"] = (window.final_event or {}).get("status")
    report["error"] = (window.final_event or {}).get("error")
    report["after_search"] = "tensorflow" in sys.modules
    print("REPORT " + json.dumps(report), flush=True)
    window.close()
""")


@pytest.mark.slow
def test_tensorflow_stays_out_of_the_window_process(tiny_dataset, tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", TUNESTUDIO_HOME=str(tmp_path / "home"),
               PYTHONPATH=str(REPO))
    proc = subprocess.run([sys.executable, "-c", SCRIPT, str(tiny_dataset)], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=600)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("REPORT ")]
    assert lines, proc.stderr[-3000:]
    report = json.loads(lines[-1][len("REPORT "):])
    assert report["scanned"] and report["previewed"] and report["started"] and report["finished"], report
    assert report["preview_size"][2] == 3  # real augmented RGB images came back from the child
    assert report["status"] == "completed", report["error"]
    assert report["after_scan"] is False
    assert report["after_preview"] is False
    assert report["after_search"] is False
