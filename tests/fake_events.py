"""A realistic, deterministic stream of search events, without TensorFlow.

``fake_search_events()`` returns the event dicts a real search emits, in order and with exactly
the fields documented in ``app/core/search/events.py``: ``search_started``, a ``notice``, then per trial
``trial_started``, ``batch_ended`` (every batch), ``epoch_ended`` (with a validation confusion
matrix whose counts agree with ``val_accuracy``), ``trial_ended``, and finally
``search_finished``. Curves improve with noise, some hyperparameters train better than others,
and chosen trials can fail or the search can be cancelled.

Only the standard library is used, so GUI tests and fake runners can import it freely::

    from fake_events import fake_search_events
    for event in fake_search_events(n_trials=3, epochs=4, classes=["cat", "dog"]):
        panel.handle_event(event)
"""
from __future__ import annotations

import math
import random
from typing import Iterable

DEFAULT_CLASSES = ("daisy", "dandelion", "roses", "sunflowers", "tulips")
FAILURE_MESSAGE = (
    "Traceback (most recent call last):\n"
    '  File "keras_tuner/src/engine/base_tuner.py", line 274, in _try_run_and_update_trial\n'
    "    self._run_and_update_trial(trial, *fit_args, **fit_kwargs)\n"
    "tensorflow.python.framework.errors_impl.ResourceExhaustedError: "
    "OOM when allocating tensor with shape[64,128,128,64]"
)


