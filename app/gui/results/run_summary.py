"""What a search found: the best trial's score and hyperparameters, durations, trial counts.

It follows a running search too: counts and the best trial so far update as trials end, and
``search_finished`` settles everything with the search's own verdict.
"""
from __future__ import annotations

from collections import Counter

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QFormLayout, QGroupBox, QLabel, QScrollArea, QVBoxLayout,
                               QWidget)

from app.core.search.events import SearchListener, dispatch
from app.core.util.formatting import UNDEFINED, format_duration, format_score, format_value
from app.core.search.search_state import best_trial, finite_or_none, settle_status
from app.gui.text import core_text
from app.gui.paint import theme
from app.gui.training.trial_cells import STATUS_TEXT

STATUS_ORDER = ("COMPLETED", "RUNNING", "FAILED", "INVALID", "STOPPED", "CANCELLED")


class RunSummary(QWidget, SearchListener):
    """The outcome of a search at a glance."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("runSummary")
        self._objective = "val_accuracy"
        self._trials: dict[str, dict] = {}
        self._max_trials: int | None = None
        self._started: float | None = None
        self._data_text = ""

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
        self.reset()

    # ------------------------------------------------------------------ public API

    def handle_event(self, event: dict) -> None:
        """Follow a search; ``search_finished`` is shown with :meth:`set_summary`."""
        dispatch(event, self)

    def on_trial_started(self, event: dict) -> None:
        trial_id = str(event.get("trial_id"))
        self._trials[trial_id] = {"trial_id": trial_id, "number": event.get("number"),
                                  "status": "RUNNING", "score": None,
                                  "hyperparameters": event.get("hyperparameters") or {}}
        self._show_progress()

    def on_trial_ended(self, event: dict) -> None:
        self._trials[str(event.get("trial_id"))] = dict(event)
        self._show_progress()

    def on_search_finished(self, event: dict) -> None:
        self.set_summary(event)

    def reset(self) -> None:
        self._trials.clear()
        self._max_trials = None
        self._started = None
        self._data_text = ""
        self._headline.setText(self.tr("No search yet"))
        self._subtitle.setText(self.tr("Start a search to see its best trial here."))
        self._set_problem("")
        self._fill_hyperparameters({})
        self._fill_counts(Counter())
        self._fill_details({})

    def set_summary(self, final_event: dict) -> None:
        """Show a finished search (a ``search_finished`` event)."""
        final_event = final_event if isinstance(final_event, dict) else {}
        trials = [t for t in final_event.get("trials") or [] if isinstance(t, dict)]
        for trial in trials:
            if trial.get("trial_id") is not None:
                self._trials[str(trial["trial_id"])] = dict(trial)
        status = str(final_event.get("status") or "completed")
        statuses = Counter(str(t.get("status") or "").upper() for t in self._trials.values())
        if statuses.get("RUNNING"):
            # A trial still "running" when the search ended did not finish.
            statuses[settle_status("RUNNING")] += statuses.pop("RUNNING")
        best_id = final_event.get("best_trial_id")
        best = self._trials.get(str(best_id)) if best_id is not None else None
        score = finite_or_none(final_event.get("best_score"))
        if score is None and best is not None:
            score = finite_or_none(best.get("score"))
        hyperparameters = final_event.get("best_hyperparameters") or (
            best.get("hyperparameters") if best else {}) or {}

        if score is not None:
            self._headline.setText(self.tr("Best {objective}: {score:.4f}").format(
                objective=self._objective, score=score))
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
            parts.append(self.tr("best is trial {n}").format(n=best.get("number") or best_id))
        if final_event.get("reason"):  # why it ended: time budget, plateau, trial count ...
            parts.append(core_text.translate(str(final_event["reason"])))
        self._subtitle.setText(" \u00b7 ".join(parts))
        error = str(final_event.get("error") or "")
        if status == "failed":
            self._set_problem(error or self.tr("The search stopped with an error."))
        elif score is None and trials:
            self._set_problem(self.tr("Every trial failed or was stopped; see the trial table "
                                      "for the reasons."))
        else:
            self._set_problem("")
        self._fill_hyperparameters(hyperparameters)
        self._fill_counts(statuses)
        details = {}
        if best is not None:
            details[self.tr("Best trial took")] = format_duration(
                finite_or_none(best.get("duration")))
        if duration is not None:
            details[self.tr("Search took")] = format_duration(duration)
        test_accuracy = finite_or_none(final_event.get("test_accuracy"))
        if test_accuracy is not None:
            details[self.tr("Test accuracy")] = format_score(test_accuracy)
        if self._data_text:
            details[self.tr("Data")] = self._data_text
        if final_event.get("search_dir"):
            details[self.tr("Saved in")] = str(final_event["search_dir"])
        self._fill_details(details)

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
        self.reset()
        config = event.get("config") if isinstance(event.get("config"), dict) else {}
        self._objective = str(config.get("objective") or "val_accuracy")
        self._max_trials = event.get("max_trials")
        self._started = finite_or_none(event.get("time"))
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
        statuses = Counter(str(t.get("status") or "").upper() for t in self._trials.values())
        self._fill_counts(statuses)
        best = best_trial(self._trials.values(), self._objective)
        total = f"/{self._max_trials}" if isinstance(self._max_trials, int) else ""
        done = sum(n for s, n in statuses.items() if s != "RUNNING")
        if best is not None:
            self._headline.setText(self.tr("Best {objective} so far: {score:.4f}").format(
                objective=self._objective, score=float(best["score"])))
            self._subtitle.setText(self.tr("{done}{total} trials done \u00b7 best is trial {n}")
                                   .format(done=done, total=total,
                                           n=best.get("number") or best.get("trial_id")))
            self._fill_hyperparameters(best.get("hyperparameters") or {})
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
