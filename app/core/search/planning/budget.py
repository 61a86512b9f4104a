"""Spending a wall-clock budget on a search: how many epochs each trial gets, when to stop.

Plain Python (no TensorFlow), driven by the runner's hooks and tested with made-up timings.

The plan, in the spirit of successive halving but with comparable trials:

* The budget counts from the start of the search: scanning and decoding the images are paid
  from it too. A resumed search continues with what is left.
* Every trial aims at the same number of epochs ``E`` (so trials compare at equal training), chosen
  when the first trial starts from its measured (or estimated) epoch time: as many trials of at
  least ``LONG_TRIAL_EPOCHS`` epochs as fit, each as long as the budget allows, at most the
  configured epochs. A budget that holds less than two such trials is one long trial. Learning-rate schedules are laid out over the epochs a trial will really get,
  so a trial that is cut still ends at a low learning rate.
* After every epoch the trial is re-planned with measured times: if its remaining epochs no longer
  fit, it is shortened (its schedule too) so that it ends on time. The total overrun is at most
  one epoch (a misjudged epoch), never a whole trial.
* Weak trials are discarded early: from a third of the way in, a trial that is clearly behind the
  best trial at the same epoch is stopped (it keeps its best epoch, marked "pruned") and its time
  goes to the next trial.
* A search whose best score has not improved for ``plateau_trials`` trials in a row ends and says so.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Callable

from app.core.options.duration import format_duration
from app.core.util.i18n import QT_TRANSLATE_NOOP
from app.core.util.messages import message

BUDGET_SPENT = message(QT_TRANSLATE_NOOP("CoreMessages", "The time budget is spent.", "search.budget_spent"))

# One trial of the default residual net needs about this many epochs to converge (quality-facts.md,
# BENCHMARKS.md: 13-15 epochs reach 0.757-0.763 held-out on flowers at 96 px, 26 reach 0.761). The
# automatic image size and width are the largest at which one trial gets them ...
CONVERGED_EPOCHS = 14
# ... with this share spare: real epochs also validate, and a busy machine runs slower than timed.
PLAN_MARGIN = 1.15
# The budget is split into several trials only when each of them still gets this many epochs.
# Measured on flowers in 10 minutes: two trials of about 14 epochs scored 0.698-0.739 held-out
# (the second one pruned or cut), one trial of 22 epochs 0.765 and 0.779.
LONG_TRIAL_EPOCHS = 20
# The last trial of a budget may be shorter, but not below this many epochs ...
MIN_LAST_TRIAL_EPOCHS = 5
# ... nor below this share of the other trials' epochs: a trial laid out over much fewer epochs cannot
# beat them (flowers, 10 minutes: trials of 14 epochs scored 3-7 points below one of 22, and a last
# trial of 8 epochs after trials of 20 scored 0.466 against 0.74 and spent 85 s of the budget).
MIN_LAST_TRIAL_SHARE = 0.6
# Re-planning a running trial follows the median of its last few epochs.
RECENT_EPOCHS = 3
# Early discarding: compare from this share of the planned epochs on ...
PRUNE_FROM = 0.34
# ... and stop a trial whose objective is this far behind the best trial's at the same epoch (or
# further, on a small validation split: prune_margin).
PRUNE_MARGIN = 0.05
STOP_BUDGET = "budget"
STOP_USER = "user"
STOP_PRUNED = "pruned"
STOP_PLATEAU = "plateau"


def prune_margin(val_count: int | None, accuracy: bool) -> float:
    """How far behind a trial is pruned: ``PRUNE_MARGIN``, or for an accuracy on a small validation
    split its noise, one standard error at 50 % (0.5 / sqrt(n)). Why: on the bundled sample (19
    validation photos) one photo is 0.053, six trials in a row were pruned one photo behind at epoch
    21 of 60, and the search ended on its plateau rule after 3 of its 10 minutes (session 10)."""
    if not accuracy or not val_count:
        return PRUNE_MARGIN
    return max(PRUNE_MARGIN, 0.5 / math.sqrt(val_count))


class BudgetClock:
    """Seconds spent and left; ``budget`` 0 or None means no limit."""

    def __init__(self, budget: float | None, spent_before: float = 0.0, clock=time.monotonic):
        self.budget = float(budget) if budget else 0.0
        self.spent_before = float(spent_before or 0.0)
        self._clock = clock
        self._start = clock()

    @property
    def limited(self) -> bool:
        return self.budget > 0

    def elapsed(self) -> float:
        return self.spent_before + (self._clock() - self._start)

    def remaining(self) -> float:
        return self.budget - self.elapsed() if self.limited else math.inf

    def exhausted(self) -> bool:
        return self.limited and self.remaining() <= 0


@dataclass
class TrialPlan:
    """What one running trial was given and how it is going."""

    trial_id: str
    planned_epochs: int
    epoch_seconds: list[float] = field(default_factory=list)
    scores: list[float | None] = field(default_factory=list)
    stopped: str | None = None  # STOP_BUDGET, STOP_USER, STOP_PRUNED
    goal: int = 0  # the epochs first planned: a trial cut for a slow spell gets them back when it ends

    def __post_init__(self):
        self.goal = self.goal or self.planned_epochs

    @property
    def epochs_done(self) -> int:
        return len(self.epoch_seconds)

    def epoch_time(self) -> float | None:
        """Typical epoch time of this trial; the first epoch also traces the graph, so it is
        left out once there is another."""
        times = self.epoch_seconds[1:] or self.epoch_seconds
        return sorted(times)[len(times) // 2] if times else None

    def recent_epoch_time(self) -> float | None:
        """The median of the last few epochs: the speed now (a shared or throttled machine has
        slow spells; the plan follows them both ways)."""
        times = (self.epoch_seconds[1:] or self.epoch_seconds)[-RECENT_EPOCHS:]
        # The lower middle of an even count: one slow epoch alone does not re-plan the trial.
        return sorted(times)[(len(times) - 1) // 2] if times else None


class BudgetPlanner:
    """Decides each trial's epochs and when to stop, from the clock and measured epoch times."""

    def __init__(self, clock: BudgetClock, max_epochs: int, maximize: bool = True,
                 plateau_trials: int = 0, min_trial_epochs: int = LONG_TRIAL_EPOCHS,
                 prune: bool = True):
        self.clock = clock
        self.max_epochs = max(1, int(max_epochs))
        self.maximize = maximize
        self.plateau_trials = int(plateau_trials or 0)
        self.min_trial_epochs = max(1, min(min_trial_epochs, self.max_epochs))
        self.prune = prune
        self.prune_margin = PRUNE_MARGIN  # set from the validation split's size (prune_margin())
        self.target_epochs: int | None = None  # E, fixed when the first trial is planned
        self.current: TrialPlan | None = None
        self.best_curve: list[float | None] = []  # per-epoch objective of the best trial so far
        self.best_score: float | None = None
        self.since_improvement = 0
        self.finished_trials = 0
        self.stop_reason: str | None = None  # why no further trial starts (text for the user)
        self.stop_kind: str | None = None
        self._provisional = False
        # Seconds a trial spends outside its epochs' steady state (building the model, tracing its
        # train and test steps), measured on the first trial and reserved for each later one.
        self.trial_overhead = 0.0
        # (epoch, planned epochs) -> that epoch's time relative to a full one: progressive resizing
        # (app/core/data/resize_schedule.py) makes early epochs cheaper. Epoch times are kept in
        # full-epoch units; what fits is summed epoch by epoch.
        self.epoch_cost: Callable[[int, int], float] | None = None

    # ---------------------------------------------------------------- helpers

    def _better(self, a: float | None, b: float | None) -> bool:
        if a is None:
            return False
        if b is None:
            return True
        return a > b if self.maximize else a < b

    def restore(self, finished: list[dict]) -> None:
        """Take in trials finished before a resume (``trial_ended`` events, in order)."""
        for event in finished:
            if event.get("status") == "COMPLETED":
                curve = (event.get("history") or {}).get(self.objective_name) or []
                self.trial_finished(event.get("score"), curve, count_only=True)
            if event.get("epochs_planned") and self.target_epochs is None:
                self.target_epochs = int(event["epochs_planned"])

    objective_name = "val_accuracy"

    # ---------------------------------------------------------------- planning

    def plan_trial(self, trial_id: str, epoch_estimate: float | None) -> int | None:
        """Epochs for a new trial, or None when it should not start (the reason is in stop_reason)."""
        if self.stop_reason:
            return None
        if not self.clock.limited:
            epochs = self.max_epochs
        else:
            remaining = self.clock.remaining()
            if remaining <= 0 and self.best_score is not None:
                self._stop(STOP_BUDGET, BUDGET_SPENT)
                return None
            if remaining <= 0:
                # Nothing finished yet: one epoch more is better than no model at all.
                self.current = TrialPlan(trial_id, 1)
                return 1
            if not epoch_estimate or epoch_estimate <= 0:
                # Nothing measured yet: planned after this trial's first epoch (see after_epoch).
                epochs = self.target_epochs or self.max_epochs
                self._provisional = self.target_epochs is None
            else:
                fit = self.epochs_that_fit(0, max(0.0, remaining - self.trial_overhead), epoch_estimate)
                if self.target_epochs is None:
                    self.target_epochs = self._target(fit)
                    # An estimate made before any real epoch: re-planned after the first one.
                    self._provisional = True
                epochs = min(self.target_epochs, fit)
                least = min(self.target_epochs,
                            max(MIN_LAST_TRIAL_EPOCHS, math.ceil(MIN_LAST_TRIAL_SHARE * self.target_epochs)))
                if epochs < least and self.finished_trials > 0:
                    need = self.trial_seconds(least, epoch_estimate) + self.trial_overhead
                    self._stop(STOP_BUDGET, message(QT_TRANSLATE_NOOP(
                        "CoreMessages", "The {remaining} s left are too short for another useful trial (about {need} s "
                                        "for {least} epochs and the model's set-up).", "search.budget_too_short"),
                        remaining=f"{remaining:.0f}", need=f"{need:.0f}", least=least))
                    return None
                epochs = max(1, epochs)
        self.current = TrialPlan(trial_id, epochs)
        return epochs

    def expected_trials(self, epoch_estimate: float | None) -> int | None:
        """How many trials the whole budget holds at the current plan (the finished ones and the
        one just planned included); None without a time limit or before any epoch time is known."""
        if not self.clock.limited or not epoch_estimate or not self.target_epochs:
            return None
        per_trial = self.trial_seconds(self.target_epochs, epoch_estimate) + self.trial_overhead
        planned = 0.0
        if self.current:  # what the current trial still needs (its epochs done are paid already)
            cur = self.current
            planned = self.trial_seconds(cur.planned_epochs, epoch_estimate, start=cur.epochs_done) + (
                self.trial_overhead if cur.epochs_done == 0 else 0.0)
        left = max(0.0, self.clock.remaining() - planned)
        return self.finished_trials + (1 if self.current else 0) + int(left // per_trial)

    def plan_summary(self, epoch_seconds: float) -> str | None:
        """What the budget holds, for the user, once the first trial's epochs are measured."""
        trials = self.expected_trials(epoch_seconds)
        if trials is None or not self.target_epochs:
            return None
        if trials <= 1:
            # The time before the first trial (scan, decoding, timing) plus two long trials.
            before = max(0.0, self.clock.elapsed() - epoch_seconds - self.trial_overhead)
            several = before + 2 * (self.trial_seconds(self.min_trial_epochs, epoch_seconds) + self.trial_overhead)
            return (f"This budget holds one trial of {self.target_epochs} epochs: one well-trained model scores "
                    f"higher than several short trials. A search of several trials needs about "
                    f"{format_duration(60 * math.ceil(several / 60))}.")
        return f"This budget holds about {trials} trials of {self.target_epochs} epochs each."

    def trial_seconds(self, epochs: int, per_epoch: float, start: int = 0) -> float:
        """The time of epochs ``start..epochs-1`` of a trial of ``epochs`` epochs at ``per_epoch``
        seconds a full epoch (the whole trial by default)."""
        if self.epoch_cost is None:
            return max(0, epochs - start) * per_epoch
        return per_epoch * math.fsum(self.epoch_cost(e, epochs) for e in range(start, epochs))

    def epochs_that_fit(self, done: int, seconds: float, per_epoch: float, cap: int | None = None) -> int:
        """The most epochs ``T`` (at least ``done``, at most ``cap``) whose epochs ``done..T-1`` take at
        most ``seconds`` at ``per_epoch`` seconds a full epoch (each priced by ``epoch_cost``)."""
        if per_epoch <= 0:
            return done
        if self.epoch_cost is None:
            fit = done + int(seconds // per_epoch)
            return fit if cap is None else min(cap, fit)
        best, total = done, done + 1
        limit = cap if cap is not None else done + int(seconds // (per_epoch * 0.05)) + 1
        while total <= limit:
            need = per_epoch * math.fsum(self.epoch_cost(e, total) for e in range(done, total))
            if need <= seconds:
                best = total
            elif need > seconds * 2:
                break  # the cheapest epochs are a few times cheaper, not more
            total += 1
        return best

    def _target(self, fit: int) -> int:
        """Epochs per trial when ``fit`` epochs fit in the budget: as many trials of about
        ``min_trial_epochs`` as fit, as long as possible each, at most max_epochs."""
        trials = max(1, fit // self.min_trial_epochs)
        return max(1, min(self.max_epochs, fit // trials))

    def after_epoch(self, epoch_seconds: float, score: float | None) -> tuple[int, str | None]:
        """Record an epoch of the current trial; return (its total epochs now, stop now?).

        The total shrinks when the rest no longer fits the budget; the second value names why the
        trial ends after this epoch (STOP_BUDGET, STOP_PRUNED) or is None.
        """
        plan = self.current
        if plan is None:
            return 0, None
        if self.epoch_cost is not None:  # in full-epoch units
            epoch_seconds /= self.epoch_cost(plan.epochs_done, plan.planned_epochs)
        plan.epoch_seconds.append(epoch_seconds)
        plan.scores.append(score)
        done = plan.epochs_done
        if self._provisional and self.clock.limited:
            # First measurement of the search: plan it now, as plan_trial would have with an estimate.
            self._provisional = False
            fit = self.epochs_that_fit(done, max(0.0, self.clock.remaining() - self.trial_overhead), epoch_seconds)
            self.target_epochs = self._target(fit)
            plan.planned_epochs = plan.goal = max(done, self.target_epochs)
        cut = plan.stopped == STOP_BUDGET
        if self.clock.limited and (done < plan.planned_epochs or cut) and done < plan.goal:
            per_epoch = plan.recent_epoch_time() or epoch_seconds
            fit = self.epochs_that_fit(done, max(0.0, self.clock.remaining()), per_epoch, plan.goal) - done
            wanted = min(plan.goal, done + fit)
            if wanted < plan.planned_epochs:
                plan.planned_epochs = wanted  # the schedule follows (see the runner)
                plan.stopped = STOP_BUDGET
                if fit == 0:
                    return done, STOP_BUDGET
            elif wanted > plan.planned_epochs:
                # Faster again after a slow spell: the epochs cut come back (measured on flowers: a
                # trial cut from 17 to 13 epochs ended 93 s before the budget).
                plan.planned_epochs = wanted
                plan.stopped = STOP_BUDGET if wanted < plan.goal else None
        if done >= plan.planned_epochs:
            return done, None
        if self._behind(plan):
            plan.planned_epochs = done
            plan.stopped = STOP_PRUNED
            return done, STOP_PRUNED
        return plan.planned_epochs, None

    def _behind(self, plan: TrialPlan) -> bool:
        """Clearly worse than the best trial was at the same epoch (both on the same schedule length)."""
        if not self.prune or not self.best_curve:
            return False
        done = plan.epochs_done
        if done < max(2, math.ceil(PRUNE_FROM * plan.planned_epochs)):
            return False
        if done > len(self.best_curve):
            return False
        mine = _best_so_far(plan.scores[:done], self.maximize)
        theirs = _best_so_far(self.best_curve[:done], self.maximize)
        if mine is None or theirs is None:
            return False
        gap = (theirs - mine) if self.maximize else (mine - theirs)
        return gap > self.prune_margin * max(1.0, abs(theirs))

    def trial_finished(self, score: float | None, curve: list, count_only: bool = False) -> None:
        """A trial ended with ``score``; ``curve`` is its per-epoch objective."""
        self.finished_trials += 1
        plan, self.current = self.current, None
        if self._better(score, self.best_score):
            self.best_score = score
            # Pruning compares only trials of the same planned length.
            if plan is None or self.target_epochs is None or plan.planned_epochs >= self.target_epochs \
                    or not self.best_curve:
                self.best_curve = list(curve)
            self.since_improvement = 0
        elif score is not None:
            self.since_improvement += 1
        if not count_only and self.plateau_trials and self.since_improvement >= self.plateau_trials:
            self._stop(STOP_PLATEAU, message(QT_TRANSLATE_NOOP(
                "CoreMessages", "No better trial in the last {n} trials: the search has plateaued and ends early.",
                "search.plateau"), n=self.since_improvement))

    def _stop(self, kind: str, reason: str) -> None:
        if not self.stop_reason:
            self.stop_kind, self.stop_reason = kind, reason


def _best_so_far(values: list, maximize: bool) -> float | None:
    present = [v for v in values if v is not None]
    if not present:
        return None
    return max(present) if maximize else min(present)


def epochs_to_afford(max_epochs: int) -> float:
    """Epochs the automatic size and width must fit in the budget: one converged trial, with margin."""
    return min(CONVERGED_EPOCHS, max_epochs) * PLAN_MARGIN


def choose_image_size(native: int, epoch_seconds_at: dict[int, float], budget_left: float,
                      max_epochs: int) -> int:
    """``image_size: "auto"``: small native images keep their size; photos get the largest of
    ``epoch_seconds_at``'s sizes (e.g. 128, 96, 64) at which one trial of ``CONVERGED_EPOCHS``
    epochs fits in the budget with margin (the largest without a budget), else the smallest.
    Pixels before more epochs: past convergence, doubling a trial's epochs added less than a
    point on flowers (quality-facts.md)."""
    sizes = sorted(epoch_seconds_at, reverse=True)
    if not math.isfinite(budget_left):
        return sizes[0]
    need = epochs_to_afford(max_epochs)
    for size in sizes:
        if epoch_seconds_at[size] * need <= budget_left:
            return size
    return sizes[-1]


def choose_first_width(widths: list[int], epoch_seconds_at: dict[int, float], budget_left: float,
                       max_epochs: int) -> int:
    """The first trial's width: the widest at which one trial of ``CONVERGED_EPOCHS`` fits with
    margin (given each width's epoch time at the smallest image size it may get); else the narrowest."""
    ordered = sorted(widths, reverse=True)
    if not math.isfinite(budget_left):
        return ordered[0]
    need = epochs_to_afford(max_epochs)
    for width in ordered:
        if epoch_seconds_at.get(width, math.inf) * need <= budget_left:
            return width
    return ordered[-1]


def choose_width_and_size(epoch_seconds_at_ref: dict[int, float], ref_size: int, sizes: list[int],
                          native: int, budget_left: float, max_epochs: int) -> tuple[int, int]:
    """(first trial's width, image size) for ``image_size: "auto"``: the widest width at which one
    converged trial fits at the smallest size, then the largest size that width
    affords. Filters before pixels: measured on flowers in 10 minutes on 2 cores, width 32 at
    64 px reached 0.78 held-out where width 16 at 96 px reached 0.73 (BENCHMARKS.md).
    ``epoch_seconds_at_ref``: each width's epoch time at ``ref_size`` (other sizes scale by pixels)."""
    smallest = min(sizes)
    at_smallest = {w: t * (smallest / ref_size) ** 2 for w, t in epoch_seconds_at_ref.items()}
    width = choose_first_width(list(epoch_seconds_at_ref), at_smallest, budget_left, max_epochs)
    per_size = {s: epoch_seconds_at_ref[width] * (s / ref_size) ** 2 for s in sizes}
    return width, choose_image_size(native, per_size, budget_left, max_epochs)
