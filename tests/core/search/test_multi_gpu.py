"""Several GPUs in one machine: the MirroredStrategy path, on two logical CPU devices (no GPU here)."""
import multiprocessing as mp
import os

import pytest

from app.core.options.config import SearchConfig
from tiny_images import make_images


def _train_mirrored(data_dir: str, search_dir: str, home: str, devices: int, out) -> None:
    os.environ["TUNESTUDIO_HOME"] = home
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
    import tensorflow as tf

    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * devices)
    from app.core.options.config import Augmentation
    from app.core.search.events import EventLog
    from app.core.search.runner import run_search

    config = SearchConfig(data_dir=data_dir, architecture="mlp", max_trials=1, epochs=1, image_size=16, width=8,
                          depth=1, batch_size=8, augmentation=Augmentation(enabled=False), tensorboard=False,
                          multi_gpu="mirrored")
    log = EventLog()
    final = run_search(config, log, search_dir=search_dir)
    out.put({"final": final, "notices": [e["message"] for e in log.of_type("notice")]})


def _run(tmp_path, devices: int) -> dict:
    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    child = ctx.Process(target=_train_mirrored, args=(str(make_images(tmp_path / "data", per_class=10)),
                                                      str(tmp_path / "search"), str(tmp_path / "home"), devices, out))
    child.start()
    result = out.get(timeout=600)
    child.join(timeout=60)
    return result


@pytest.mark.slow
def test_mirrored_trial_trains_on_two_logical_devices(tmp_path):
    result = _run(tmp_path, devices=2)
    assert result["final"]["status"] == "completed", result
    assert [t["status"] for t in result["final"]["trials"]] == ["COMPLETED"]
    assert any("2 devices with MirroredStrategy" in n for n in result["notices"]), result["notices"]


def test_multi_gpu_option_is_checked():
    problems = SearchConfig(data_dir="x", multi_gpu="all").validate()
    assert [p.field for p in problems if p.field == "multi_gpu"] == ["multi_gpu"]
    assert not [p for p in SearchConfig(data_dir="x", multi_gpu="mirrored").validate() if p.field == "multi_gpu"]
