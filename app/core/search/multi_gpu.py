"""Several GPUs in one machine: each trial trains with ``tf.distribute.MirroredStrategy``.

Why mirrored rather than one trial per GPU: Keras Tuner passes a strategy straight to every
trial (``distribution_strategy``), so one training process drives all GPUs and a search keeps
its single process, its memory isolation and its exact resume. One trial per GPU would need one
training process per GPU pinned with ``CUDA_VISIBLE_DEVICES``; that is what distributed mode
already does (start one ``tunestudio worker`` per GPU), so it needs no option here. Mirrored
pays off when a trial's model and batch are large enough to keep several GPUs busy; for small
models the per-step all-reduce costs more than it saves, and workers per GPU are the better fit.
"""
from __future__ import annotations


def training_devices() -> list[str]:
    """The devices a mirrored trial spreads over: every visible GPU; without GPUs, the logical
    CPU devices when the CPU was split into several (tests do this to exercise the code path)."""
    import tensorflow as tf

    gpus = [d.name for d in tf.config.list_logical_devices("GPU")]
    if gpus:
        return gpus
    cpus = [d.name for d in tf.config.list_logical_devices("CPU")]
    return cpus if len(cpus) > 1 else []


def mirrored_strategy(config) -> tuple[object | None, str]:
    """``(strategy or None, notice for the user or "")`` for ``config.multi_gpu``."""
    if getattr(config, "multi_gpu", "off") != "mirrored":
        return None, ""

    devices = training_devices()
    if len(devices) < 2:
        return None, (f"Training on several GPUs needs at least two; this machine has {len(devices)}. "
                      "Each trial trains on one device.")
    strategy = _mirrored_class()(devices=devices)
    return strategy, (f"Each trial trains on {strategy.num_replicas_in_sync} devices with MirroredStrategy "
                      "(every batch is split between them).")


def _mirrored_class():
    import tensorflow as tf

    class MirroredStrategy(tf.distribute.MirroredStrategy):
        """Keras 3.15 builds the model from the first batch reduced with MEAN across replicas
        (``_maybe_symbolic_build``), which fails when that batch splits unevenly (7 images on 2
        devices: AddN of [4, ...] and [3, ...]). Only the shapes matter there, so one replica's
        part does; training and metrics reduce as usual."""

        def reduce(self, reduce_op, value, axis):
            try:
                return super().reduce(reduce_op, value, axis)
            except tf.errors.InvalidArgumentError:
                return self.experimental_local_results(value)[0]

    return MirroredStrategy
