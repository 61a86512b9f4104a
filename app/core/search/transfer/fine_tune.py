"""Stage 3 of a transfer search: the best head on the backbone, the backbone's top unfrozen, trained end to end.

It is one more trial of the search's Keras Tuner project (``stage: fine_tune``), so it is reported,
checkpointed, ranked and exported like the head trials. Its values are the best head's, plus:
``head_trial`` (whose head weights it starts from), ``unfrozen_share`` (the share of the
backbone's layers, from the top, that train; batch norm layers stay frozen and the backbone runs in inference mode, so
ImageNet's statistics are kept), a low ``learning_rate`` with a linear warm-up and a cosine decay
laid over the epochs the budget gives it, and the search's augmentation (inside the model, off at
inference). The images are decoded only now (a search whose budget leaves no room for this stage
never decodes them: its features came from the cache).
"""
from __future__ import annotations

from app.core.options.config import SearchConfig
from app.core.search.search_dir import CHECKPOINT_FILE, trial_dir
from app.core.model.transfer_model import BACKBONE_LAYER, STAGE_FINE_TUNE

# Share of the backbone's layers that stay frozen (the generic early layers); the rest train.
FROZEN_SHARE = 0.7
FINE_TUNE_MAX_LR = 1e-4
FINE_TUNE_MIN_LR = 1e-5
WARMUP_FRACTION = 0.1
FINE_TUNE_BATCH = 32


def fine_tune_values(best_trial) -> dict:
    """The fine-tuning trial's hyperparameter values, from the best head trial."""
    values = dict(best_trial.hyperparameters.values)
    head_lr = float(values.get("learning_rate") or 1e-3)
    values.update({
        "stage": STAGE_FINE_TUNE,
        "head_trial": best_trial.trial_id,
        "learning_rate": min(FINE_TUNE_MAX_LR, max(FINE_TUNE_MIN_LR, head_lr / 10)),
        "optimizer": "adam",
        "batch_size": FINE_TUNE_BATCH,
        "unfrozen_share": round(1 - FROZEN_SHARE, 3),
        "warmup_fraction": WARMUP_FRACTION,
    })
    return values


def unfreeze_top(model, share: float) -> None:
    """Let the backbone's top ``share`` of layers train, batch norm excepted."""
    import keras

    backbone = model.get_layer(BACKBONE_LAYER)
    backbone.trainable = True
    cut = len(backbone.layers) - max(1, int(round(len(backbone.layers) * float(share))))
    for i, layer in enumerate(backbone.layers):
        layer.trainable = i >= cut and not isinstance(layer, keras.layers.BatchNormalization)


class FineTuneStage:
    """Builds and fits the fine-tuning trial for the search's hypermodel (app/core/search/transfer/head_search.py)."""

    def __init__(self, config: SearchConfig, search_dir, num_classes: int, weights: str, load_images,
                 tuner_ref: dict, class_weight: dict | None):
        self.config = config
        self.search_dir = search_dir
        self.num_classes = num_classes
        self.weights = weights
        self.load_images = load_images  # () -> (train SplitData, val SplitData), decoded once
        self.tuner_ref = tuner_ref
        self.class_weight = class_weight

    def build(self, hp):
        import keras

        from app.core.search.transfer.head_search import compile_for
        from app.core.model.models import trial_schedule
        from app.core.data.pipeline import steps_per_epoch
        from app.core.model.transfer_model import full_model

        keras.utils.set_random_seed(self.config.seed)
        values = dict(hp.values)
        train, _ = self.load_images()
        head_checkpoint = trial_dir(self.search_dir, values["head_trial"]) / CHECKPOINT_FILE
        model = full_model(self.config, values, self.num_classes, self.weights, head_checkpoint=head_checkpoint)
        unfreeze_top(model, float(values["unfrozen_share"]))
        tuner = self.tuner_ref.get("tuner")
        epochs = tuner.planned_epochs() if tuner is not None and hasattr(tuner, "_planner") else 1
        total = steps_per_epoch(len(train), int(values["batch_size"])) * max(1, epochs)
        schedule = trial_schedule(float(values["learning_rate"]), "cosine", total, int(WARMUP_FRACTION * total))
        compile_for(model, keras.optimizers.Adam(schedule), float(values.get("label_smoothing") or 0.0),
                    self.num_classes)
        return model

    def fit(self, hp, model, kwargs: dict):
        from app.core.data.pipeline import make_dataset, steps_per_epoch, training_dataset
        from app.core.search.trial_model import deferred_checkpoint

        tuner = self.tuner_ref["tuner"]
        train, val = self.load_images()
        batch = int(hp.values["batch_size"])
        steps = steps_per_epoch(len(train), batch)
        tuner._steps[tuner.current_trial_id] = steps
        size = int(self.config.image_size)
        # Augmentation runs in the input pipeline (app/core/data/augment.py), as for every trial.
        augment = None if self.config.augmentation.enabled is False else self.config.augmentation
        train_ds = training_dataset(train, size, batch, seed=self.config.seed, num_classes=self.num_classes,
                                    augmentation=augment)
        val_ds = make_dataset(val, size, batch, shuffle=False, seed=self.config.seed, num_classes=self.num_classes)
        callbacks = [deferred_checkpoint(cb, val) for cb in kwargs.pop("callbacks", None) or []]
        for name in ("x", "y", "validation_data", "verbose", "shuffle", "steps_per_epoch"):
            kwargs.pop(name, None)
        weights = self.class_weight if hp.values.get("class_weights") else None
        return model.fit(train_ds, validation_data=val_ds, callbacks=callbacks, class_weight=weights, verbose=0,
                         shuffle=False, steps_per_epoch=steps, **kwargs)


def run_fine_tune_trial(tuner, values: dict, epochs: int) -> None:
    """Run one trial with exactly ``values`` through the tuner (its hooks report it like any trial)."""
    oracle = tuner.oracle
    original = oracle.populate_space
    issued = {"done": False}

    def populate_space(trial_id):
        if issued["done"]:
            return {"status": "STOPPED", "values": None}
        issued["done"] = True
        return {"status": "RUNNING", "values": dict(values)}

    oracle.populate_space = populate_space
    oracle.max_trials = len(oracle.trials) + 1
    tuner._choose_sampling = lambda: None  # one given trial: nothing to sample, nothing to say about it
    try:
        tuner.search(epochs=max(1, int(epochs)), callbacks=[], verbose=0)
    finally:
        oracle.populate_space = original
        del tuner._choose_sampling
