"""Export in a child process (progress, cancel, the window), and trials that retrain to the same weights."""
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from app.core.search import events as ev
from app.core.export.export_process import run_export_in_subprocess

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def search_dir(tiny_search_dir):
    return tiny_search_dir


def test_a_child_export_that_ignores_cancel_is_killed_and_leaves_nothing(search_dir, tmp_path):
    """The export checks the cancel flag between steps (tested in test_export_formats); a child busy
    in a converter (here: still importing TensorFlow) is killed, and its staging folder removed."""
    cancel = threading.Event()
    cancel.set()
    exports = tmp_path / "exports"
    exports.mkdir()
    (exports / ".out.export-leftover").mkdir()  # what a killed child leaves behind
    final = run_export_in_subprocess(search_dir, exports / "out", formats=["keras"], cancel=cancel, kill_after=0.2)
    assert final["status"] == ev.CANCELLED and "nothing was written" in final["error"]
    assert list(exports.iterdir()) == []


def test_child_export_errors_come_back_as_a_message(search_dir, tmp_path):
    busy = tmp_path / "exports" / "busy"
    busy.mkdir(parents=True)
    (busy / "keep.txt").write_text("mine")
    final = run_export_in_subprocess(search_dir, busy, formats=["keras"])
    assert final["status"] == ev.FAILED and "not empty" in final["error"]
    assert [p.name for p in busy.parent.iterdir()] == ["busy"] and (busy / "keep.txt").read_text() == "mine"


WINDOW_SCRIPT = r'''
import json, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
app = QApplication([])
from app.gui import MainWindow
window = MainWindow()
window.show()
window.session.search_dir = sys.argv[1]  # a finished search, as after "Open search"
window.dialogs.choose_folder = lambda *args, **kwargs: sys.argv[2]
window.export_model()
dialog = window.exporter.dialog
for fmt, box in dialog.format_boxes.items():
    box.setChecked(fmt in ("keras", "tflite-int8"))
results, steps = [], []
dialog._progress.connect(lambda event: steps.append(event))
window.export_finished.connect(lambda result: (results.append(result), app.quit()))
QTimer.singleShot(0, dialog.start_button.click)
QTimer.singleShot(280000, app.quit)
app.exec()
dialog.grab().save(sys.argv[3])
print(json.dumps({"tensorflow": "tensorflow" in sys.modules, "keras": "keras" in sys.modules,
                  "result": results[0] if results else None, "rows": dialog.table.rowCount(), "steps": steps,
                  "bar": [dialog.progress_bar.value(), dialog.progress_bar.maximum()],
                  "checks": [dialog.table.item(r, 7).text() for r in range(dialog.table.rowCount())],
                  "label": window.results.export_label.text()}))
'''


def test_window_exports_without_loading_tensorflow(search_dir, tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(REPO), TF_CPP_MIN_LOG_LEVEL="3")
    done = subprocess.run([sys.executable, "-c", WINDOW_SCRIPT, search_dir, str(tmp_path / "exports"),
                           str(tmp_path / "dialog.png")], capture_output=True, text=True, env=env, cwd=REPO,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["tensorflow"] is False and out["keras"] is False
    result = out["result"]
    assert result["card"]["artifacts"] and Path(result["out_dir"], "model_int8.tflite").is_file()
    assert out["rows"] == 2 and all("passed" in text for text in out["checks"])
    steps = out["steps"]  # the child's progress reached the dialog, in order
    assert [e["done"] for e in steps] == list(range(len(steps))) and steps[-1]["total"] == len(steps)
    assert out["bar"] == [1, 1]
    assert "self-check passed" in out["label"]


RETRAIN_SCRIPT = r'''
import json, sys
from pathlib import Path
import numpy as np
from app.core.search import events as ev
from app.core.options.config import SearchConfig
from app.core.export.export import load_trial_model
from app.core.export.reproduce import trial_config
from app.core.search.runner import load_search_info, run_search
sys.path.insert(0, sys.argv[2])
from export_data import make_dataset, tiny_config

root = Path(sys.argv[1])
data = make_dataset(root / "data", per_class=10)
config = tiny_config(data, max_trials=2, epochs=2, width={"choices": [8, 16]}, dropout=0.2, deterministic=True,
                     test_fraction=0.0)
first = run_search(config, ev.EventLog(), search_dir=root / "a")
trial = json.loads((root / "a" / "tuner" / "trial_1" / "trial.json").read_text())
again = trial_config(SearchConfig.from_dict(load_search_info(root / "a")["config"]), trial["hyperparameters"]["values"])
second = run_search(again, ev.EventLog(), search_dir=root / "b")
original = load_trial_model(root / "a", "1")[0].get_weights()
other = load_trial_model(root / "a", "0")[0].get_weights()
retrained = load_trial_model(root / "b", "0")[0].get_weights()
print(json.dumps({"status": [first["status"], second["status"]],
                  "same": len(original) == len(retrained) and all(np.array_equal(x, y) for x, y in zip(original, retrained)),
                  "differs_from_other_trial": any(x.shape != y.shape or not np.array_equal(x, y)
                                                  for x, y in zip(other, original))}))
'''


def test_a_trial_retrained_from_its_bundle_config_has_the_same_weights(tmp_path):
    """Deterministic ops + per-trial seeding: trial 1 of a search, retrained alone from the bundle's
    trial config, gets bit-identical weights on the CPU. In a child Python: op determinism is
    process-wide and must not leak into the other tests."""
    env = dict(os.environ, PYTHONPATH=str(REPO), TF_CPP_MIN_LOG_LEVEL="3", TUNESTUDIO_HOME=str(tmp_path / "home"))
    done = subprocess.run([sys.executable, "-c", RETRAIN_SCRIPT, str(tmp_path), str(REPO / "tests")],
                          capture_output=True, text=True, env=env, cwd=tmp_path, timeout=400)
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out == {"status": ["completed", "completed"], "same": True, "differs_from_other_trial": True}
