"""Knowledge distillation: train a smaller student on a teacher's soft targets.

Teacher: a trial, the best trial, or the ensemble of the top k. Student: another architecture and
width, trained with the best trial's other hyperparameters (optimizer, learning rate, ...). Loss:
``alpha * CE(labels, student) + (1 - alpha) * T^2 * KL(teacher_T || student_T)``, where ``x_T``
is the softmax of log-probabilities divided by the temperature T (the models end in a softmax, and
``softmax(log p / T)`` equals ``softmax(logits / T)``). The teacher's targets are computed once on
the un-augmented images; the student keeps its best epoch by validation accuracy.

The student is saved in ``playbook/distill-<time>/`` of the search folder (``student.keras`` and
``student.json``) and can be exported like a trial. The comparison gives, for both models:
parameters, size on disk (``.keras`` file), milliseconds per image, validation (and test) accuracy.
"""
from __future__ import annotations

import math
import tempfile
import time
from pathlib import Path

import numpy as np

from app.core.model.model_files import ModelFileError, load_keras_model
from app.core.playbook.tasks import TaskContext, TaskError, playbook_dir, search_info, top_trial_ids, write_json
from app.core.util.untrusted import UntrustedFileError, read_json

TIMING_SECONDS = 0.5
TIMING_BATCH = 32


def soften(probabilities: np.ndarray, temperature: float) -> np.ndarray:
    """softmax(log p / T): the distribution at temperature T of a softmax output."""
    logits = np.log(np.clip(probabilities, 1e-7, 1.0)) / temperature
    logits -= logits.max(axis=-1, keepdims=True)
    e = np.exp(logits)
    return (e / e.sum(axis=-1, keepdims=True)).astype(np.float32)


def distillation_loss(num_classes: int, temperature: float, alpha: float):
    """Keras loss on targets packed as ``[one-hot labels | teacher soft targets at T]``."""
    import keras
    from keras import ops

    t = float(temperature)

    def loss(y_true, y_pred):
        hard, soft = y_true[:, :num_classes], y_true[:, num_classes:]
        ce = keras.losses.categorical_crossentropy(hard, y_pred)
        student_t = ops.softmax(ops.log(ops.clip(y_pred, 1e-7, 1.0)) / t, axis=-1)
        kl = ops.sum(soft * (ops.log(ops.clip(soft, 1e-7, 1.0)) - ops.log(ops.clip(student_t, 1e-7, 1.0))), axis=-1)
        return alpha * ce + (1.0 - alpha) * t * t * kl

    def accuracy(y_true, y_pred):
        return ops.cast(ops.equal(ops.argmax(y_true[:, :num_classes], -1), ops.argmax(y_pred, -1)), "float32")

    return loss, accuracy


def teacher_model(search_dir: str, teacher: str):
    """(model, description, trial ids) for ``best``, ``ensemble:K`` or a trial id."""
    from app.core.playbook.ensemble import ensemble_model, load_members

    teacher = str(teacher or "best")
    if teacher.startswith("ensemble:"):
        try:
            k = int(teacher.split(":", 1)[1])
        except ValueError:
            raise TaskError(f"--teacher {teacher}: give ensemble:K with a whole number K") from None
        model, _, ids, _ = ensemble_model(search_dir, k)
        return model, f"ensemble of trials {', '.join(ids)}", ids
    ids = top_trial_ids(search_dir, 1) if teacher == "best" else [teacher]
    (model,), _ = load_members(search_dir, ids)
    return model, f"trial {ids[0]}", ids


def model_figures(model, images: np.ndarray, labels_by_split: dict, images_by_split: dict) -> dict:
    """Parameters, ``.keras`` size, ms per image, accuracy per split."""
    from app.core.search.predictions import predict

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "model.keras"
        model.save(path)
        size = path.stat().st_size
    import tensorflow as tf

    # A batch of 32 through a compiled call: the figure is the model's, not Keras' predict loop.
    batch = tf.constant(np.resize(images, (TIMING_BATCH,) + images.shape[1:]))
    forward = tf.function(lambda x: model(x, training=False))
    forward(batch).numpy()  # warm-up: tracing is not inference time
    runs, started = 0, time.perf_counter()
    while runs < 3 or time.perf_counter() - started < TIMING_SECONDS:
        forward(batch).numpy()
        runs += 1
    ms = (time.perf_counter() - started) / (runs * TIMING_BATCH) * 1000.0
    out = {"params": int(model.count_params()), "size_bytes": int(size), "ms_per_image": float(ms)}
    for split, imgs in images_by_split.items():
        labels = labels_by_split[split]
        out[f"{split}_accuracy"] = float(np.mean(np.argmax(predict(model, imgs), -1) == labels)) if len(labels) else None
    return out


