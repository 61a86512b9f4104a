"""The plan notice ("This budget holds ..."), said when the first epoch fixes the plan and said
again whenever measured times change how many trials the budget holds.

Why: on the bundled sample the plan said "one trial of 14 epochs", then early stopping ended that
trial early and trials 2 and 3 ran within three minutes (issue 24). The notice is now re-issued
when the expected number of trials changes (at most once a trial while it runs, so epoch-to-epoch
noise does not flood the log) and always before a trial the last notice did not promise.
Plain Python, driven by the tuner's hooks (app/core/search/trial_tuner.py).
"""
from __future__ import annotations

import math

from app.core.search.planning.budget import RECENT_EPOCHS, BudgetPlanner
from app.core.util.i18n import QT_TRANSLATE_NOOP
from app.core.util.messages import Message, message

# Said as what is still to come: "about 3 trials" beside "2 finished, 1 min left" read as a promise of
# three more (session 9).
REPLAN_LAST = QT_TRANSLATE_NOOP(
    "CoreMessages", "Re-planned with the measured times ({done} trial(s) finished, {remaining} min left): this "
                    "trial is the last one the budget holds.", "search.replan_last")
REPLAN_MORE = QT_TRANSLATE_NOOP(
    "CoreMessages", "Re-planned with the measured times ({done} trial(s) finished, {remaining} min left): about "
                    "{n} more trial(s) of up to {epochs} epochs after this one.", "search.replan_more")


class PlanNotices:
    def __init__(self) -> None:
        self.said_trials: int | None = None  # trials the last notice promised
        self._said_in_trial: int | None = None  # the trial number during which it was re-issued

    def after_epoch(self, planner: BudgetPlanner, epoch_seconds: float | None, trial_number: int) -> str | None:
        """The notice to emit after an epoch of trial ``trial_number`` (1-based), or None."""
        if not epoch_seconds:
            return None
        expected = planner.expected_trials(epoch_seconds)
        if expected is None:
            return None
        if self.said_trials is None:
            return self._say(planner.plan_summary(epoch_seconds), expected, trial_number)
        current = planner.current
        if current is not None and current.epochs_done < min(RECENT_EPOCHS, current.planned_epochs):
            return None  # a trial's first epochs are slower (tracing): its times settle after a few
        if self._changed(expected) and self._said_in_trial != trial_number:
            return self._say(self._replan_text(planner, expected), expected, trial_number)
        return None

    def _changed(self, expected: int) -> bool:
        """Worth a new notice: a total off by a fifth (at least two), or by one among a few trials (a
        pruned trial gives its time to the next ones, which moves the count a little now and then)."""
        said = self.said_trials or 0
        if abs(expected - said) >= max(2, math.ceil(0.2 * said)):
            return True
        return expected != said and min(expected, said) <= 3

    def at_trial_start(self, planner: BudgetPlanner, epoch_seconds: float | None, trial_number: int) -> str | None:
        """Before trial ``trial_number`` starts: a new notice when the last one promised fewer trials."""
        if self.said_trials is None or trial_number <= self.said_trials or not epoch_seconds:
            return None
        expected = planner.expected_trials(epoch_seconds)
        expected = max(trial_number, expected or trial_number)
        return self._say(self._replan_text(planner, expected), expected, trial_number)

    def _say(self, text: str | None, expected: int, trial_number: int) -> str | None:
        if text:
            self.said_trials = expected
            self._said_in_trial = trial_number
        return text

    @staticmethod
    def _replan_text(planner: BudgetPlanner, expected: int) -> Message:
        """``expected`` counts every trial of the search: the finished ones, this one, and those to come."""
        done = planner.finished_trials
        more = expected - done - 1
        remaining = f"{max(0.0, planner.clock.remaining()) / 60:.0f}"
        if more <= 0:
            return message(REPLAN_LAST, done=done, remaining=remaining)
        return message(REPLAN_MORE, done=done, remaining=remaining, n=more, epochs=planner.target_epochs)
