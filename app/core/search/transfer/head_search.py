"""Stage 2 of a transfer search: Keras Tuner searches heads on the cached features, seconds per trial.

The hypermodel below is the search's one hypermodel: a trial whose ``stage`` value is
``fine_tune`` is built and fitted by app/core/search/transfer/fine_tune.py instead, so both stages are trials of
one Keras Tuner project, reported by the same tuner hooks (app/core/search/trial_tuner.py) and kept,
ranked, exported and recorded like any trial.

The head space (its first trial is every default): ``head_units`` 0 (linear) or one hidden ReLU
layer of 128 or 256 units; ``dropout``; ``l2``; ``label_smoothing``; ``learning_rate`` (cosine
schedule over the trial's epochs); ``optimizer`` (Adam, AdamW, SGD with momentum);
``class_weights`` (balanced, or none); ``batch_size``. Training rows are every cached view of
each training image (app/core/model/feature_cache.py); validation uses the plain view only.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.core.options.config import SearchConfig
from app.core.model.transfer_model import STAGE_FINE_TUNE, STAGE_HEAD

# Epochs a head trial aims at (the budget planner may give fewer; early stopping ends it sooner).
# Measured on flowers-train features (7,047 rows of 1,280, 2 busy cores): an epoch costs 0.11-0.24 s,
# the first about 1 s more (tracing), so 12 epochs keep a trial near 2 s.
HEAD_EPOCHS = 12
HEAD_PATIENCE = 3
# Several steps per call into TensorFlow: a head's step is far cheaper than Keras' per-step overhead.
STEPS_PER_EXECUTION = 8


@dataclass
class FeatureData:
    """Cached features of the search's splits, ready for head trials."""

    train_x: np.ndarray  # float32 [N_train * views, D]
    train_y: np.ndarray  # int [N_train * views]
    val_x: np.ndarray  # float32 [N_val, D] (plain view)
    val_y: np.ndarray
    num_classes: int
    class_weight: dict | None  # balanced weights, used by trials whose class_weights is on

    @property
    def dim(self) -> int:
        return int(self.train_x.shape[-1])


def define_head_space(hp, imbalanced: bool) -> dict:
    """Register the head hyperparameters; return this trial's values."""
    hp.Fixed("stage", STAGE_HEAD)
    values = {
        "head_units": hp.Choice("head_units", [0, 128, 256], default=0),
        "dropout": hp.Float("dropout", 0.0, 0.6, step=0.1, default=0.2),
        "l2": hp.Float("l2", 1e-6, 1e-2, sampling="log", default=1e-5),
        "label_smoothing": hp.Float("label_smoothing", 0.0, 0.2, step=0.05, default=0.1),
        "learning_rate": hp.Float("learning_rate", 1e-4, 3e-2, sampling="log", default=1e-3),
        "optimizer": hp.Choice("optimizer", ["adam", "adamw", "sgd"], default="adam"),
        "class_weights": hp.Boolean("class_weights", default=imbalanced),
        "batch_size": hp.Choice("batch_size", [128, 256, 512], default=256),
    }
    return values


def head_optimizer(name: str, lr: float, total_steps: int):
    import keras

    from app.core.model.models import trial_schedule

    schedule = trial_schedule(lr, "cosine", total_steps, 0)
    if name == "sgd":
        return keras.optimizers.SGD(schedule, momentum=0.9, nesterov=True)
    if name == "adamw":
        return keras.optimizers.AdamW(schedule, weight_decay=1e-4)
    return keras.optimizers.Adam(schedule)


def compile_for(model, optimizer, smoothing: float, num_classes: int, steps_per_execution: int = 1) -> None:
    import keras

    from app.core.model.metrics import ConfusionMatrix

    model.compile(optimizer=optimizer, loss=keras.losses.CategoricalCrossentropy(label_smoothing=float(smoothing)),
                  metrics=["accuracy", ConfusionMatrix(num_classes)], steps_per_execution=steps_per_execution)


def make_hypermodel(config: SearchConfig, data: FeatureData, tuner_ref: dict, fine_tune_stage):
    """The search's hypermodel; ``fine_tune_stage`` (app/core/search/transfer/fine_tune.py) builds and fits stage-3 trials."""
    import keras
    import keras_tuner as kt
    import tensorflow as tf

    from app.core.data.pipeline import SplitData, steps_per_epoch
    from app.core.search.trial_model import deferred_checkpoint

    imbalanced = data.class_weight is not None and max(data.class_weight.values()) > 1.5
    val_split = SplitData(labels=data.val_y.astype(np.int32), images=data.val_x)

    class TransferHyperModel(kt.HyperModel):
        def build(self, hp):
            if hp.values.get("stage") == STAGE_FINE_TUNE:
                return fine_tune_stage.build(hp)
            keras.utils.set_random_seed(config.seed)
            values = define_head_space(hp, imbalanced)
            from app.core.model.transfer_model import build_head

            model = build_head(values, data.dim, data.num_classes)
            tuner = tuner_ref.get("tuner")
            epochs = tuner.planned_epochs() if tuner is not None and hasattr(tuner, "_planner") else HEAD_EPOCHS
            steps = steps_per_epoch(len(data.train_y), int(values["batch_size"]))
            compile_for(model, head_optimizer(values["optimizer"], values["learning_rate"], steps * epochs),
                        values["label_smoothing"], data.num_classes, STEPS_PER_EXECUTION)
            return model

        def fit(self, hp, model, *args, **kwargs):
            if hp.values.get("stage") == STAGE_FINE_TUNE:
                return fine_tune_stage.fit(hp, model, kwargs)
            tuner = tuner_ref["tuner"]
            batch = int(hp.values["batch_size"])
            tuner._steps[tuner.current_trial_id] = steps_per_epoch(len(data.train_y), batch)
            onehot = np.eye(data.num_classes, dtype=np.float32)
            train = tf.data.Dataset.from_tensor_slices((data.train_x, onehot[data.train_y]))
            train = train.shuffle(len(data.train_y), seed=config.seed, reshuffle_each_iteration=True)
            train = train.batch(batch).prefetch(2)
            val = tf.data.Dataset.from_tensor_slices((data.val_x, onehot[data.val_y])).batch(1024)
            callbacks = [deferred_checkpoint(cb, val_split) for cb in kwargs.pop("callbacks", None) or []]
            for name in ("x", "y", "validation_data", "verbose", "shuffle"):
                kwargs.pop(name, None)
            weights = data.class_weight if hp.values.get("class_weights") else None
            return model.fit(train, validation_data=val, callbacks=callbacks, class_weight=weights, verbose=0,
                             shuffle=False, **kwargs)

    return TransferHyperModel()


def head_callbacks(config: SearchConfig) -> list:
    """Early stopping for head trials: a head that stopped improving gives its time to the next.
    Keras' own (not the schedule-aware one of app/core/model/models.py): a head converges in a few epochs."""
    import keras

    maximize = config.objective.endswith("accuracy")
    return [keras.callbacks.EarlyStopping(monitor=config.objective, patience=HEAD_PATIENCE,
                                          mode="max" if maximize else "min", restore_best_weights=True)]
