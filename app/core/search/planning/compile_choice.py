"""Compile where it pays: XLA (``jit_compile``) for the search's model on this device, decided by timing.

Why measured: one probe of the default residual net at 32 px took 0.20-0.28 s a step with XLA
against 0.34 s without (issue 24), but XLA compiles slowly, fails on some ops, and gives nothing
on other nets and devices. So during the estimate the first trial's model is timed both ways on
a few real training steps; XLA is kept only when it is clearly faster (``MIN_GAIN``). Slower, or an
error while compiling, keeps the plain graph, and the note says which and why.

Compiling costs: on this 2-core machine, under load, timing both graphs of the residual net took
about 60 s (XLA:CPU was then slower: 0.31 s a step against 0.22 s at 96 px, 1.0 against 0.20 at
128 px). So a decision is measured only when the budget left is at least ``MEASURE_BUDGET`` and is
then kept per machine (device, TensorFlow, architecture, size, width, batch) in the cache folder:
later searches of any budget reuse it for free. Without one, the plain graph is used.
"""
from __future__ import annotations

import json
import math
import traceback
from dataclasses import dataclass

from app.core.options.config import SearchConfig
from app.core.util.paths import cache_dir

# XLA must save at least this share of a step to be worth its compile time and risk.
MIN_GAIN = 0.1
# Budget left from which the (about a minute of) timing is spent when no decision is kept yet.
MEASURE_BUDGET = 1200.0
CHOICES_FILE = "compile_choices.json"


@dataclass
class CompileChoice:
    jit_compile: bool
    plain_step_s: float | None
    xla_step_s: float | None
    note: str

    def to_dict(self) -> dict:
        return {"jit_compile": self.jit_compile, "plain_step_s": self.plain_step_s,
                "xla_step_s": self.xla_step_s, "note": self.note}


def decide(plain_s: float | None, xla_s: float | None, error: str | None, architecture: str,
           device: str) -> CompileChoice:
    """The choice from the two timings (plain Python: tested without TensorFlow)."""
    where = f"{architecture} on {device}"
    if error:
        return CompileChoice(False, plain_s, None, f"XLA failed for {where} ({error}); using the plain graph.")
    if not plain_s or not xla_s:
        return CompileChoice(False, plain_s, xla_s, f"XLA not timed for {where}; using the plain graph.")
    if xla_s <= plain_s * (1.0 - MIN_GAIN):
        return CompileChoice(True, plain_s, xla_s, f"XLA on for {where}: a training step took {xla_s:.3f} s "
                                                   f"compiled against {plain_s:.3f} s plain.")
    return CompileChoice(False, plain_s, xla_s, f"XLA off for {where}: a training step took {xla_s:.3f} s "
                                                f"compiled against {plain_s:.3f} s plain.")


def measure_compile_choice(config: SearchConfig, num_classes: int, train_count: int, device: str) -> CompileChoice:
    """Time the first trial's model (``config`` resolved by the estimate) plain and with XLA."""
    import keras
    import keras_tuner as kt

    from app.core.data.pipeline import steps_per_epoch
    from app.core.search.planning.estimate import _candidate_config, largest_batch, measured_step_seconds
    from app.core.model.models import build_model
    from app.core.options.config import tunable_default

    width = config.width if not isinstance(config.width, dict) else tunable_default(config.width)
    batch = largest_batch(config)
    candidate = _candidate_config(config, int(config.image_size), width, batch)
    steps = steps_per_epoch(train_count, batch)
    timings: dict[bool, float] = {}
    error = None
    for jit in (False, True):
        try:
            model = build_model(candidate, kt.HyperParameters(), num_classes, steps, epochs=1, jit_compile=jit)
            # The smallest of two timings: a busy machine only ever makes a step slower.
            timings[jit] = min(measured_step_seconds(model, batch, num_classes) for _ in range(2))
        except Exception as exc:  # noqa: BLE001 - XLA may not support an op on this device
            if not jit:
                raise
            traceback.print_exc()
            error = f"{type(exc).__name__}: {str(exc).splitlines()[0][:160] if str(exc) else ''}"
        finally:
            keras.backend.clear_session()
    plain, xla = timings.get(False), timings.get(True)
    return decide(plain, xla if xla is not None and math.isfinite(xla) else None, error,
                  config.architecture, device)


def choice_key(config: SearchConfig, device: str, tensorflow: str) -> str:
    """What a kept decision depends on: the machine's device and TensorFlow, and the model's shape."""
    from app.core.options.config import tunable_default
    from app.core.search.planning.estimate import largest_batch

    width = config.width if not isinstance(config.width, dict) else tunable_default(config.width)
    return (f"{device}|tf {tensorflow}|{config.architecture}|{config.image_size} px|width {width}|"
            f"batch {largest_batch(config)}")


def kept_choice(key: str) -> CompileChoice | None:
    """The decision measured earlier on this machine for ``key``, or None."""
    try:
        data = json.loads((cache_dir() / CHOICES_FILE).read_text(encoding="utf-8"))[key]
        return CompileChoice(bool(data["jit_compile"]), data.get("plain_step_s"), data.get("xla_step_s"),
                             str(data.get("note") or ""))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def keep_choice(key: str, choice: CompileChoice) -> None:
    path = cache_dir() / CHOICES_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    except (OSError, ValueError):
        data = {}
    data[key] = choice.to_dict()
    try:
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=1), encoding="utf-8")
        tmp.replace(path)
    except OSError:
        pass  # not kept: measured again next time
