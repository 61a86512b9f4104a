"""The search's final model: the best trial, or the average of the best few when that scores higher.

Made-up trials with known validation predictions (numpy only, no TensorFlow); the end-to-end path
(a real search choosing, scoring and exporting it) is in test_budget_search.py.
"""
from __future__ import annotations

import json

import numpy as np
import pytest

from app.core.search.final_model import ENSEMBLE, TRIAL, choose_final_model, describe
from app.core.search.predictions import Predictions, save
from app.core.search.search_dir import CHECKPOINT_FILE, TRIAL_FILE, trial_dir

LABELS = np.array([0, 1, 2, 0, 1, 2, 0, 1, 2, 0])
FILES = [f"/data/img{i}.png" for i in range(len(LABELS))]


def _probs(correct: list[bool], confidence: float = 0.6, wrong_confidence: float | None = None) -> np.ndarray:
    """Probabilities that are right where ``correct`` says, with the given confidence (and
    ``wrong_confidence`` on the wrong class where not)."""
    out = np.zeros((len(LABELS), 3), np.float32)
    for i, ok in enumerate(correct):
        c = confidence if ok or wrong_confidence is None else wrong_confidence
        out[i, :] = (1 - c) / 2
        out[i, LABELS[i] if ok else (LABELS[i] + 1) % 3] = c
    return out


def _trial(search_dir, trial_id: str, probs: np.ndarray | None, checkpoint: bool = True, files=FILES):
    folder = trial_dir(search_dir, trial_id)
    folder.mkdir(parents=True)
    score = None if probs is None else float(np.mean(np.argmax(probs, -1) == LABELS))
    (folder / TRIAL_FILE).write_text(json.dumps({"trial_id": trial_id, "status": "COMPLETED", "score": score,
                                                 "hyperparameters": {"values": {}}, "metrics": {}}))
    if checkpoint:
        (folder / CHECKPOINT_FILE).write_bytes(b"weights")
    if probs is not None:
        save(folder / "predictions.npz", Predictions(files=list(files), labels=LABELS, probabilities=probs,
                                                     classes=["a", "b", "c"]))


def test_members_that_fix_each_others_mistakes_make_an_ensemble(tmp_path):
    # 7/10 each, wrong on different images; sure where right and unsure where wrong, so the
    # average is right everywhere.
    _trial(tmp_path, "00", _probs([1, 1, 1, 1, 1, 1, 1, 0, 0, 0], 0.9, 0.5))
    _trial(tmp_path, "01", _probs([0, 0, 0, 1, 1, 1, 1, 1, 1, 1], 0.9, 0.5))
    final = choose_final_model(tmp_path, "val_accuracy")
    assert final["kind"] == ENSEMBLE
    assert final["trials"] == ["00", "01"]  # best first
    assert final["best_trial_val_score"] == pytest.approx(0.7)
    assert final["val_score"] == pytest.approx(1.0)
    assert "averages trials 1, 2" in describe(final)


def test_a_member_that_does_not_help_stays_out(tmp_path):
    _trial(tmp_path, "00", _probs([1] * 9 + [0], 0.9))
    _trial(tmp_path, "01", _probs([0] * 5 + [1] * 5, 0.95))  # confidently wrong where 00 is right
    final = choose_final_model(tmp_path, "val_accuracy")
    assert final == {"kind": TRIAL, "trials": ["00"], "val_score": pytest.approx(0.9),
                     "best_trial_val_score": pytest.approx(0.9), "metric": "val_accuracy"}
    assert describe(final) == "The final model is trial 1."


def test_only_trials_with_weights_and_comparable_predictions_join(tmp_path):
    _trial(tmp_path, "00", _probs([1, 1, 1, 1, 1, 1, 1, 0, 0, 0], 0.9))
    _trial(tmp_path, "01", _probs([0, 0, 0, 1, 1, 1, 1, 1, 1, 1], 0.8), checkpoint=False)  # weights pruned
    _trial(tmp_path, "02", _probs([0, 0, 0, 1, 1, 1, 1, 1, 1, 1], 0.8), files=[f + "x" for f in FILES])
    assert choose_final_model(tmp_path, "val_accuracy")["trials"] == ["00"]


def test_no_trial_with_weights_means_no_final_model(tmp_path):
    _trial(tmp_path, "00", _probs([1] * 10), checkpoint=False)
    assert choose_final_model(tmp_path, "val_accuracy") is None


def test_a_loss_objective_compares_likelihoods(tmp_path):
    # Both always right: the best (lowest-loss) trial is the sure one, and averaging in the unsure
    # one would raise the loss, although the accuracy would not change.
    sure, unsure = _probs([1] * 10, 0.95), _probs([1] * 10, 0.5)
    _trial(tmp_path, "00", sure)
    _trial(tmp_path, "01", unsure)
    for tid, p in (("00", sure), ("01", unsure)):  # scores as Keras Tuner would record val_loss
        path = trial_dir(tmp_path, tid) / TRIAL_FILE
        data = json.loads(path.read_text())
        data["score"] = float(-np.mean(np.log(p[np.arange(10), LABELS])))
        path.write_text(json.dumps(data))
    final = choose_final_model(tmp_path, "val_loss")
    assert final["kind"] == TRIAL and final["trials"] == ["00"] and final["metric"] == "val_nll"


@pytest.mark.slow
def test_a_search_chooses_its_final_model_and_exports_it_by_default(tmp_path):
    """Two real trials: the search reports its final model; when that averages both trials, the
    export (no trial named) is the ensemble, proven like any export."""
    from export_data import run_tiny_search

    from app.core.export.export import export_trial
    from app.core.search.search_dir import load_search_info, update_search_info

    search_dir = run_tiny_search(tmp_path, max_trials=2, learning_rate={"choices": [3e-3, 1e-2]})
    info = load_search_info(search_dir)
    chosen = info["final_model"]
    assert chosen["trials"][0] == info["best_trial_id"] and chosen["kind"] in (TRIAL, ENSEMBLE)
    # Make it an ensemble of both trials whatever the validation said, to prove the export path.
    both = {**chosen, "kind": ENSEMBLE, "trials": ["0", "1"]}
    update_search_info(search_dir, final_model=both)
    # The Keras format: the ensemble's own path (members loaded, averaged, carded, proven); every
    # format writer serves any Keras model the same way (test_export_formats).
    card = export_trial(search_dir, tmp_path / "out", formats=["keras"])
    assert card["trial_id"] == "ensemble:0,1"
    assert card["ensemble"]["members"] == ["0", "1"]
    assert card["self_check"]["passed"], card["artifacts"]
    assert card["test_accuracy"] is not None  # the tiny search has a locked test split
    single = export_trial(search_dir, tmp_path / "one", trial_id="1", formats=["keras"])
    assert single["trial_id"] == "1"
