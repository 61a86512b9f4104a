"""What a search found: the best trial's score and hyperparameters, durations, trial counts.

It follows a running search too: counts and the best trial so far update as trials end, and
``search_finished`` settles everything with the search's own verdict. Trials, statuses and the
best trial are read from the search state it observes (:mod:`app.gui.widgets.state_panel`).
"""
from __future__ import annotations

from collections import Counter

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QFormLayout, QGroupBox, QLabel, QScrollArea, QVBoxLayout,
                               QWidget)

from app.core.util.formatting import UNDEFINED, format_duration, format_score, format_value
from app.core.search.search_state import RUNNING, finite_or_none
from app.gui.text import core_text
from app.gui.paint import theme
from app.gui.training.trial_cells import STATUS_TEXT
from app.gui.widgets.state_panel import StatePanel

STATUS_ORDER = ("COMPLETED", "RUNNING", "FAILED", "INVALID", "STOPPED", "CANCELLED")


class RunSummary(QWidget, StatePanel):
    """The outcome of a search at a glance."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("runSummary")
        self._data_text = ""
        self._init_state()

        self._headline = QLabel()
        self._headline.setObjectName("summaryHeadline")
        self._headline.setFont(theme.headline(self._headline.font()))
        self._headline.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._subtitle = QLabel()
        self._subtitle.setObjectName("summarySubtitle")
        self._subtitle.setWordWrap(True)
        self._problem = QLabel()
        self._problem.setObjectName("summaryProblem")
        self._problem.setWordWrap(True)
        self._problem.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self._hp_box = QGroupBox(self.tr("Best hyperparameters"))
        self._hp_form = QFormLayout(self._hp_box)
        self._hp_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self._counts_box = QGroupBox(self.tr("Trials"))
        self._counts_form = QFormLayout(self._counts_box)
        self._details_box = QGroupBox(self.tr("Search"))
        self._details_form = QFormLayout(self._details_box)

        content = QWidget()
        layout = QVBoxLayout(content)
        layout.addWidget(self._headline)
        layout.addWidget(self._subtitle)
        layout.addWidget(self._problem)
        layout.addWidget(self._hp_box)
        layout.addWidget(self._counts_box)
        layout.addWidget(self._details_box)
        layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(content)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        self._hp_values: dict[str, str] = {}
        self._counts: dict[str, int] = {}
        self._details: dict[str, str] = {}
        self._rebuild_view()

    # ------------------------------------------------------------------ following a search

    def on_trial_started(self, event: dict) -> None:
        self._show_progress()

    def on_trial_ended(self, event: dict) -> None:
        self._show_progress()

    def on_search_finished(self, event: dict) -> None:
        self._show_final(event if isinstance(event, dict) else {})

    def reset(self) -> None:
        """Forget what is shown (and the panel's own state, when it has one)."""
        StatePanel.reset(self)

    def _rebuild_view(self) -> None:
        self._data_text = ""
        self._headline.setText(self.tr("No search yet"))
        self._subtitle.setText(self.tr("Start a search to see its best trial here."))
        self._set_problem("")
        self._fill_hyperparameters({})
        self._fill_counts(Counter())
        self._fill_details({})

    def _show_final(self, final_event: dict) -> None:
        """Show a finished search (its ``search_finished`` event, after the state took it in)."""
        state = self.state
        status = str(final_event.get("status") or "completed")
        statuses = Counter(state.status_counts())  # the state settled the trials still running
        best_id = final_event.get("best_trial_id")
        best = state.trials.get(str(best_id)) if best_id is not None else None
        score = finite_or_none(final_event.get("best_score"))
        if score is None and best is not None:
            score = best.score
        hyperparameters = final_event.get("best_hyperparameters") or (best.hyperparameters if best else {}) or {}

        if score is not None:
            self._headline.setText(self.tr("Best {objective}: {score:.4f}").format(
                objective=state.objective, score=score))
        else:
            self._headline.setText(self.tr("No completed trial"))
        verdict = {"completed": self.tr("Search completed"),
                   "cancelled": self.tr("Search cancelled"),
                   "failed": self.tr("Search failed")}.get(status, self.tr("Search ended"))
        parts = [verdict]
        duration = finite_or_none(final_event.get("duration"))
        if duration is not None:
            parts[0] += self.tr(" in {duration}").format(duration=format_duration(duration))
        if best is not None:
            parts.append(self.tr("best is trial {n}").format(n=best.number or best_id))
        if final_event.get("reason"):  # why it ended: time budget, plateau, trial count ...
            parts.append(core_text.translate_event(final_event, "reason"))
        self._subtitle.setText(" \u00b7 ".join(parts))
        error = str(final_event.get("error") or "")
        if status == "failed":
            self._set_problem(error or self.tr("The search stopped with an error."))
        elif score is None and final_event.get("trials"):
            self._set_problem(self.tr("Every trial failed or was stopped; see the trial table "
                                      "for the reasons."))
        else:
            self._set_problem("")
        self._fill_hyperparameters(hyperparameters)
        self._fill_counts(statuses)
        self._fill_details(self._final_details(final_event, best, duration))

    def _final_details(self, final_event: dict, best, duration: float | None) -> dict[str, str]:
        details = {}
        if best is not None:
            details[self.tr("Best trial took")] = format_duration(best.duration)
        if duration is not None:
            details[self.tr("Search took")] = format_duration(duration)
        test_accuracy = finite_or_none(final_event.get("test_accuracy"))
        if test_accuracy is not None:
            details[self.tr("Test accuracy")] = format_score(test_accuracy)
        if self._data_text:
            details[self.tr("Data")] = self._data_text
        if final_event.get("search_dir"):
            details[self.tr("Saved in")] = str(final_event["search_dir"])
        return details

    # ------------------------------------------------------------------ for tests and callers

    def headline(self) -> str:
        return self._headline.text()

    def subtitle(self) -> str:
        return self._subtitle.text()

    def problem(self) -> str:
        return self._problem.text()

    def hyperparameter_texts(self) -> dict[str, str]:
        """Hyperparameter name -> the text shown for its value."""
        return dict(self._hp_values)

    def status_counts(self) -> dict[str, int]:
        """Status label (``completed``, ``failed``...) -> number of trials."""
        return dict(self._counts)

    def details(self) -> dict[str, str]:
        return dict(self._details)

    # ------------------------------------------------------------------ internals

    def on_search_started(self, event: dict) -> None:
        self._rebuild_view()
        classes = event.get("classes") or []
        pieces = []
        if classes:
            pieces.append(self.tr("{n} classes").format(n=len(classes)))
        if event.get("train_count") is not None:
            pieces.append(self.tr("{train} training / {val} validation images").format(
                train=event.get("train_count"), val=event.get("val_count")))
        if event.get("device"):
            pieces.append(str(event["device"]))
        self._data_text = " \u00b7 ".join(pieces)
        self._headline.setText(self.tr("Search running\u2026"))
        resumed = self.tr(" (resumed)") if event.get("resumed") else ""
        self._subtitle.setText(self.tr("Waiting for the first trial to finish") + resumed)
        details = {self.tr("Data"): self._data_text} if self._data_text else {}
        if event.get("search_dir"):
            details[self.tr("Saved in")] = str(event["search_dir"])
        self._fill_details(details)

    def _show_progress(self) -> None:
        """While the search runs: counts and the best trial so far."""
        state = self.state
        statuses = Counter(state.status_counts())
        self._fill_counts(statuses)
        best = state.best
        total = f"/{state.max_trials}" if isinstance(state.max_trials, int) else ""
        done = sum(n for s, n in statuses.items() if s != RUNNING)
        if best is not None:
            self._headline.setText(self.tr("Best {objective} so far: {score:.4f}").format(
                objective=state.objective, score=float(best.score)))
            self._subtitle.setText(self.tr("{done}{total} trials done \u00b7 best is trial {n}")
                                   .format(done=done, total=total, n=best.number or best.trial_id))
            self._fill_hyperparameters(best.hyperparameters or {})
        else:
            self._subtitle.setText(self.tr("{done}{total} trials done").format(done=done,
                                                                             total=total))

    def _set_problem(self, text: str) -> None:
        self._problem.setText(text)
        self._problem.setVisible(bool(text))
        self._problem.setStyleSheet(f"color: {theme.colors(self.palette()).failed.name()}")

    def _fill_hyperparameters(self, values: dict) -> None:
        self._hp_values = {str(k): format_value(v) for k, v in (values or {}).items()}
        rows = {core_text.hp_label(k): core_text.value_text(v) for k, v in (values or {}).items()}
        tooltips = {core_text.hp_label(k): repr(v) for k, v in (values or {}).items() if isinstance(v, float)}
        self._refill(self._hp_form, rows, tooltips)
        self._hp_box.setVisible(bool(self._hp_values))

    def _fill_counts(self, statuses: Counter) -> None:
        self._counts = {STATUS_TEXT.get(s, s.lower()): statuses[s]
                        for s in sorted(statuses, key=lambda s: (
                            STATUS_ORDER.index(s) if s in STATUS_ORDER else 99, s))
                        if statuses[s]}
        rows = {core_text.status_word(label).capitalize(): str(n) for label, n in self._counts.items()}
        if rows:
            rows[self.tr("Total")] = str(sum(self._counts.values()))
        colors = {}
        for status in statuses:
            color = theme.status_color(status, self.palette())
            if color is not None:
                colors[core_text.status_word(status).capitalize()] = color.name()
        self._refill(self._counts_form, rows, {}, colors)
        self._counts_box.setVisible(bool(rows))

    def _fill_details(self, details: dict[str, str]) -> None:
        self._details = dict(details)
        self._refill(self._details_form, self._details, {})
        self._details_box.setVisible(bool(self._details))

    @staticmethod
    def _refill(form: QFormLayout, rows: dict[str, str], tooltips: dict[str, str],
                colors: dict[str, str] | None = None) -> None:
        """Show ``rows`` (name -> text) in ``form``, reusing its rows' labels: a search refills the
        forms at every trial's end, and each new QLabel in a shown form lays out the whole page at
        once, where a changed text is laid out with the rest on the next turn."""
        while form.rowCount() < len(rows):
            value = QLabel()
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setWordWrap(True)
            form.addRow(QLabel(), value)
        for row, (name, text) in enumerate(rows.items()):
            label = form.itemAt(row, QFormLayout.ItemRole.LabelRole).widget()
            value = form.itemAt(row, QFormLayout.ItemRole.FieldRole).widget()
            label.setText(name.replace("_", " ") if "_" in name else name)
            value.setText(text or UNDEFINED)
            style = f"color: {colors[name]}" if colors and name in colors else ""
            if value.styleSheet() != style:
                value.setStyleSheet(style)
            tip = f"{name} = {tooltips[name]}" if name in tooltips else ""
            if value.toolTip() != tip:
                value.setToolTip(tip)
            form.setRowVisible(row, True)
        for row in range(len(rows), form.rowCount()):
            form.setRowVisible(row, False)
