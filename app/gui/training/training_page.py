"""The Training tab: live curves, the confusion matrix and the trial table, plus notices.

Every panel observes the window's :class:`~app.gui.session.search_model.SearchModel`; clicking a trial
anywhere shows it everywhere.
"""
from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QSplitter, QVBoxLayout, QWidget

from app.gui.text import core_text
from app.gui.training.confusion_view import ConfusionView
from app.gui.training.curves_panel import CurvesPanel
from app.gui.session.search_model import SearchModel
from app.gui.training.trial_table import TrialTable
from app.gui.training.workers_panel import WorkersPanel

MAX_NOTICES_SHOWN = 4


class TrainingPage(QWidget):
    """Live views of the running (or last) search."""

    trialSelected = Signal(str)  # noqa: N815 - Qt signal naming, as the panels'

    def __init__(self, model: SearchModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.curves_panel = CurvesPanel()
        self.confusion_view = ConfusionView()
        self.trial_table = TrialTable()
        self.workers_panel = WorkersPanel()  # distributed search: settings and the workers table
        for panel in (self.curves_panel, self.confusion_view, self.trial_table, self.workers_panel):
            model.attach(panel)
        self.curves_panel.trialClicked.connect(self.trial_table.select_trial)
        self.trial_table.trialSelected.connect(self._on_trial_selected)

        self.notice_label = QLabel()
        self.notice_label.setObjectName("noticeLabel")
        self.notice_label.setWordWrap(True)
        self.notice_label.setStyleSheet("background: #fff4d6; color: #5c4400; padding: 4px 8px; border-radius: 3px;")
        self.notice_label.hide()
        self._notices: list[str] = []
        model.notice.connect(self._add_notice)
        model.cleared.connect(self._clear_notices)

        live_top = QSplitter(Qt.Orientation.Horizontal)
        live_top.setObjectName("liveSplitter")
        live_top.addWidget(self.curves_panel)
        live_top.addWidget(self.confusion_view)
        live_top.setSizes([620, 650])  # the matrix and its per-class table need the room
        live_top.setChildrenCollapsible(False)
        live = QSplitter(Qt.Orientation.Vertical)
        live.setObjectName("trainingSplitter")
        live.addWidget(live_top)
        live.addWidget(self.trial_table)
        live.setStretchFactor(0, 3)
        live.setStretchFactor(1, 2)
        live.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.notice_label)
        layout.addWidget(self.workers_panel)
        layout.addWidget(live, 1)

    def notices(self) -> list[str]:
        return list(self._notices)

    def _on_trial_selected(self, trial_id: str) -> None:
        self.curves_panel.show_trial(trial_id)
        self.confusion_view.show_trial(trial_id)
        self.trialSelected.emit(trial_id)

    def _add_notice(self, event: dict) -> None:
        icon = "\u26a0" if event.get("level") == "warning" else "\u2139"
        self._notices.append(f"{icon} {html.escape(core_text.translate_event(event, 'message'))}")
        shown = self._notices[-MAX_NOTICES_SHOWN:]
        hidden = len(self._notices) - len(shown)
        self.notice_label.setText("<br>".join(shown) + (self.tr("<br>… {hidden} earlier").format(hidden=hidden)
                                                        if hidden else ""))
        self.notice_label.setToolTip("\n".join(self._notices))
        self.notice_label.show()

    def _clear_notices(self) -> None:
        self._notices = []
        self.notice_label.clear()
        self.notice_label.hide()
