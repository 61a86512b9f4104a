"""What each cell of the trial table says: its text, its sort value and its tooltip.

The columns are the fixed ones (``#``, Status, Score, Duration, Epochs), one per hyperparameter
and a "Note". A cell is computed from the trial's :class:`~app.core.search.search_state.TrialState`;
numbers go through ``app/core/util/formatting.py`` like everywhere else. Sort values are raw (numbers
as numbers, ``None`` for an empty cell) so the proxy can sort numerically.
"""
from __future__ import annotations

import re

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt

from app.core.util.formatting import format_duration, format_score
from app.core.search.search_state import RUNNING, TrialState
from app.gui.text import core_text

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
TRIAL_ID_ROLE = Qt.ItemDataRole.UserRole + 2
FIXED_COLUMNS = ("#", "Status", "Score", "Duration", "Epochs")
NOTE_COLUMN = "Note"
MAX_TOOLTIP_CHARS = 3000
_QUALIFIED_EXCEPTION = re.compile(r"^(?:[A-Za-z_]\w*\.)+([A-Za-z_]\w*(?::|$))")

STATUS_TEXT = {"RUNNING": "running", "COMPLETED": "completed", "FAILED": "failed",
               "INVALID": "invalid", "STOPPED": "stopped", "CANCELLED": "cancelled"}
# The fixed columns' headers as shown (the names above are the columns' ids).
COLUMN_TITLES = {"#": "#", "Status": QT_TRANSLATE_NOOP("TrialTable", "Status"),
                 "Score": QT_TRANSLATE_NOOP("TrialTable", "Score"),
                 "Duration": QT_TRANSLATE_NOOP("TrialTable", "Duration"),
                 "Epochs": QT_TRANSLATE_NOOP("TrialTable", "Epochs"), "Note": QT_TRANSLATE_NOOP("TrialTable", "Note")}
# Why a trial ended before the epochs it was planned (trial_ended's "stopped").
STOPPED_TEXT = {"budget": QT_TRANSLATE_NOOP("TrialTable", "ended early: the time budget ran out"),
                "user": QT_TRANSLATE_NOOP("TrialTable", "ended early: you pressed Stop"),
                "pruned": QT_TRANSLATE_NOOP("TrialTable", "ended early: clearly behind the best trial")}


def tr(text: str) -> str:
    """A text marked with QT_TRANSLATE_NOOP("TrialTable", ...), or a core message, translated."""
    return QCoreApplication.translate("TrialTable", text)


def message(trial: TrialState) -> str:
    """Why the trial ended as it did: its failure message, else why it stopped early (English)."""
    return trial.message or STOPPED_TEXT.get(trial.stopped or "", "")


def note(trial: TrialState) -> str:
    """The line of the message worth reading first: the exception, not the traceback."""
    lines = [line.strip() for line in message(trial).strip().splitlines() if line.strip()]
    if not lines:
        return ""
    if trial.status in ("FAILED", "INVALID"):
        # "tensorflow.python.framework.errors_impl.ResourceExhaustedError: OOM ..." reads
        # better without the module path.
        return _QUALIFIED_EXCEPTION.sub(r"\1", lines[-1])
    return lines[0]


def shows_live_score(trial: TrialState) -> bool:
    """A running trial shows its latest epoch's objective until it has a final score."""
    return trial.score is None and trial.live_score is not None and trial.status == RUNNING


def text(trial: TrialState, column: str, is_best: bool) -> str:
    if column == "#":
        number = str(trial.number or trial.trial_id)
        return f"\u2605 {number}" if is_best else number
    if column == "Status":
        return core_text.status_word(trial.status)
    if column == "Score":
        return format_score(trial.live_score if shows_live_score(trial) else trial.score)
    if column == "Duration":
        return format_duration(trial.duration)
    if column == "Epochs":
        if trial.epochs_planned and trial.status == RUNNING:
            return f"{trial.epochs_done}/{trial.epochs_planned}"
        return str(trial.epochs_done)
    if column == NOTE_COLUMN:
        return tr(note(trial))
    if column in trial.hyperparameters:
        return core_text.value_text(trial.hyperparameters[column])
    return ""


def sort_value(trial: TrialState, column: str):
    if column == "#":
        return trial.number or trial.trial_id
    if column == "Status":
        return STATUS_TEXT.get(trial.status, trial.status.lower())
    if column == "Score":
        return trial.live_score if shows_live_score(trial) else trial.score
    if column == "Duration":
        return trial.duration
    if column == "Epochs":
        return trial.epochs_done
    if column == NOTE_COLUMN:
        return note(trial) or None
    return trial.hyperparameters.get(column)


def is_numeric(trial: TrialState, column: str) -> bool:
    value = sort_value(trial, column)
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def tooltip(trial: TrialState, column: str, is_best: bool, objective: str) -> str | None:
    full = message(trial)
    if column in ("Status", NOTE_COLUMN, "#") and full:
        full = tr(full)
        return "\u2026" + full[-MAX_TOOLTIP_CHARS:] if len(full) > MAX_TOOLTIP_CHARS else full
    if column == "Score":
        if shows_live_score(trial):
            return QCoreApplication.translate(
                "TrialTableModel", "{objective} of the latest epoch (trial still running)").format(objective=objective)
        if is_best:
            return QCoreApplication.translate("TrialTableModel", "Best trial: {objective} {score}").format(
                objective=objective, score=format_score(trial.score))
        return None
    if column == "#" and is_best:
        return QCoreApplication.translate("TrialTableModel", "Best trial")
    if column in trial.hyperparameters:
        value = trial.hyperparameters[column]
        # The cell rounds to four digits; the tooltip gives the exact value that was tried.
        return f"{core_text.hp_label(column)} = {value!r}" if isinstance(value, float) else None
    return None
