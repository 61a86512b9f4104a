"""A search's trained trials read back: ranked by score, rebuilt with their best-epoch weights, and
several averaged into one model (the final model when an average of the best trials wins).

Export, predictions, the final model and the playbook all load trials here; a trial that cannot be
loaded raises :class:`~app.core.search.search_dir.SearchError` with a message for the user.
"""
from __future__ import annotations

import warnings
from pathlib import Path

from app.core.model.transfer_model import is_transfer_trial, load_transfer_trial
from app.core.options.config import SearchConfig
from app.core.search.checkpoints import best_first, list_trials
from app.core.search.transfer_plan import backbone_weights_file
from app.core.search.search_dir import CHECKPOINT_FILE, TRIAL_FILE, SearchError, load_search_info, trial_dir


def ranked_trials(search_dir: str | Path, objective: str, with_checkpoint: bool = True) -> list[dict]:
    """Completed trials, best first (by Keras Tuner's score for the objective)."""
    trials = [t for t in list_trials(search_dir) if t["has_checkpoint"] or not with_checkpoint]
    by_id = {t["trial_id"]: t for t in trials}
    return [by_id[i] for i in best_first(trials, objective)]


def best_trial_id(search_dir: str | Path, objective: str) -> str | None:
    ranked = ranked_trials(search_dir, objective)
    return ranked[0]["trial_id"] if ranked else None


def load_trial_model(search_dir: str | Path, trial_id: str | None = None):
    """Rebuild a trial's model and load its best-epoch weights. Returns (model, trial_id, info, trial)."""
    import keras_tuner as kt

    from app.core.data.pipeline import steps_per_epoch
    from app.core.model.models import build_model, resolve_backbone_weights

    search_dir = Path(search_dir)
    info = load_search_info(search_dir)
    config = SearchConfig.from_dict(info["config"])
    if trial_id is None:
        trial_id = best_trial_id(search_dir, config.objective)
        if trial_id is None:
            raise SearchError("This search has no completed trial to export yet.")
    folder = trial_dir(search_dir, trial_id)
    trial_file = folder / TRIAL_FILE
    if not trial_file.is_file():
        raise SearchError(f"Trial {trial_id} does not exist in {search_dir}.")
    checkpoint = folder / CHECKPOINT_FILE
    if not checkpoint.is_file():
        raise SearchError(f"Trial {trial_id} has no saved weights (it failed, was stopped, "
                          "or its checkpoint was removed to save disk).")
    trial = kt.engine.trial.Trial.load(str(trial_file))
    hp = trial.hyperparameters
    classes = info["classes"]
    if is_transfer_trial(hp.values):  # a staged transfer search's head or fine-tuned trial
        try:
            return (load_transfer_trial(config, hp.values, len(classes), checkpoint, backbone_weights_file(config)),
                    trial_id, info, trial)
        except FileNotFoundError as exc:
            raise SearchError(str(exc)) from None
    batch_size = int(hp.values.get("batch_size", 32))
    # No ImageNet load here: the checkpoint holds every weight.
    weights, _ = resolve_backbone_weights(config)
    model = build_model(config, hp, len(classes), steps_per_epoch(info["counts"]["train"], batch_size),
                        mixed_precision=False, weights=None if weights == "imagenet" else weights)
    with warnings.catch_warnings():
        # The checkpoint's optimizer slots are not needed for inference.
        warnings.filterwarnings("ignore", message="Skipping variable loading for optimizer")
        model.load_weights(str(checkpoint))
    return model, trial_id, info, trial


def load_members(search_dir: str | Path, trial_ids: list[str]):
    """(models renamed member_<id>, search info) for the given trials."""
    models, info = [], None
    for trial_id in trial_ids:
        model, _, info, _ = load_trial_model(search_dir, trial_id)
        model.name = f"member_{trial_id}"  # nested models need distinct names
        models.append(model)
    return models, info


def average_model(members: list, image_size: int):
    """One model: the same uint8 input fed to every member, their probabilities averaged."""
    import keras

    if len(members) == 1:
        return members[0]
    inputs = keras.Input((image_size, image_size, 3), dtype="uint8", name="image")
    outputs = keras.layers.Average(name="probabilities_mean")([m(inputs) for m in members])
    return keras.Model(inputs, outputs, name=f"tunestudio_ensemble_{len(members)}")