def fake_search_events(n_trials: int = 3, epochs: int = 4, classes: Iterable[str] | None = None,
                       *, steps: int = 5, val_per_class: int = 8, failed_trials: Iterable[int] = (),
                       cancel_during_trial: int | None = None, objective: str = "val_accuracy",
                       seed: int = 0, start_time: float = 1_700_000_000.0,
                       search_id: str = "20231114-221320-flowers",
                       time_budget: float | None = None) -> list[dict]:
    """The events of one search, oldest first.

    Args:
        n_trials: trials to run (``max_trials``).
        epochs: planned epochs per trial.
        classes: class names (default: five flower names).
        steps: batches per epoch; every batch gets a ``batch_ended`` event.
        val_per_class: validation images per class, the confusion matrices' row sums.
        failed_trials: 1-based trial numbers that fail after their first epoch.
        cancel_during_trial: 1-based trial number during whose second epoch the user cancels;
            that trial ends ``CANCELLED`` and the search ends ``cancelled``.
        objective: ``"val_accuracy"`` or ``"val_loss"``; sets the score and the direction.
        seed: the same seed gives the same events.
        start_time: the first event's ``time``.
        search_id: the search's id.
        time_budget: the search's time budget in seconds (None: no limit).
    """
    rng = random.Random(seed)
    classes = list(classes) if classes is not None else list(DEFAULT_CLASSES)
    n_classes = len(classes)
    failed = set(failed_trials)
    clock = _Clock(start_time)
    search_dir = f"/home/user/.local/share/TuneStudio/searches/{search_id}"
    config = {
        "data_dir": "/home/user/photos/flowers", "name": "flowers", "architecture": "simple_cnn",
        "image_size": 64, "tuner": "random", "max_trials": n_trials, "epochs": epochs,
        "objective": objective, "seed": 42, "val_fraction": 0.2,
        "learning_rate": {"min": 1e-4, "max": 1e-2, "log": True},
        "width": {"choices": [32, 64]}, "depth": {"min": 1, "max": 3},
        "dropout": {"min": 0.0, "max": 0.5, "step": 0.1},
        "optimizer": {"choices": ["adam", "sgd"]}, "batch_norm": {"choices": [True, False]},
    }
    val_count = val_per_class * n_classes
    events = [_event("search_started", clock.tick(0.0),
                     search_id=search_id, name=config["name"], search_dir=search_dir, config=config, device="CPU",
                     devices=["CPU"], mixed_precision=False, classes=classes,
                     train_count=val_count * 4, val_count=val_count, test_count=0,
                     max_trials=n_trials, resumed=False, completed_trials=0,
                     dataset_fingerprint="3f9a1c0d2b7e", versions={
                         "tensorflow": "2.21.0", "keras": "3.15.1", "keras_tuner": "1.4.8"},
                     cache="memory", pid=4242, time_budget=time_budget, budget_spent_before=0.0, budget_spent=0.0,
                     image_size=64, class_weights=False),
              _event("notice", clock.tick(0.4), level="info", reason="estimate",
                     message="Image size 64 px; measured epoch times: width 32 at 64 px ~2 s.",
                     estimates=[{"image_size": 64, "width": 32, "batch_size": 32, "params": 120_000,
                                 "activation_bytes": 9_000_000, "step_seconds": 0.08,
                                 "epoch_seconds": 2.0, "fits": True}]),
              # A core message with an id carries it as data (app/core/util/messages.py).
              _event("notice", clock.tick(0.1), level="info", reason="plan",
                     message=f"Re-planned with the measured times (0 trial(s) finished, 9 min left): about "
                             f"{max(0, n_trials - 1)} more trial(s) of up to {epochs} epochs after this one.",
                     message_msg={"id": "search.replan_more",
                                  "template": "Re-planned with the measured times ({done} trial(s) finished, "
                                              "{remaining} min left): about {n} more trial(s) of up to {epochs} "
                                              "epochs after this one.",
                                  "fields": {"done": 0, "remaining": "9", "n": max(0, n_trials - 1),
                                             "epochs": epochs}})]
    id_width = len(str(max(n_trials - 1, 0)))
    summaries: list[dict] = []
    search_status = "completed"
    search_start = start_time

    for number in range(1, n_trials + 1):
        trial_id = str(number - 1).zfill(id_width)
        hp = {
            "learning_rate": round(10 ** rng.uniform(-4, -2), 8),
            "width": rng.choice([32, 64]),
            "depth": rng.randint(1, 3),
            "dropout": round(rng.choice([0.0, 0.1, 0.2, 0.3, 0.4, 0.5]), 1),
            "optimizer": rng.choice(["adam", "sgd"]),
            "batch_norm": rng.choice([True, False]),
        }
        batch_size = 32
        # How good this trial gets: learning rates near 1e-3 and adam train best.
        quality = 0.55 + 0.3 * math.exp(-(math.log10(hp["learning_rate"]) + 3) ** 2)
        quality += 0.05 if hp["optimizer"] == "adam" else -0.05
        quality = min(0.97, max(1.0 / n_classes + 0.05, quality + rng.uniform(-0.05, 0.05)))
        speed = rng.uniform(0.5, 1.2)
        # Wider and deeper networks take longer per batch.
        batch_seconds = 0.08 * hp["width"] / 32 * (1 + 0.5 * hp["depth"]) * rng.uniform(0.8, 1.25)
        trial_start = clock.tick(0.6)
        events.append(_event("trial_started", trial_start, trial_id=trial_id, number=number,
                             hyperparameters=dict(hp), batch_size=batch_size, epochs_planned=epochs))
        history: dict[str, list[float]] = {"loss": [], "accuracy": [], "val_loss": [],
                                           "val_accuracy": []}
        confusions: list[list[list[int]]] = []
        status, message = "COMPLETED", ""
        for epoch in range(epochs):
            progress = 1.0 - math.exp(-speed * (epoch + 1))
            train_acc = _clip(1.0 / n_classes + (quality + 0.04 - 1.0 / n_classes) * progress
                              + rng.uniform(-0.02, 0.02))
            train_loss = max(0.02, -math.log(max(train_acc, 1e-3)) * 1.3 + rng.uniform(0, 0.05))
            for batch in range(steps):
                # Keras batch logs are running means over the epoch so far.
                wobble = rng.uniform(-0.08, 0.08) / (batch + 1)
                events.append(_event(
                    "batch_ended", clock.tick(batch_seconds), trial_id=trial_id, epoch=epoch, batch=batch,
                    steps=steps, logs={"loss": round(train_loss * (1.15 - 0.15 * batch / steps)
                                                     + wobble, 5),
                                       "accuracy": round(_clip(train_acc + wobble), 5)}))
                if cancel_during_trial == number and epoch == 1 and batch == steps // 2:
                    status, message = "CANCELLED", "cancelled by the user"
                    break
            if status == "CANCELLED":
                break
            target = _clip(1.0 / n_classes + (quality - 1.0 / n_classes) * progress
                           + rng.uniform(-0.04, 0.04))
            confusion = _confusion(rng, n_classes, val_per_class, target)
            confusions.append(confusion)
            correct = sum(confusion[i][i] for i in range(n_classes))
            val_acc = correct / val_count
            val_loss = max(0.05, -math.log(max(val_acc, 1e-3)) * 1.4 + rng.uniform(0, 0.1))
            logs = {"loss": round(train_loss, 5), "accuracy": round(train_acc, 5),
                    "val_loss": round(val_loss, 5), "val_accuracy": round(val_acc, 5)}
            for key, value in logs.items():
                history[key].append(value)
            elapsed = clock.tick(0.3) - search_start
            events.append(_event("epoch_ended", round(search_start + elapsed, 3), trial_id=trial_id, epoch=epoch,
                                 epochs=epochs, logs=logs, confusion=confusion, class_names=list(classes),
                                 elapsed=round(elapsed, 3),
                                 budget_remaining=None if time_budget is None else max(time_budget - elapsed, 0.0)))
            if number in failed:
                status, message = "FAILED", FAILURE_MESSAGE
                break
        values = history[objective]
        if status == "COMPLETED" and values:
            pick = max if objective == "val_accuracy" else min
            score = pick(values)
            best_step = values.index(score)
        else:
            score, best_step = None, 0
        summary = {"trial_id": trial_id, "number": number, "status": status, "score": score,
                   "duration": round(clock.now - trial_start, 3), "message": message,
                   "hyperparameters": dict(hp), "stopped": None, "epochs_planned": epochs,
                   "epochs_run": len(history["loss"])}
        summaries.append(summary)
        events.append(_event("trial_ended", clock.tick(0.1), **summary, best_step=best_step,
                             history={k: list(v) for k, v in history.items()},
                             # The epoch whose weights were kept, as the runner reports it.
                             confusion=confusions[best_step] if status == "COMPLETED" else None))
        if status == "CANCELLED":
            search_status = "cancelled"
            break

    completed = [s for s in summaries if s["status"] == "COMPLETED"]
    best = None
    if completed:
        key = (lambda s: -s["score"]) if objective == "val_accuracy" else (lambda s: s["score"])
        best = min(completed, key=key)
    events.append(_event(
        "search_finished", clock.tick(0.2), status=search_status, error="",
        best_trial_id=best["trial_id"] if best else None,
        best_score=best["score"] if best else None,
        best_hyperparameters=dict(best["hyperparameters"]) if best else {},
        trials=summaries, duration=round(clock.now - search_start, 3), search_dir=search_dir,
        reason=("Stopped by the user." if search_status == "cancelled"
                else f"All {n_trials} trials ran" + ("." if time_budget is None else " within the budget.")),
        # The reason as a message with its id, as app/core/search/runner.py sends it (the window translates by id).
        reason_msg={"id": "search.all_trials_ran", "template": "All {done} trials ran.", "fields": {"done": n_trials}},
        test_accuracy=None, time_budget=time_budget, elapsed=round(clock.now - search_start, 3),
        final_model=({"kind": "trial", "trials": [best["trial_id"]], "val_score": best["score"],
                      "best_trial_val_score": best["score"], "metric": objective} if best else None)))
    return events


def _event(kind: str, time: float, **fields) -> dict:
    event = {"type": kind, "time": time}
    event.update(fields)
    return event


def _clip(value: float) -> float:
    return min(1.0, max(0.0, value))


def _confusion(rng: random.Random, n: int, per_class: int, accuracy: float) -> list[list[int]]:
    """Rows = true class; each row sums to ``per_class``; about ``accuracy`` on the diagonal."""
    matrix = [[0] * n for _ in range(n)]
    for true in range(n):
        if n < 2:
            matrix[true][true] = per_class
            continue
        correct = sum(1 for _ in range(per_class) if rng.random() < accuracy)
        matrix[true][true] = correct
        # Mistakes favour a "neighbour" class, as real confusions do (roses vs tulips).
        for _ in range(per_class - correct):
            wrong = (true + 1) % n if rng.random() < 0.5 else rng.randrange(n)
            if wrong == true:
                wrong = (true + 1) % n
            matrix[true][wrong] += 1
    return matrix


class _Clock:
    def __init__(self, start: float) -> None:
        self.now = start

    def tick(self, seconds: float) -> float:
        self.now += seconds
        return round(self.now, 3)
