"""Compile where it pays: XLA only when measured clearly faster; slower or failing keeps the plain graph."""
from __future__ import annotations

import pytest

from app.core.search.planning.compile_choice import choice_key, decide, keep_choice, kept_choice, measure_compile_choice


def test_xla_is_kept_only_when_clearly_faster_and_every_choice_says_why():
    on = decide(0.34, 0.22, None, "resnet", "CPU: x")
    assert on.jit_compile and "XLA on for resnet on CPU: x" in on.note
    off = decide(0.34, 0.33, None, "resnet", "CPU: x")
    assert not off.jit_compile and "XLA off" in off.note
    failed = decide(0.34, None, "InvalidArgumentError: no kernel", "vgg", "GPU 0: y")
    assert not failed.jit_compile and "failed" in failed.note and "plain graph" in failed.note
    assert not decide(None, None, None, "mlp", "CPU").jit_compile


@pytest.mark.slow
def test_the_choice_is_measured_on_the_searchs_own_model():
    from app.core.options.config import SearchConfig

    config = SearchConfig(architecture="simple_cnn", image_size=16, width=4, depth=1, dense_units=8, batch_size=8)
    choice = measure_compile_choice(config, num_classes=3, train_count=32, device="CPU")
    assert choice.plain_step_s and choice.plain_step_s > 0
    assert choice.xla_step_s is not None or "failed" in choice.note
    assert choice.to_dict()["jit_compile"] == choice.jit_compile


def test_mixed_precision_only_on_gpus_with_fast_float16():
    from app.core.search.devices import supports_mixed_precision

    assert supports_mixed_precision({"compute_capability": (7, 5)})
    assert supports_mixed_precision({"compute_capability": (8, 0)})
    assert not supports_mixed_precision({"compute_capability": (6, 1)})  # Pascal: float16 is slower
    assert supports_mixed_precision({})  # unknown (e.g. not CUDA): let the user's choice stand


def test_a_measured_choice_is_kept_per_machine_and_model_shape():
    from app.core.options.config import SearchConfig

    config = SearchConfig(architecture="resnet", image_size=96, width=32, batch_size=64)
    key = choice_key(config, "CPU: x", "2.21.0")
    assert kept_choice(key) is None
    keep_choice(key, decide(0.22, 0.31, None, "resnet", "CPU: x"))
    kept = kept_choice(key)
    assert kept is not None and not kept.jit_compile and kept.plain_step_s == 0.22
    assert kept_choice(choice_key(config.replace(image_size=128), "CPU: x", "2.21.0")) is None
