"""What the window paints, and when: changes that need one small repaint must not repaint the page.

The GUI thread's worst stalls during a search were paints of whole pages that nothing visible
asked for (bench/gui_paint_cost.py); these tests count paint events, which no machine load changes.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import (QApplication, QGraphicsScene, QGraphicsView, QLabel, QPushButton, QTabWidget,
                               QVBoxLayout, QWidget)

from app.gui.training.curves_header import CurvesHeader
from app.gui.training.curves_panel import CurvesPanel
from app.gui.paint.lazy_tabs import HiddenPageLayout
from app.gui.paint.staged_paint import RelayoutInParts, switch_tab
from app.gui.paint.progress_bar import ProgressBar
from app.gui.window.view_tabs import ViewTabs


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

    def plot_state_at_first_paint_of(self, widget: QWidget, view: QGraphicsView) -> list:
        """A list that gets (the view's paints so far, whether its updates are on) when
        ``widget`` is first painted from now on: (0, False) when the plot was held back."""
        seen: list = []
        count = self.eventFilter

        def snapshot(watched, event) -> bool:
            if watched is widget and event.type() == QEvent.Type.Paint and not seen:
                seen.append((self.of(view.viewport()), view.updatesEnabled()))
            return count(watched, event)

        self.eventFilter = snapshot
        return seen


class ResizeCounter(PaintCounter):
    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Resize:
            self.counts[id(watched)] += 1
        return False


def _settle(qtbot, app) -> None:
    for _ in range(3):
        app.processEvents()
    qtbot.wait(20)


def _show(qtbot, app, widget: QWidget, width: int, height: int) -> None:
    qtbot.addWidget(widget)
    widget.resize(width, height)
    widget.show()
    qtbot.waitExposed(widget)
    _settle(qtbot, app)


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


def _page_with_a_button() -> tuple[QWidget, QPushButton]:
    page = QWidget()
    button = QPushButton("inside")
    QVBoxLayout(page).addWidget(button)
    return page, button


def test_hidden_pages_are_laid_out_ahead_so_that_showing_one_resizes_nothing(qtbot, qapp):
    tabs = QTabWidget()
    shown = QLabel("the shown page")
    kept, kept_button = _page_with_a_button()
    other, other_button = _page_with_a_button()
    for page in (shown, kept, other):
        tabs.addTab(page, "page")
    layout = HiddenPageLayout(tabs, (kept,))
    qtbot.addWidget(tabs)
    tabs.resize(700, 500)
    tabs.show()
    qtbot.waitExposed(tabs)
    tabs.resize(900, 600)  # the window grows while the pages are hidden
    _settle(qtbot, qapp)
    layout.lay_out_now()
    assert kept.size() == shown.size() and kept_button.width() > 800
    counter = ResizeCounter(kept_button, other_button)
    tabs.setCurrentIndex(1)
    _settle(qtbot, qapp)
    assert counter.of(kept_button) == 0  # laid out while hidden: showing it only paints it
    tabs.setCurrentIndex(2)
    _settle(qtbot, qapp)
    assert counter.of(other_button) >= 1  # a page left out is laid out when it is shown


def test_hidden_pages_are_laid_out_on_a_timer_after_the_shown_page_resizes(qtbot, qapp):
    tabs = QTabWidget()
    kept, kept_button = _page_with_a_button()
    tabs.addTab(QLabel("shown"), "a")
    tabs.addTab(kept, "b")
    HiddenPageLayout(tabs, (kept,), delay_ms=10)
    qtbot.addWidget(tabs)
    tabs.resize(640, 480)
    tabs.show()
    qtbot.waitExposed(tabs)
    qtbot.waitUntil(lambda: kept.size() == tabs.currentWidget().size(), timeout=2000)
    tabs.resize(1000, 700)
    qtbot.waitUntil(lambda: kept_button.width() > 900, timeout=2000)
    assert not kept.isVisible()


def test_switch_tab_shows_the_page_at_once_and_paints_it_on_later_turns_plots_last(qtbot, qapp):
    tabs = QTabWidget()
    page, button = _page_with_a_button()
    view = QGraphicsView(QGraphicsScene())  # stands for a pyqtgraph plot
    page.layout().addWidget(view)
    tabs.addTab(QLabel("shown"), "a")
    tabs.addTab(page, "b")
    _show(qtbot, qapp, tabs, 600, 400)
    counter = PaintCounter(button, view.viewport())
    switch_tab(tabs, 1)
    assert tabs.currentIndex() == 1 and page.isVisible()
    QApplication.sendPostedEvents()  # the posted paints of that turn, not the timer
    assert counter.of(button) == 0 and counter.of(view.viewport()) == 0 and not page.updatesEnabled()
    seen_at_first_paint = counter.plot_state_at_first_paint_of(button, view)
    qtbot.waitUntil(lambda: counter.of(button) >= 1, timeout=2000)
    assert seen_at_first_paint == [(0, False)]  # the plot paints on a turn of its own, after the rest
    qtbot.waitUntil(lambda: counter.of(view.viewport()) >= 1, timeout=2000)
    assert page.updatesEnabled() and view.updatesEnabled()
    switch_tab(tabs, 1)  # already shown: nothing held back
    assert page.updatesEnabled()


def test_curve_axes_keep_their_room_as_the_loss_range_changes(qtbot, qapp):
    panel = CurvesPanel()
    qtbot.addWidget(panel)
    panel.resize(800, 600)
    panel.show()
    qtbot.waitExposed(panel)

    def trial(losses):
        history = {"loss": losses, "val_loss": losses, "accuracy": [0.5] * len(losses),
                   "val_accuracy": [0.5] * len(losses)}
        return {"trial_id": "t", "status": "completed", "score": 0.5, "history": history}

    axis = panel.plots.loss_plot.getAxis("left")
    panel.load_trials([trial([0.5, 0.4])], "val_accuracy")
    panel.grab()  # paints: pyqtgraph measures tick texts while painting
    _settle(qtbot, qapp)
    narrow = axis.width()
    panel.load_trials([trial([0.00123, 0.00045])], "val_accuracy")
    panel.grab()
    _settle(qtbot, qapp)
    assert panel.curve_data("loss")[1][0] == 0.00123  # the texts are wider ("0.0012" against "0.5")
    assert axis.width() == narrow and narrow > 20


def test_a_relayout_that_moves_a_plot_paints_it_on_a_later_turn_and_one_that_does_not_leaves_it(qtbot, qapp):
    page = QWidget()
    notice = QLabel("")
    notice.hide()
    view = QGraphicsView(QGraphicsScene())
    layout = QVBoxLayout(page)
    layout.addWidget(notice)
    layout.addWidget(view, 1)
    RelayoutInParts(page)
    _show(qtbot, qapp, page, 500, 400)
    counter = PaintCounter(notice, view.viewport())
    seen = counter.plot_state_at_first_paint_of(notice, view)
    top = view.mapTo(page, view.rect().topLeft()).y()
    notice.setText("ℹ a notice that pushes the plot down")
    notice.show()
    qtbot.waitUntil(lambda: counter.of(notice) >= 1, timeout=2000)
    assert view.mapTo(page, view.rect().topLeft()).y() > top  # the plot moved
    assert seen == [(0, False)]  # and was held back while the rest painted
    qtbot.waitUntil(lambda: counter.of(view.viewport()) >= 1 and view.updatesEnabled(), timeout=2000)
    # A text change that moves nothing: the plot is neither held back nor painted again.
    _settle(qtbot, qapp)
    painted = counter.of(view.viewport())
    notice.setText("ℹ another notice, as long")
    _settle(qtbot, qapp)
    assert view.updatesEnabled() and counter.of(view.viewport()) == painted
