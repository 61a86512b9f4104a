"""What the window paints, and when: changes that need one small repaint must not repaint the page.

The GUI thread's worst stalls during a search were paints of whole pages that nothing visible
asked for (bench/gui_paint_cost.py); these tests count paint events, which no machine load changes.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.gui.curves_header import CurvesHeader
from app.gui.progress_bar import ProgressBar
from app.gui.window_chrome import ViewTabs


class PaintCounter(QObject):
    """Counts the paint events of the widgets it is installed on."""

    def __init__(self, *widgets: QWidget) -> None:
        super().__init__()
        self.counts = {id(w): 0 for w in widgets}
        for widget in widgets:
            widget.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Paint:
            self.counts[id(watched)] += 1
        return False

    def of(self, widget: QWidget) -> int:
        return self.counts[id(widget)]


def _settle(qtbot, app) -> None:
    for _ in range(3):
        app.processEvents()
    qtbot.wait(20)


def test_a_progress_value_is_painted_later_with_the_window_not_at_once(qtbot, qapp):
    window = QWidget()
    layout = QVBoxLayout(window)
    bar, neighbour = ProgressBar(), QLabel("a neighbour whose paint is pending")
    bar.setRange(0, 100)
    layout.addWidget(bar)
    layout.addWidget(neighbour)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    _settle(qtbot, qapp)
    counter = PaintCounter(bar, neighbour)
    neighbour.update()
    bar.setValue(42)  # QProgressBar.setValue would repaint() here: the whole window's pending paints at once
    bar.setRange(0, 200)
    assert counter.of(bar) == 0 and counter.of(neighbour) == 0
    _settle(qtbot, qapp)
    assert counter.of(bar) >= 1 and counter.of(neighbour) >= 1  # painted, on the next paint of the window
    assert bar.value() == 42 and bar.maximum() == 200 and bar.text() == "21%"


def test_a_longer_status_text_does_not_repaint_the_rest_of_the_page(qtbot, qapp):
    tabs = ViewTabs()
    page = QWidget()
    layout = QVBoxLayout(page)
    status, plot = QLabel("batch loss 0.8"), QLabel("stands for a plot")
    layout.addWidget(status)
    layout.addWidget(plot, 1)
    tabs.addTab(page, "Training")
    tabs.resize(600, 400)
    qtbot.addWidget(tabs)
    tabs.show()
    qtbot.waitExposed(tabs)
    _settle(qtbot, qapp)
    counter = PaintCounter(status, plot)
    status.setText("batch loss 0.812345, a longer text with a wider size hint")
    _settle(qtbot, qapp)
    assert counter.of(status) >= 1
    assert counter.of(plot) == 0  # a plain QTabWidget repaints the whole page on the layout request
    # What the tab widget lays out itself still follows its changes.
    tabs.setTabText(0, "Training, with a much longer tab title")
    _settle(qtbot, qapp)
    assert tabs.tabBar().width() >= tabs.tabBar().sizeHint().width() - 1


def test_the_curves_header_keeps_its_height_with_and_without_its_bar(qtbot):
    header = CurvesHeader()
    qtbot.addWidget(header)
    header.show()
    running = header.height()
    header.show_idle("Search completed")
    assert not header._bar.isVisibleTo(header) and header.height() == running and running > 0
