"""The Results tab: the run summary, the best trial's curves and confusion matrix, trying the final
model on new images with its calibration (``UseModelPanel``), and export.

Built on :class:`~app.gui.results.run_summary.RunSummary`, which follows the search model; when the
search ends the best trial is shown from the model's state, with the confusion matrix of the
epoch whose weights were kept (the ones export uses), not of the last epoch.

The best trial is drawn a moment after the search ends, on a timer rather than in the same
event-loop turn: that turn already repaints the Training page, and both together held the GUI
thread for 30-45 ms (``bench/gui_paint_cost.py``). :meth:`ResultsPage.show_best` draws it at once.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (QFrame, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QSplitter, QTabWidget,
                               QVBoxLayout, QWidget)

from app.gui.training.confusion_view import ConfusionView
from app.gui.training.curves_panel import CurvesPanel
from app.gui.results.run_summary import RunSummary
from app.gui.results.use_model_panel import UseModelPanel
from app.gui.session.search_model import SearchModel

BEST_DRAW_DELAY_MS = 15


class ResultsPage(QWidget):
    """What the search found; ``export_requested`` when the export button is pressed."""

    export_requested = Signal()

    def __init__(self, model: SearchModel, export_icon: QIcon | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self._model = model
        self.summary = RunSummary()
        self.summary.setObjectName("bestTrialSummary")
        model.attach(self.summary)
        self.best_curves = CurvesPanel()
        self.best_curves.setObjectName("bestCurvesPlot")
        self.best_confusion = ConfusionView()
        self.best_confusion.setObjectName("bestConfusionView")
        self._best_timer = QTimer(self)
        self._best_timer.setSingleShot(True)
        self._best_timer.setInterval(BEST_DRAW_DELAY_MS)
        self._best_timer.timeout.connect(self.show_best)
        model.search_finished.connect(lambda _final: self._best_timer.start())
        model.cleared.connect(self._clear_best)

        self.export_button = QPushButton(export_icon or QIcon(), self.tr("Export best trial…"))
        self.export_button.setObjectName("resultsExportButton")
        self.export_button.setEnabled(False)
        self.export_button.clicked.connect(self.export_requested)
        self.export_label = QLabel(self.tr("Export writes a SavedModel, a .keras file, labels.txt and a model card."))
        self.export_label.setObjectName("exportResult")
        self.export_label.setWordWrap(True)
        self.export_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.export_label.setOpenExternalLinks(True)
        self.export_label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        export_box = QFrame()
        export_box.setObjectName("exportBox")
        export_box.setFrameShape(QFrame.Shape.StyledPanel)
        export_layout = QHBoxLayout(export_box)
        export_layout.addWidget(self.export_button)
        export_layout.addWidget(self.export_label, 1)

        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.best_curves)
        right.addWidget(self.best_confusion)
        right.setChildrenCollapsible(False)
        body = QSplitter(Qt.Orientation.Horizontal)
        body.addWidget(self.summary)
        body.addWidget(right)
        body.setStretchFactor(0, 2)
        body.setStretchFactor(1, 3)
        body.setSizes([460, 800])
        body.setChildrenCollapsible(False)
        # Try the final model on new images, see why it decided and how far to trust it.
        self.use_model = UseModelPanel()
        self.tabs = QTabWidget()
        self.tabs.setObjectName("resultsTabs")
        self.tabs.addTab(body, self.tr("Best trial"))
        self.try_it_tab = self.tabs.addTab(self.use_model, self.tr("Try it · Confidence"))
        model.search_finished.connect(lambda _final: self.use_model.set_model(model.state.search_dir))
        model.cleared.connect(lambda: self.use_model.set_model(None))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(export_box)

    def set_export_target(self, number: object | None, selected: bool = False) -> None:
        """Name the trial the export button exports."""
        if number is None:
            self.export_button.setText(self.tr("Export best trial…"))
        elif selected:
            self.export_button.setText(self.tr("Export selected trial (#{n})…").format(n=number))
        else:
            self.export_button.setText(self.tr("Export best trial (#{n})…").format(n=number))

    @property
    def best_pending(self) -> bool:
        """The search has ended and its best trial is not drawn yet."""
        return self._best_timer.isActive()

    def show_best(self) -> None:
        """Draw the best trial of the model's search now (a search's end draws it shortly)."""
        self._best_timer.stop()
        state = self._model.state
        best = state.best
        self._clear_best()
        if best is None:
            return
        self.set_export_target(best.number or best.trial_id)
        # The best trial's curves, and every trial in the "All trials" plot beside it (with only the best
        # loaded there, that plot showed one line under a legend naming the others).
        self.best_curves.load_trials([t.summary() for t in state.trials.values()], state.objective,
                                     title=self.tr("{count} trial(s) in this search").format(count=len(state.trials)))
        self.best_curves.show_trial(best.trial_id)
        matrix, epoch = best.kept_confusion()
        if matrix is None:
            return
        kept = self.tr(", epoch {n} (weights kept)").format(n=epoch + 1) if epoch is not None else ""
        caption = self.tr("Best trial #{n}: validation confusion{kept}").format(n=best.number or best.trial_id,
                                                                               kept=kept)
        try:
            self.best_confusion.set_matrix(matrix, best.class_names or state.classes, caption)
        except ValueError as exc:
            self._model.panel_failed.emit(self.best_confusion, str(exc))

    def _clear_best(self) -> None:
        self._best_timer.stop()
        self.best_curves.reset()
        self.best_confusion.reset()
        self.set_export_target(None)
