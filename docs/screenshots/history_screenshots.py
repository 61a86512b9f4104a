"""Screenshots of the History view with realistic (generated) searches: python docs/screenshots/history_screenshots.py"""
import os, sys, tempfile
from pathlib import Path
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
home = Path(tempfile.mkdtemp()) / "home"
os.environ["TUNESTUDIO_HOME"] = str(home)
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT)); sys.path.insert(0, str(ROOT / "tests"))
from PySide6.QtWidgets import QApplication
app = QApplication([])
from app.core.util import paths
from app.core.history.history import HistoryStore
from app.gui.history.history_view import HistoryView
from fake_events import fake_search_events

store = HistoryStore()
specs = [
    ("20261118-091502-flowers-baseline", "flowers baseline", "/home/ana/photos/flowers", 1_794_992_102, dict(n_trials=8, epochs=8, seed=1)),
    ("20261119-140233-flowers-wider", "flowers wider", "/home/ana/photos/flowers", 1_795_096_953, dict(n_trials=10, epochs=10, seed=2, failed_trials=[4])),
    ("20261120-101010-cifar-mlp", "cifar mlp", "/home/ana/data/cifar10-mini", 1_795_169_410, dict(n_trials=6, epochs=6, seed=3, classes=["airplane","automobile","bird","cat","deer","dog","frog","horse","ship","truck"])),
    ("20261121-183000-pets", "pets quick", "/home/ana/photos/pets", 1_795_285_800, dict(n_trials=4, epochs=5, seed=4, classes=["cat","dog"], cancel_during_trial=3)),
    ("20261122-080512-flowers-lr", "flowers lr sweep", "/home/ana/photos/flowers", 1_795_334_712, dict(n_trials=12, epochs=8, seed=5)),
]
for sid, name, data_dir, start, kw in specs:
    sdir = paths.searches_dir() / sid
    for ev in fake_search_events(search_id=sid, start_time=start, **kw):
        if ev["type"] == "search_started":
            ev["search_dir"] = str(sdir); ev["config"] = dict(ev["config"], name=name, data_dir=data_dir)
            ev["device"] = "CPU: AMD EPYC 7B13"
            for t in range(kw["n_trials"]):
                f = sdir / "tuner" / f"trial_{t:0{len(str(kw['n_trials']-1))}d}"; f.mkdir(parents=True, exist_ok=True)
                with open(f / "checkpoint.weights.h5", "wb") as fh: fh.truncate(1_200_000 + 97_000 * t)
            (sdir / "tensorboard").mkdir(exist_ok=True)
        if ev["type"] == "search_finished":
            ev["search_dir"] = str(sdir)
        store.record(ev)
store.annotate_search("20261119-140233-flowers-wider", "wider convs help; trial 4 ran out of memory")
store.prune_checkpoints("20261118-091502-flowers-baseline", keep_best=3)
from app.gui.paint import theme
view = HistoryView(store=store)
view.resize(1400, 900)
view.show()
view.select_searches(["20261122-080512-flowers-lr"])
view.open_selected()
for _ in range(5): app.processEvents()
out = ROOT / "docs" / "screenshots"; out.mkdir(parents=True, exist_ok=True)
view.grab().save(str(out / "history_view.png"))
view.select_searches(["20261122-080512-flowers-lr", "20261119-140233-flowers-wider"])
view.open_selected()
keys = [("20261122-080512-flowers-lr", "00"), ("20261122-080512-flowers-lr", "06"), ("20261119-140233-flowers-wider", "6"), ("20261119-140233-flowers-wider", "1")]
view.compare_trials(keys)
for _ in range(5): app.processEvents()
view.grab().save(str(out / "history_compare.png"))
view.tabs.setCurrentIndex(2)
for _ in range(5): app.processEvents()
view.grab().save(str(out / "history_scatter.png"))
print("ok", keys)
