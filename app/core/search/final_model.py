"""The search's final model: its best trial, or the average of its best few when that is better.

Averaging the probabilities of a few good, differently trained models is the cheapest accuracy
there is after a search: no training, only the validation predictions every trial already keeps
(``predictions.npz``, see ``app/core/search/predictions.py``). The members are chosen greedily, best
trial first (Caruana et al., "Ensemble selection from libraries of models", 2004): the next-ranked
trial joins only when the average with it scores strictly better on the validation split, up to
``MAX_MEMBERS``. So the final model is never worse on validation than the best trial alone, and a
search with one trial (or with members that do not help) simply ends with its best trial.

Plain numpy: the window can read the choice without TensorFlow; ``export_trial`` (no trial named)
exports the final model, ``runner`` scores it on the locked test split.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from app.core.search.checkpoints import best_first, list_trials
from app.core.search.events import trial_number
from app.core.search.predictions import PREDICTIONS_FILE, load as load_predictions
from app.core.search.search_dir import trial_dir
from app.core.search.search_state import lower_is_better

# More members cost inference time for little more accuracy (and each needs its weights kept).
MAX_MEMBERS = 3
# How many of the best trials are considered for membership.
CANDIDATES = 5
TRIAL = "trial"
ENSEMBLE = "ensemble"


def _score(probabilities: np.ndarray, labels: np.ndarray, loss: bool) -> float:
    if loss:  # mean negative log-likelihood of the true class (the same measure for every candidate)
        picked = probabilities[np.arange(len(labels)), labels]
        return float(-np.mean(np.log(np.clip(picked, 1e-7, 1.0))))
    return float(np.mean(np.argmax(probabilities, axis=-1) == labels))


def choose_final_model(search_dir: str | Path, objective: str, max_members: int = MAX_MEMBERS) -> dict | None:
    """``{"kind": "trial"|"ensemble", "trials": [ids, best first], "val_score", "best_trial_val_score",
    "metric"}`` for the trials that still have weights, or None when none has."""
    ranked = best_first([t for t in list_trials(search_dir) if t["has_checkpoint"]], objective)
    if not ranked:
        return None
    loss = lower_is_better(objective)
    metric = "val_nll" if loss else "val_accuracy"
    best = ranked[0]
    single = {"kind": TRIAL, "trials": [best], "val_score": None, "best_trial_val_score": None, "metric": metric}
    predictions = {}
    for trial_id in ranked[:CANDIDATES]:
        path = trial_dir(search_dir, trial_id) / PREDICTIONS_FILE
        if path.is_file():
            try:
                predictions[trial_id] = load_predictions(path)
            except (OSError, ValueError, KeyError):
                continue  # unreadable: that trial cannot join, the rest still can
    if best not in predictions:
        return single
    reference = predictions[best]
    labels = np.asarray(reference.labels, int)
    members, total = [best], np.asarray(reference.probabilities, np.float64)
    own = current = _score(total, labels, loss)
    for trial_id in ranked[1:CANDIDATES]:
        if len(members) >= max_members:
            break
        candidate = predictions.get(trial_id)
        if candidate is None or candidate.files != reference.files or candidate.probabilities.shape != total.shape:
            continue  # predicted on another split (files changed): not comparable
        summed = total + candidate.probabilities
        score = _score(summed / (len(members) + 1), labels, loss)
        if (score < current) if loss else (score > current):
            members.append(trial_id)
            total, current = summed, score
    return {"kind": ENSEMBLE if len(members) > 1 else TRIAL, "trials": members, "val_score": current,
            "best_trial_val_score": own, "metric": metric}


def describe(final: dict | None) -> str:
    """One sentence for the user, naming trials by the numbers the window shows."""
    if not final:
        return ""
    names = ", ".join(str(trial_number(t)) for t in final["trials"])
    if final["kind"] != ENSEMBLE:
        return f"The final model is trial {names}."
    score, best = f"{final['val_score']:.4f}", f"{final['best_trial_val_score']:.4f}"
    # The window translates this sentence by its two full templates (app/gui/text/core_text.py).
    what = "validation accuracy" if final["metric"] == "val_accuracy" else "validation loss"
    return f"The final model averages trials {names}: {what} {score} against {best} for the best trial alone."
