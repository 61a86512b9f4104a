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


@lru_cache(maxsize=1)
def configure_devices() -> dict:
    """Turn on GPU memory growth (must precede any GPU use) and describe the devices.

    Returns ``{"device", "gpus", "mixed_precision_available", "tensorflow"}`` (the last: its
    version). Imports TensorFlow.
    """
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    names = []
    for i, gpu in enumerate(gpus):
        try:
            # Without memory growth TensorFlow grabs all GPU memory up front.
            tf.config.experimental.set_memory_growth(gpu, True)
        except RuntimeError:
            pass  # already initialised: growth is fixed for this process
        try:
            detail = tf.config.experimental.get_device_details(gpu).get("device_name")
        except Exception:  # noqa: BLE001 - details are informational
            detail = None
        names.append(f"GPU {i}: {detail or gpu.name}")
    device = names[0] if names else f"CPU: {cpu_name()}"
    return {"device": device, "gpus": names, "mixed_precision_available": bool(gpus),
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
