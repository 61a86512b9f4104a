"""The hypermodel: builds and fits one trial's model, with its deferred checkpoint and the fault injection the failure tests use."""
from __future__ import annotations

import os
from pathlib import Path

from app.core.data import resize_schedule
from app.core.search import events as ev
from app.core.options.config import SearchConfig

# Fault injection for tests of the failure paths (works across the process boundary).
FAULT_OOM_ABOVE_BATCH = "TUNESTUDIO_FAULT_OOM_ABOVE_BATCH"
FAULT_NAN_TRIALS = "TUNESTUDIO_FAULT_NAN_TRIALS"


def make_hypermodel(config: SearchConfig, train, val, num_classes: int, mixed_precision: bool,
                     weights: str | None, emit, tuner_ref: dict, class_weight: dict | None = None,
                     jit_compile: bool | str = "auto"):
    import keras
    import keras_tuner as kt
    import tensorflow as tf

    from app.core.model.models import build_model, with_weight_averaging
    from app.core.data.pipeline import make_dataset, steps_per_epoch, training_dataset

    class StudioHyperModel(kt.HyperModel):
        def build(self, hp):
            # Every trial starts from the search seed, so a trial retrains alone (export's reproduce).
            keras.utils.set_random_seed(config.seed)
            batch_size = _batch_size(hp)
            tuner = tuner_ref.get("tuner")
            # The schedule is laid out over the epochs this trial is planned to get (budget.py).
            epochs = tuner.planned_epochs() if tuner is not None and hasattr(tuner, "_planner") else None
            if "tuner/epochs" in hp.values:  # Hyperband sets each round's epochs itself
                epochs = int(hp.values["tuner/epochs"])
            return build_model(config, hp, num_classes, steps_per_epoch(len(train), batch_size),
                               mixed_precision=mixed_precision, weights=weights, epochs=epochs,
                               jit_compile=jit_compile)

        def fit(self, hp, model, *args, **kwargs):
            batch_size = _batch_size(hp)
            tuner = tuner_ref["tuner"]
            kwargs.pop("x", None)
            kwargs.pop("validation_data", None)
            try:
                return self._fit_once(hp, model, batch_size, tuner, kwargs)
            except tf.errors.ResourceExhaustedError as exc:
                if batch_size <= 1:
                    raise
                half = max(1, batch_size // 2)
                emit(ev.make_event(ev.NOTICE, level="warning", trial_id=tuner.current_trial_id,
                                   message=f"Out of memory at batch size {batch_size}; retrying this trial "
                                           f"once at batch size {half}. ({str(exc).splitlines()[0][:200]})"))
                import keras

                keras.backend.clear_session()
                model = self.build(hp)
                return self._fit_once(hp, model, half, tuner, kwargs)

        def _fit_once(self, hp, model, batch_size, tuner, kwargs):
            limit = os.environ.get(FAULT_OOM_ABOVE_BATCH)
            if limit and batch_size > int(limit):
                raise tf.errors.ResourceExhaustedError(None, None, f"OOM when allocating a batch of {batch_size} "
                                                       "(fault injected for testing)")
            # Read, not popped: the out-of-memory retry fits again with the same callbacks.
            callbacks = with_weight_averaging(model, [deferred_checkpoint(cb, val)
                                                      for cb in kwargs.get("callbacks") or []])
            fit_kwargs = {k: v for k, v in kwargs.items() if k != "callbacks"}
            nan_trials = os.environ.get(FAULT_NAN_TRIALS, "").split(",")
            if tuner.current_trial_id is not None and str(ev.trial_number(tuner.current_trial_id)) in nan_trials:
                callbacks.append(_PoisonWeights())
            steps = steps_per_epoch(len(train), batch_size)
            tuner._steps[tuner.current_trial_id] = steps
            # Augmentation runs in the input pipeline (app/core/data/augment.py), not in the model.
            augment = config.augmentation if hp.values.get("augmentation") else None
            # Smaller images early (app/core/data/resize_schedule.py); the tuner re-plans the sizes
            # with the trial's epochs. Hyperband's rounds continue from checkpoints: never there.
            resize = None
            if resize_schedule.for_config(config) and getattr(tuner, "_plan_epochs", False):
                resize = resize_schedule.ResizeSchedule(config.image_size)
                resize.plan(tuner.planned_epochs())
            tuner.resize_schedule = resize
            train_ds = training_dataset(train, config.image_size, batch_size, seed=config.seed,
                                        num_classes=num_classes, augmentation=augment, resize=resize)
            val_ds = make_dataset(val, config.image_size, batch_size, shuffle=False,
                                  seed=config.seed, num_classes=num_classes)
            # The datasets shuffle themselves; Keras would only warn about its own shuffle flag.
            return model.fit(train_ds, validation_data=val_ds, shuffle=False, callbacks=callbacks,
                             class_weight=class_weight, steps_per_epoch=steps, **fit_kwargs)

    return StudioHyperModel()


def deferred_checkpoint(callback, val=None):
    """Keras Tuner's best-epoch checkpoint, kept in memory and written once when the fit ends.

    ``SaveBestEpoch`` writes the weights file after every improving epoch, which costs more
    than a small model's whole epoch (~0.3 s of Keras' saving code). The file it leaves is
    the same: the weights of the best epoch. A fit cut short by cancel or a crash writes
    nothing, and that trial runs again on resume anyway. Other callbacks pass through.
    """
    from keras_tuner.src.engine.tuner_utils import SaveBestEpoch

    if type(callback) is not SaveBestEpoch:
        return callback
    import keras

    class BestEpochInMemory(keras.callbacks.Callback):
        def __init__(self, original):
            super().__init__()
            self.original = original
            self.best_weights = None

        def on_epoch_end(self, epoch, logs=None):
            objective = self.original.objective
            if objective.has_value(logs):
                value = objective.get_value(logs)
                if not objective.better_than(value, self.original.best_value):
                    return
                self.original.best_value = value
            self.best_weights = self.model.get_weights()  # numpy copies

        def on_train_end(self, logs=None):
            if self.best_weights is None:
                return
            current = self.model.get_weights()
            self.model.set_weights(self.best_weights)
            self.original.set_model(self.model)
            self.original._save_model()
            if val is not None:  # the best epoch's per-image predictions, beside its checkpoint
                from app.core.search.predictions import save_after_fit

                save_after_fit(self.model, val, Path(self.original.filepath).parent)
            self.model.set_weights(current)  # what the fit left (e.g. early stopping's restore)
            self.best_weights = None

    return BestEpochInMemory(callback)


def _PoisonWeights():
    """Fault injection: NaN output weights, so the real forward pass yields a non-finite loss."""
    import keras
    import numpy as np

    class PoisonWeights(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            layer = self.model.get_layer("logits")
            layer.kernel.assign(np.full(layer.kernel.shape, np.nan, dtype="float32"))

    return PoisonWeights()


def _batch_size(hp) -> int:
    return int(hp.values.get("batch_size", 32))
