"""The line above the training curves: what the search is doing, and the running epoch's batches."""
from __future__ import annotations

import math

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from app.core.util.formatting import format_score
from app.core.search.search_state import TrialState
from app.gui.training.curve_series import trial_label
from app.gui.paint.progress_bar import ProgressBar


class CurvesHeader(QWidget):
    """A status text and a batch progress bar that shows only while a trial runs."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._label = QLabel(self.tr("No search running."))
        self._label.setObjectName("curvesStatus")
        self._label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._bar = ProgressBar()
        self._bar.setObjectName("batchProgress")
        self._bar.setMinimumWidth(150)
        self._bar.setMaximumWidth(260)
        self._bar.setTextVisible(True)
        self._bar.setRange(0, 1)
        self._bar.setValue(0)
        self._bar.setFormat(self.tr("idle"))
        self._bar.setToolTip(self.tr("Batches done in the running epoch"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.addWidget(self._label, 1)
        layout.addWidget(self._bar)
        self._keep_height()

    def _keep_height(self) -> None:
        """One height with or without the bar (it shows only while a trial runs): otherwise every
        trial's start and end would resize the plots below, and a resized pyqtgraph view lays out
        and repaints all its axes and curves again, twice, on the GUI thread."""
        margins = self.layout().contentsMargins()
        self.setFixedHeight(max(self._label.sizeHint().height(), self._bar.sizeHint().height())
                            + margins.top() + margins.bottom())

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._keep_height()

    def text(self) -> str:
        return self._label.text()

    def show_idle(self, text: str) -> None:
        """No trial running: ``text`` only, and no bar."""
        self._bar.setRange(0, 1)
        self._bar.setValue(0)
        self._bar.setVisible(False)
        self._label.setText(text)

    def stage_label(self, stage: str | None) -> str:
        """A staged transfer search's stage, named for the user."""
        return {"features": self.tr("Features"), "head": self.tr("Head trials"),
                "fine_tune": self.tr("Fine-tuning")}.get(stage or "", stage or "")

    def show_features(self, done: int, total: int, extra: str) -> None:
        """Stage 1: the frozen network reads every image once (``done`` of ``total``)."""
        text = self.tr("Features: the pretrained network reads each image once ({done} of {total})").format(
            done=done, total=total)
        self._label.setText(" \u00b7 ".join([text, extra]) if extra else text)
        self._bar.setRange(0, max(1, total))
        self._bar.setValue(min(done, total))
        self._bar.setFormat(self.tr("%v/%m images"))
        self._bar.setVisible(True)

    def show_running(self, running: TrialState, max_trials: int | None, progress: dict,
                     other_shown: TrialState | None) -> None:
        """``Trial 2/3 running · epoch 2/4 · batch loss 0.8123``; ``progress`` is the last batch's
        ``epoch``, ``batch``, ``steps`` and ``loss`` (empty before the first batch)."""
        total = f"/{max_trials}" if isinstance(max_trials, int) else ""
        parts = [self.stage_label(running.stage)] if running.stage else []
        parts.append(self.tr("Trial {n}{total} running").format(n=running.number or running.trial_id, total=total))
        if progress:
            planned = running.epochs_planned
            epoch = progress["epoch"] + 1
            parts.append(self.tr("epoch {e}").format(e=f"{epoch}/{planned}" if planned else str(epoch)))
            if math.isfinite(progress.get("loss", math.nan)):
                parts.append(self.tr("batch loss {loss}").format(loss=format_score(progress["loss"])))
            self._bar.setRange(0, progress["steps"])
            self._bar.setValue(min(progress["batch"] + 1, progress["steps"]))
            self._bar.setFormat(self.tr("batch %v/%m"))
        else:
            self._bar.setRange(0, 0)  # busy indicator until the first batch
            self._bar.setFormat(self.tr("starting"))
        if other_shown is not None:
            parts.append(self.tr("showing {trial}").format(trial=trial_label(other_shown)))
        self._label.setText(" \u00b7 ".join(parts))
        self._bar.setVisible(True)
