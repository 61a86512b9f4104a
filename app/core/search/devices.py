"""Which device trains: GPU when TensorFlow sees one (with memory growth), otherwise the CPU."""
from __future__ import annotations

import platform
from functools import lru_cache


def cpu_name() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "CPU"


# NVIDIA GPUs from Volta (compute capability 7.0) on have float16 tensor cores; on older ones
# mixed precision runs slower than float32 (TensorFlow's mixed precision guide).
MIXED_PRECISION_CAPABILITY = (7, 0)


def supports_mixed_precision(details: dict) -> bool:
    """Whether a GPU (``tf.config.experimental.get_device_details``) gains from mixed precision;
    a GPU that does not report its compute capability (not CUDA) is given the benefit of the doubt."""
    capability = details.get("compute_capability")
    return capability is None or tuple(capability) >= MIXED_PRECISION_CAPABILITY


@lru_cache(maxsize=1)
def configure_devices() -> dict:
    """Turn on GPU memory growth (must precede any GPU use) and describe the devices.

    Returns ``{"device", "gpus", "mixed_precision_available", "tensorflow"}`` (the last: its
    version). Imports TensorFlow.
    """
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    names = []
    mixed = False
    for i, gpu in enumerate(gpus):
        try:
            # Without memory growth TensorFlow grabs all GPU memory up front.
            tf.config.experimental.set_memory_growth(gpu, True)
        except RuntimeError:
            pass  # already initialised: growth is fixed for this process
        try:
            details = tf.config.experimental.get_device_details(gpu)
        except Exception:  # noqa: BLE001 - details are informational
            details = {}
        mixed = mixed or supports_mixed_precision(details)
        names.append(f"GPU {i}: {details.get('device_name') or gpu.name}")
    device = names[0] if names else f"CPU: {cpu_name()}"
    return {"device": device, "gpus": names, "mixed_precision_available": mixed,
            "tensorflow": tf.__version__}


def describe_devices(timeout: float = 180.0) -> dict:
    """The answer of :func:`configure_devices`, for a process that does not train (the window).

    Asked in a short-lived spawned child, so the caller never imports TensorFlow: importing it
    holds the GIL for seconds and adds ~600 MB and ~350k objects that every later garbage
    collection must walk, which freezes a window for 200-700 ms at a time. Where TensorFlow is
    already loaded the question is answered here. Call it off the GUI thread.
    """
    import sys

    if "tensorflow" in sys.modules:
        return dict(configure_devices())
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=1, mp_context=mp.get_context("spawn")) as pool:
        return dict(pool.submit(_probe_in_child).result(timeout=timeout))


def _probe_in_child() -> dict:
    import os

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    return dict(configure_devices())