def distill(ctx: TaskContext, search_dir: str, teacher: str = "best", student_arch: str = "simple_cnn",
            student_width: int | None = None, student_depth: int | None = None, temperature: float = 4.0,
            alpha: float = 0.5, epochs: int | None = None, export: str | None = None, overwrite: bool = False) -> dict:
    """Task: distil the teacher into a student; ``{"teacher": {...}, "student": {...}, "path"}``."""
    from app.core.options.config import SearchConfig
    from app.core.playbook.kfold import pooled_images

    if not temperature or temperature <= 0 or not math.isfinite(temperature):
        raise TaskError("The temperature must be greater than 0.")
    if not 0.0 <= alpha <= 1.0:
        raise TaskError("alpha must be between 0 and 1.")
    info = search_info(search_dir)
    config = SearchConfig.from_dict(info["config"])
    epochs = int(epochs or config.epochs)
    student_config, changes = _student_config(config, student_arch, student_width, student_depth, epochs)
    n = len(info["classes"])
    ctx.progress(0.02, "Loading the teacher")
    teacher, teacher_name, teacher_ids = teacher_model(search_dir, teacher)
    ctx.progress(0.05, "Reading the images")
    x_train, y_train, _ = pooled_images(info, config.image_size, ("train",))
    images = {s: pooled_images(info, config.image_size, (s,))[:2] for s in ("val", "test") if info["splits"].get(s)}
    x_val, y_val = images["val"]
    ctx.progress(0.1, f"Soft targets of the {teacher_name} at T={temperature:g}")
    eye = np.eye(n, dtype=np.float32)
    packed_train = np.concatenate([eye[y_train], soften(np.asarray(teacher.predict(x_train, verbose=0)),
                                                         temperature)], axis=1)
    packed_val = np.concatenate([eye[y_val], soften(np.asarray(teacher.predict(x_val, verbose=0)), temperature)],
                                axis=1)
    student, hp, history = _train_student(ctx, search_dir, config, student_config, changes, teacher_ids[0], n,
                                          (x_train, packed_train), (x_val, packed_val), temperature, alpha, epochs)
    ctx.progress(0.85, "Comparing teacher and student")
    labels = {s: xy[1] for s, xy in images.items()}
    inputs = {s: xy[0] for s, xy in images.items()}
    teacher_figures = model_figures(teacher, x_val, labels, inputs)
    student.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    student_figures = model_figures(student, x_val, labels, inputs)
    folder = playbook_dir(search_dir, "distill")
    student.save(folder / "student.keras")
    curves = {k: [float(v) for v in vals] for k, vals in history.history.items()}
    result = {
        "teacher": {"name": teacher_name, "trials": teacher_ids, **teacher_figures},
        "student": {"architecture": student_arch, "width": student_width, "depth": student_depth,
                    "hyperparameters": dict(hp.values), **student_figures},
        "temperature": temperature, "alpha": alpha, "epochs": epochs, "curves": curves,
        "folder": str(folder), "path": None,
    }
    write_json(folder / "student.json", {**result, "config": student_config.to_dict()})
    if export:
        result.update(export_student(ctx, search_dir, str(folder), export, overwrite))
        write_json(folder / "student.json", {**result, "config": student_config.to_dict()})
    ctx.progress(1.0, "Done")
    return result


def _student_config(config, student_arch: str, student_width, student_depth, epochs: int):
    """(the student's config, the changes from the teacher's); a TaskError for a bad setting."""
    from app.core.options.validation import ConfigError

    if epochs < 1:
        raise TaskError("Train the student for at least 1 epoch.")
    changes = {"architecture": student_arch, "mixed_precision": False}
    if student_width:
        changes["width"] = int(student_width)
    if student_depth:
        changes["depth"] = int(student_depth)
    try:
        student_config = config.replace(**changes)
        student_config.check()
    except ConfigError as exc:
        raise TaskError(f"student {exc.field}: {exc.message}") from None
    return student_config, changes


