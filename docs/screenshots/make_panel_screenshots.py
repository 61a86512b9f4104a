"""Render the live-run panels with realistic fake events to docs/screenshots/panel_*.png.

Run:  QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshots/make_panel_screenshots.py
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from PySide6.QtCore import QCoreApplication, QEvent  # noqa: E402
from PySide6.QtGui import QColor, QPalette  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from fake_events import fake_search_events  # noqa: E402

CIFAR = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]


def dark_palette() -> QPalette:
    palette = QPalette()
    for role, color in ((QPalette.ColorRole.Window, "#2b2b2b"), (QPalette.ColorRole.WindowText, "#e6e6e6"),
                        (QPalette.ColorRole.Base, "#1e1e1e"), (QPalette.ColorRole.AlternateBase, "#262626"),
                        (QPalette.ColorRole.Text, "#e6e6e6"), (QPalette.ColorRole.Button, "#333333"),
                        (QPalette.ColorRole.ButtonText, "#e6e6e6"), (QPalette.ColorRole.Highlight, "#3d6fb4"),
                        (QPalette.ColorRole.HighlightedText, "#ffffff")):
        palette.setColor(role, QColor(color))
    return palette


def shoot(widget, name: str, width: int, height: int, app: QApplication) -> None:
    widget.resize(width, height)
    widget.show()
    for _ in range(3):
        app.processEvents()
    flush = getattr(widget, "flush", None)
    if flush:
        flush()
    app.processEvents()
    path = HERE / f"panel_{name}.png"
    widget.grab().save(str(path))
    print(path)
    widget.close()
    widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def main() -> int:
    app = QApplication.instance() or QApplication([])
    app.setStyle("Fusion")
    from app.gui.training.confusion_view import ConfusionView
    from app.gui.training.curves_panel import CurvesPanel
    from app.gui.results.run_summary import RunSummary
    from app.gui.training.trial_table import TrialTable

    long_run = fake_search_events(n_trials=12, epochs=15, steps=20, failed_trials=[4], seed=3)
    # Live: stop in the middle of trial 9's eighth epoch.
    ninth = next(e for e in long_run if e["type"] == "trial_started" and e["number"] == 9)
    cut = next(i for i, e in enumerate(long_run) if e["type"] == "batch_ended"
               and e["trial_id"] == ninth["trial_id"] and e["epoch"] == 7 and e["batch"] == 12)
    live = long_run[:cut + 1]

    panel = CurvesPanel()
    for event in live:
        panel.handle_event(event)
    shoot(panel, "curves_live", 1100, 680, app)

    panel = CurvesPanel()
    for event in long_run:
        panel.handle_event(event)
    shoot(panel, "curves_finished", 1100, 680, app)

    table = TrialTable()
    for event in live:
        table.handle_event(event)
    shoot(table, "trials", 1100, 380, app)

    view = ConfusionView()
    for event in fake_search_events(n_trials=2, epochs=6, seed=1):
        view.handle_event(event)
    shoot(view, "confusion", 1000, 420, app)

    view = ConfusionView()
    for event in fake_search_events(n_trials=1, epochs=5, classes=CIFAR, val_per_class=20,
                                    seed=2):
        view.handle_event(event)
    shoot(view, "confusion_10_classes", 1100, 560, app)

    summary = RunSummary()
    for event in long_run:
        summary.handle_event(event)
    shoot(summary, "summary", 460, 600, app)

    app.setPalette(dark_palette())
    panel = CurvesPanel()
    for event in live:
        panel.handle_event(event)
    shoot(panel, "curves_dark", 1100, 680, app)
    table = TrialTable()
    for event in long_run:
        table.handle_event(event)
    shoot(table, "trials_dark", 1100, 380, app)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
