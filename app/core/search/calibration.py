"""How far to trust a model's confidence: temperature scaling, calibration error, and the threshold
below which the answer is "unknown".

Temperature scaling (Guo et al., "On calibration of modern neural networks", 2017) divides the
logits by one number T fitted on the validation split (minimum negative log-likelihood); it never
changes which class wins, only how sure the model says it is. Every TuneStudio model ends in a
softmax over a ``logits`` layer, so ``softmax(log p / T)`` equals ``softmax(logits / T)``: the
temperature is applied to stored probabilities here, and folded into the logits layer's weights for
an exported model (``app/core/export/calibrated_model.py``). A final model that averages several
trials is calibrated member by member: ``mean_m softmax(logits_m / T)``, one T for all.

The search's calibration is kept in ``search.json`` under ``calibration``: written when a search
ends (for its final model), its ``threshold`` set in the window (Results) or by the command line,
and read by export, which puts both into the model card and the serving signatures.

Plain numpy: the window reads and draws all of it without TensorFlow.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from app.core.search.predictions import Predictions, load as load_predictions, trial_predictions_path
from app.core.search.search_dir import SearchError, load_search_info, try_update_search_info

UNKNOWN = "unknown"
ECE_BINS = 15
# Beyond this range a (small, or perfectly separated) validation split only drives T to an extreme.
MIN_T, MAX_T = 0.25, 50.0
COVERAGE_POINTS = 101
EPS = 1e-7


# --------------------------------------------------------------------------- the arithmetic


def scale(probabilities, temperature: float) -> np.ndarray:
    """``softmax(log p / T)`` of each row of ``probabilities`` (float64)."""
    p = np.asarray(probabilities, np.float64)
    if p.size == 0 or temperature == 1.0:
        return p.copy()
    z = np.log(np.clip(p, EPS, 1.0)) / float(temperature)
    z -= z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def scale_members(members: list, temperature: float) -> np.ndarray:
    """The calibrated probabilities of a model averaging ``members`` (each [N, C] probabilities)."""
    return np.mean([scale(m, temperature) for m in members], axis=0)


def nll(probabilities, labels) -> float:
    p = np.asarray(probabilities, np.float64)
    labels = np.asarray(labels, int)
    if len(labels) == 0:
        return float("nan")
    return float(-np.mean(np.log(np.clip(p[np.arange(len(labels)), labels], EPS, 1.0))))


def fit_temperature(members: list, labels) -> float:
    """The T in [MIN_T, MAX_T] with the lowest validation NLL (a log grid, then golden-section)."""
    labels = np.asarray(labels, int)
    if len(labels) == 0:
        return 1.0

    def loss(log_t: float) -> float:
        return nll(scale_members(members, float(np.exp(log_t))), labels)

    grid = np.linspace(np.log(MIN_T), np.log(MAX_T), 41)
    losses = [loss(g) for g in grid]
    i = int(np.argmin(losses))
    lo, hi = grid[max(i - 1, 0)], grid[min(i + 1, len(grid) - 1)]
    ratio = (np.sqrt(5) - 1) / 2
    for _ in range(40):
        a, b = hi - ratio * (hi - lo), lo + ratio * (hi - lo)
        if loss(a) < loss(b):
            hi = b
        else:
            lo = a
    return float(np.exp((lo + hi) / 2))


def reliability(probabilities, labels, bins: int = ECE_BINS) -> list[dict]:
    """Equal-width confidence bins: ``lower``, ``upper``, ``count``, ``confidence`` and ``accuracy``
    (means over the bin's images; None for an empty bin): a reliability diagram's data."""
    p = np.asarray(probabilities, np.float64)
    labels = np.asarray(labels, int)
    conf = p.max(axis=-1) if len(p) else np.zeros(0)
    right = (p.argmax(axis=-1) == labels) if len(p) else np.zeros(0, bool)
    edges = np.linspace(0.0, 1.0, bins + 1)
    index = np.clip(np.digitize(conf, edges[1:-1], right=True), 0, bins - 1)
    out = []
    for b in range(bins):
        mask = index == b
        n = int(mask.sum())
        out.append({"lower": float(edges[b]), "upper": float(edges[b + 1]), "count": n,
                    "confidence": float(conf[mask].mean()) if n else None,
                    "accuracy": float(right[mask].mean()) if n else None})
    return out


def expected_calibration_error(probabilities, labels, bins: int = ECE_BINS) -> float:
    """Mean |accuracy - confidence| over the bins, weighted by their share of the images."""
    rows = reliability(probabilities, labels, bins)
    total = sum(r["count"] for r in rows)
    if not total:
        return float("nan")
    return float(sum(r["count"] * abs(r["accuracy"] - r["confidence"]) for r in rows if r["count"]) / total)


def coverage_curve(probabilities, labels, points: int = COVERAGE_POINTS) -> list[dict]:
    """For thresholds 0..1: the share of images answered (confidence >= threshold) and the accuracy
    on those (None when none is answered)."""
    p = np.asarray(probabilities, np.float64)
    labels = np.asarray(labels, int)
    conf = p.max(axis=-1) if len(p) else np.zeros(0)
    right = (p.argmax(axis=-1) == labels) if len(p) else np.zeros(0, bool)
    out = []
    for t in np.linspace(0.0, 1.0, points):
        kept = conf >= t - 1e-12
        n = int(kept.sum())
        out.append({"threshold": float(t), "coverage": n / len(conf) if len(conf) else 0.0,
                    "accuracy": float(right[kept].mean()) if n else None})
    return out


def decide(probabilities, classes: list[str], threshold: float) -> list[str]:
    """The answer for each row: its top class, or ``unknown`` when its confidence is below ``threshold``."""
    p = np.asarray(probabilities, np.float64)
    if not len(p):
        return []
    top = p.argmax(axis=-1)
    conf = p.max(axis=-1)
    return [classes[int(i)] if c >= threshold else UNKNOWN for i, c in zip(top, conf)]


def fit(members: list, labels, threshold: float = 0.0) -> dict:
    """The calibration record of a model on its validation predictions (``members``: one [N, C]
    array per averaged trial): temperature, calibration error and NLL before and after, the
    reliability diagram before and after, the coverage curve after, and ``threshold``."""
    labels = np.asarray(labels, int)
    before = np.mean([np.asarray(m, np.float64) for m in members], axis=0)
    temperature = fit_temperature(members, labels)
    after = scale_members(members, temperature)
    return {"temperature": temperature, "threshold": float(threshold), "images": int(len(labels)),
            "ece_before": expected_calibration_error(before, labels),
            "ece_after": expected_calibration_error(after, labels),
            "nll_before": nll(before, labels), "nll_after": nll(after, labels),
            "accuracy": float(np.mean(after.argmax(-1) == labels)) if len(labels) else None,
            "reliability_before": reliability(before, labels), "reliability_after": reliability(after, labels),
            "coverage": coverage_curve(after, labels)}


# --------------------------------------------------------------------------- a search's calibration


def member_predictions(search_dir: str | Path, trial_ids: list[str]) -> list[Predictions]:
    """The kept validation predictions of each trial (all on the same files), or raise SearchError."""
    preds = []
    for trial_id in trial_ids:
        path = trial_predictions_path(search_dir, trial_id)
        try:
            preds.append(load_predictions(path))
        except (OSError, ValueError, KeyError):
            raise SearchError(f"Trial {trial_id} has no validation predictions to calibrate on.") from None
    if any(p.files != preds[0].files for p in preds[1:]):
        raise SearchError("The trials were validated on different images; they cannot be calibrated together.")
    return preds


def final_trials(search_dir: str | Path, info: dict | None = None) -> list[str]:
    """The trials of the search's final model (one, or the averaged few); [] before any completed."""
    info = info if info is not None else load_search_info(search_dir)
    final = info.get("final_model") or {}
    trials = [str(t) for t in final.get("trials") or []]
    if trials:
        return trials
    best = info.get("best_trial_id")
    return [str(best)] if best is not None else []


def fit_for_trials(search_dir: str | Path, trial_ids: list[str], threshold: float = 0.0) -> dict:
    preds = member_predictions(search_dir, trial_ids)
    record = fit([p.probabilities for p in preds], preds[0].labels, threshold)
    record["trials"] = list(trial_ids)
    record["classes"] = list(preds[0].classes)
    return record


def calibrate_search(search_dir: str | Path, trial_ids: list[str] | None = None) -> dict | None:
    """Fit the final model's calibration (keeping a threshold already set) and store it in
    search.json; returns the record, or None when there is nothing to fit on. Never raises."""
    try:
        info = load_search_info(search_dir)
        trial_ids = trial_ids or final_trials(search_dir, info)
        if not trial_ids:
            return None
        threshold = float((info.get("calibration") or {}).get("threshold") or 0.0)
        record = fit_for_trials(search_dir, trial_ids, threshold)
    except (SearchError, OSError, ValueError):
        return None
    try_update_search_info(Path(search_dir), calibration=record)
    return record


def search_calibration(search_dir: str | Path, trial_id: str | None = None) -> dict:
    """The calibration of a trial, or (``trial_id`` None) of the final model: stored when it is
    current, fitted now otherwise (and stored for the final model). Raises SearchError."""
    info = load_search_info(search_dir)
    stored = info.get("calibration") or {}
    threshold = float(stored.get("threshold") or 0.0)
    wanted = [str(trial_id)] if trial_id is not None else final_trials(search_dir, info)
    if not wanted:
        raise SearchError("This search has no completed trial yet.")
    if stored.get("trials") == wanted and "temperature" in stored:
        return stored
    record = fit_for_trials(search_dir, wanted, threshold)
    if trial_id is None:
        try_update_search_info(Path(search_dir), calibration=record)
    return record


def set_threshold(search_dir: str | Path, threshold: float) -> None:
    """Remember the confidence threshold of a search (export and predictions use it)."""
    if not 0.0 <= threshold <= 1.0:
        raise ValueError("the confidence threshold is a probability between 0 and 1")
    info = load_search_info(search_dir)
    record = dict(info.get("calibration") or {})
    record["threshold"] = float(threshold)
    if not try_update_search_info(Path(search_dir), calibration=record):
        raise SearchError(f"Cannot write the threshold into {search_dir}.")