def _train_student(ctx: TaskContext, search_dir: str, config, student_config, changes: dict, best_trial: str,
                   n: int, train_xy, val_xy, temperature: float, alpha: float, epochs: int):
    """Train the student on (images, one-hot + soft targets); it ends with its best epoch's weights.
    Returns (student, its hyperparameters, the fit history)."""
    import keras
    import keras_tuner as kt
    import tensorflow as tf

    from app.core.data.pipeline import SplitData, steps_per_epoch, training_dataset
    from app.core.model.models import build_model, resolve_backbone_weights, with_weight_averaging

    # The student learns with the best trial's optimizer settings; its own size comes from the user.
    best_hp = student_settings(config, teacher_hyperparameters(search_dir, best_trial), len(train_xy[0]))
    hp = kt.HyperParameters()
    for name, value in best_hp.items():
        if name not in ("width", "depth", "dense_units") and name not in changes:
            hp.Fixed(name, value)
    batch_size = int(best_hp.get("batch_size", 32))
    keras.utils.set_random_seed(config.seed)
    weights, _ = resolve_backbone_weights(student_config)
    x_train, packed_train = train_xy
    student = build_model(student_config, hp, n, steps_per_epoch(len(x_train), batch_size), weights=weights)
    loss, accuracy = distillation_loss(n, temperature, alpha)
    student.compile(optimizer=student.optimizer, loss=loss, metrics=[keras.metrics.MeanMetricWrapper(
        accuracy, name="accuracy")])
    best = {"value": -1.0, "weights": None}

    def keep_best(epoch: int, logs: dict) -> None:
        value = logs.get("val_accuracy")
        if value is not None and value > best["value"]:
            best["value"], best["weights"] = float(value), student.get_weights()

    # The student's images are augmented as a trial's are (in the input pipeline, when the teacher's
    # hyperparameters say so); its packed targets ride along as the "labels".
    augment = student_config.augmentation if best_hp.get("augmentation") else None
    train_ds = training_dataset(SplitData(labels=packed_train, images=x_train), student_config.image_size,
                                batch_size, config.seed, augmentation=augment)
    val_ds = tf.data.Dataset.from_tensor_slices(val_xy).batch(batch_size)
    ctx.progress(0.15, "Training the student")
    history = student.fit(train_ds, validation_data=val_ds, epochs=epochs, verbose=0, shuffle=False,
                          steps_per_epoch=steps_per_epoch(len(x_train), batch_size),
                          callbacks=with_weight_averaging(student,
                                                          [ctx.keras_callback("student", epochs, keep_best)]))
    if best["weights"] is not None:
        student.set_weights(best["weights"])
    return student, hp, history


def student_settings(config, teacher_hp: dict, train_count: int) -> dict:
    """The teacher trial's hyperparameters the student learns with; for a pretrained teacher (a head or
    fine-tuning trial) only the search's own batch size, fitted to the folder, and its augmentation.

    Why: a head trial's settings suit a small head on cached features (batches of up to 512, a head's
    learning rate, no augmentation); a student learnt from nothing with them got one step an epoch on a
    small folder, the very thing app/core/search/planning/batch_fit.py exists to prevent in a search."""
    from app.core.model.transfer_model import STAGE_FINE_TUNE, STAGE_HEAD
    from app.core.options.config import tunable_default
    from app.core.search.planning.batch_fit import batch_for_folder

    if teacher_hp.get("stage") not in (STAGE_HEAD, STAGE_FINE_TUNE):
        return teacher_hp
    return {"batch_size": batch_for_folder(int(tunable_default(config.batch_size)), train_count),
            "augmentation": config.augmentation.enabled is not False}


def teacher_hyperparameters(search_dir: str, trial_id: str) -> dict:
    from app.core.search.checkpoints import list_trials

    return next((t["hyperparameters"] for t in list_trials(search_dir) if t["trial_id"] == str(trial_id)), {})


def export_student(ctx: TaskContext, search_dir: str, folder: str, out: str, overwrite: bool = False) -> dict:
    """Task: export a student saved by :func:`distill` (its ``playbook/distill-*`` folder) to ``out``;
    the folder may come from elsewhere, so its files are opened as data only."""
    from app.core.export.export import ExportError, export_model

    info = search_info(search_dir)
    folder_path = Path(folder)
    try:
        summary = read_json(folder_path / "student.json")
        model = load_keras_model(folder_path / "student.keras")  # uncompiled: export compiles
    except (ModelFileError, UntrustedFileError) as exc:
        raise TaskError(f"{folder}: no saved student there ({exc})") from None
    student = summary["student"]
    ctx.progress(0.2, f"Exporting the student to {out}")
    try:
        card = export_model(model, info, out, trial_id=f"student:{folder_path.name}",
                            hyperparameters=student.get("hyperparameters", {}), score=student.get("val_accuracy"),
                            metrics={"val_accuracy": student.get("val_accuracy")}, overwrite=overwrite,
                            test_accuracy=student.get("test_accuracy"),
                            card_extra={"architecture": student.get("architecture"), "distillation": {
                                "teacher": summary["teacher"].get("name"), "temperature": summary.get("temperature"),
                                "alpha": summary.get("alpha")}})
    except ExportError as exc:
        raise TaskError(str(exc)) from None
    return {"path": card["path"], "self_check": card["self_check"]}
