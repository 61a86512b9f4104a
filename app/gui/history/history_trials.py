"""The History tab's Trials page: one stored search's summary, its trials, and the selected
trial's curves and confusion matrix.

A stored search reaches the trial table, the curves and the confusion matrix through a
:class:`SearchModel`, the model the live window's panels observe: ``load_stored`` replays the
record as the events a live search would have sent, so a trial reads the same in History as it
did while it ran (status, best trial, the confusion matrix of the epoch whose weights were kept).
The summary above takes its best trial from that model's state too.
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QLabel, QPushButton, QSplitter, QTabWidget, QVBoxLayout, QWidget

from app.core.util.formatting import format_score, format_value
from app.gui.paint import theme
from app.gui.history.compare_view import trial_label
from app.gui.training.confusion_view import ConfusionView
from app.gui.training.curves_panel import CurvesPanel
from app.gui.history.history_table import human_bytes, human_time
from app.gui.results.use_model_panel import UseModelDialog
from app.gui.session.search_model import SearchModel
from app.gui.training.trial_table import TrialTable

MAX_CLASS_NAMES = 8  # the summary names this many classes, then "…"
MAX_WARNINGS = 3  # and lists this many warnings, then a count


def _esc(text: Any) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class StoredSearchPage(QWidget):
    """Summary, trial table, curves and confusion matrix of the opened search."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary_label = QLabel(self.tr("Open a search to see its trials."))
        self.summary_label.setObjectName("historySummary")
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.trial_table = TrialTable()
        self.trial_table.setObjectName("historyTrials")
        self.trial_table.table_view.setObjectName("historyTrialTable")
        self.curves = CurvesPanel()
        self.curves.setObjectName("historyCurvesPlot")  # the window's live panels own the plain names
        self.confusion = ConfusionView()
        self.confusion.setObjectName("historyConfusionView")
        # Curves and confusion matrix share the height as tabs: both need room to be legible.
        self.trial_views = QTabWidget()
        self.trial_views.setObjectName("historyTrialViews")
        self.trial_views.addTab(self.curves, self.tr("Curves"))
        self.trial_views.addTab(self.confusion, self.tr("Confusion matrix"))
        # The shown trial on new images (its heat maps and calibration), in a window of its own.
        self.try_button = QPushButton(self.tr("Try this trial…"))
        self.try_button.setObjectName("historyTryTrial")
        self.try_button.setEnabled(False)
        self.try_button.clicked.connect(lambda: self.try_trial())
        self.shown_trial: str | None = None
        table_side = QWidget()
        table_layout = QVBoxLayout(table_side)
        table_layout.setContentsMargins(0, 0, 0, 0)
        table_layout.addWidget(self.trial_table, 1)
        table_layout.addWidget(self.try_button, 0, Qt.AlignmentFlag.AlignLeft)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(table_side)
        split.addWidget(self.trial_views)
        split.setSizes([500, 800])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.summary_label)
        layout.addWidget(split, 1)

        self.search_model = SearchModel(self)
        for panel in (self.trial_table, self.curves, self.confusion):
            self.search_model.attach(panel)
        self.trial_table.trialSelected.connect(self.show_trial)
        self.curves.trialClicked.connect(self.show_trial)

    def show_search(self, search: dict, status: str, disk_bytes: int | None) -> None:
        """Show a search as ``HistoryStore.get_search`` returns it; ``status`` in words."""
        self.search_model.load_stored(search)
        self.summary_label.setText(self._summary_html(search, status, disk_bytes))
        self.summary_label.setToolTip(self._summary_tooltip(search))
        trials = search["trials"]
        best = self.search_model.state.best_id
        shown = best if best is not None else (trials[-1]["trial_id"] if trials else None)
        if shown is not None:
            self.trial_table.select_trial(shown)
            self.show_trial(shown)

    def show_message(self, text: str = "") -> None:
        """No search shown: clear the panels and say why (default: how to open one)."""
        self.search_model.clear()
        self.summary_label.setText(text or self.tr("Open a search to see its trials."))
        self.summary_label.setToolTip("")

    @Slot(str)
    def show_trial(self, trial_id: str) -> None:
        self.curves.show_trial(trial_id)
        self.confusion.show_trial(trial_id)
        self.shown_trial = str(trial_id)
        trial = self.search_model.state.trials.get(str(trial_id))
        self.try_button.setEnabled(bool(self.search_model.state.search_dir and trial is not None
                                        and trial.status == "COMPLETED"))

    def try_trial(self):
        """Open the shown trial in a Try-it window; returns it (None when no trial can be tried)."""
        search_dir = self.search_model.state.search_dir
        if not search_dir or self.shown_trial is None:
            return None
        self.try_dialog = UseModelDialog(search_dir, self.shown_trial, parent=self)
        self.try_dialog.show()
        return self.try_dialog

    def _summary_html(self, search: dict, status: str, disk_bytes: int | None) -> str:
        """A few dense lines about a search; folder and package versions go in the tooltip."""
        best_trial = self.search_model.state.best
        best_score = best_trial.score if best_trial is not None else search.get("best_score")
        lines = [f"<b style='font-size: 11pt'>{_esc(search.get('name') or search['id'])}</b> &nbsp;{_esc(status)}"
                 + " &nbsp;·&nbsp; " + self.tr("best {objective} <b>{score}</b> ({trial}) · {completed} of {total} "
                                               "trials completed").format(
                     objective=_esc(search.get("objective") or self.tr("score")), score=format_score(best_score),
                     trial=_esc(trial_label(best_trial.summary(), with_search=False) if best_trial else "–"),
                     completed=search.get("completed_trials", 0), total=search.get("trial_count", 0))]
        if search.get("error"):
            failed = theme.colors(self.palette()).failed.name()
            lines.append(f"<span style='color:{failed}'>{_esc(search['error'])}</span>")
        if search.get("best_hyperparameters"):
            lines.append(self.tr("Best hyperparameters: ") + ", ".join(
                f"{_esc(k)} = <b>{_esc(format_value(v))}</b>" for k, v in search["best_hyperparameters"].items()))
        classes = search.get("classes") or []
        more = "…" if len(classes) > MAX_CLASS_NAMES else ""
        lines.append(self.tr("Dataset: ") + f"{_esc(search.get('data_dir') or '–')} · "
                     + self.tr("{count} class(es)").format(count=len(classes))
                     + (f" ({_esc(', '.join(classes[:MAX_CLASS_NAMES]))}{more})" if classes else "")
                     + (f" · {self.tr('fingerprint')} {_esc(search['dataset_fingerprint'][:12])}"
                        if search.get("dataset_fingerprint") else ""))
        lines.append(self.tr("Started {started} · ended {ended} · {device} · seed {seed} · disk use {size}").format(
                     started=human_time(search.get("started_at")), ended=human_time(search.get("ended_at")),
                     device=_esc(search.get("device") or self.tr("device unknown")),
                     seed=_esc(search.get("seed") if search.get("seed") is not None else "–"),
                     size=human_bytes(disk_bytes)))
        if search.get("exports"):
            last = search["exports"][-1]
            check = last.get("self_check") or {}
            verdict = (self.tr("self-check passed") if check.get("passed")
                       else self.tr("self-check failed") if check else "")
            lines.append(self.tr("Exported trial {trial} to {folder} {verdict}").format(
                trial=_esc(last.get("trial_id")), folder=_esc(last.get("folder")), verdict=verdict))
        warnings = [n["message"] for n in search.get("notices") or [] if n.get("level") == "warning"]
        for message in warnings[:MAX_WARNINGS]:
            lines.append(f"⚠ {_esc(message)}")
        if len(warnings) > MAX_WARNINGS:
            lines.append(self.tr("⚠ and {count} more warning(s)").format(count=len(warnings) - MAX_WARNINGS))
        if search.get("notes"):
            lines.append(self.tr("Notes: ") + f"<i>{_esc(search['notes'])}</i>")
        return "<br>".join(lines)

    def _summary_tooltip(self, search: dict) -> str:
        versions = search.get("versions") or {}
        return "\n".join(filter(None, [
            f"{self.tr('Search')} {search['id']}",
            f"{self.tr('Folder')} {search.get('search_dir') or '–'}",
            ", ".join(f"{k} {v}" for k, v in versions.items()),
        ]))
