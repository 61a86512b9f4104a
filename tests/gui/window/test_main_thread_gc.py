"""app/gui/window/main_thread_gc.py: cyclic garbage holding widgets is collected on the GUI thread only."""
from __future__ import annotations

import gc
import os
import subprocess
import sys

from conftest import REPO_ROOT

# Widgets caught in reference cycles, freed only by the collector, while another thread allocates
# (as the search worker's thread does). With automatic collection this process died (SIGSEGV) or
# deadlocked in 3 runs of 3 (the collection ran on the allocating thread and deleted widgets there).
STRESS = """
import os, sys, threading, time
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget
from app.gui.window.app import create_application

app = create_application([])
sys.setswitchinterval(0.0005)  # hand the GIL over often: each widget's Qt calls wait for it
stop = False

def allocate():
    while not stop:
        garbage = [[] for _ in range(1000)]

threading.Thread(target=allocate, daemon=True).start()

class Panel(QWidget):
    def __init__(self):
        super().__init__()
        layout = QVBoxLayout(self)
        self.label = QLabel("text", self)
        self.button = QPushButton("button", self)
        layout.addWidget(self.label)
        layout.addWidget(self.button)
        self.button.clicked.connect(self.on_click)
        self.me = self  # a cycle: only the collector frees it

    def on_click(self):
        pass

made = 0
while made < 300:
    panel = Panel()
    panel.show()
    panel.label.setText(str(made))
    app.processEvents()
    del panel
    made += 1
stop = True
print("made", made)
"""


def test_widget_cycles_freed_beside_an_allocating_thread_do_not_crash_the_window_process(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", TUNESTUDIO_HOME=str(tmp_path))
    result = subprocess.run([sys.executable, "-c", STRESS], cwd=REPO_ROOT, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, f"exit {result.returncode}: {result.stderr[-2000:]}"
    assert result.stdout.split() == ["made", "300"]  # it made (and freed) every cyclic widget


def test_collect_due_collects_only_the_generations_past_their_thresholds(qapp):
    from app.gui.window import main_thread_gc

    main_thread_gc.install(qapp)
    assert not gc.isenabled()  # the window's process never collects on its own
    gc.collect()
    assert main_thread_gc.collect_due() == 0  # nothing is due right after a full collection

    class Cycle:
        def __init__(self):
            self.me = self

    for _ in range(gc.get_threshold()[0] + 10):
        Cycle()
    assert main_thread_gc.collect_due() >= gc.get_threshold()[0]  # generation 0 was due: the cycles are gone
