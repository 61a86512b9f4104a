"""Mixed precision is on by default where a GPU with fast float16 trains, and off (silently) elsewhere."""
from __future__ import annotations

from app.core.options.config import SearchConfig
from app.core.search import runner


def _device(monkeypatch, gpus, capable):
    import app.core.search.devices as devices

    info = {"device": gpus[0] if gpus else "CPU: test", "gpus": gpus, "mixed_precision_available": capable,
            "tensorflow": "test"}
    monkeypatch.setattr(devices, "configure_devices", lambda: info)


def test_a_capable_gpu_trains_in_mixed_precision_by_default(monkeypatch):
    _device(monkeypatch, ["GPU 0: RTX"], True)
    assert runner._device_info(SearchConfig())[1] is True
    assert runner._device_info(SearchConfig(mixed_precision=False))[1] is False


def test_the_cpu_and_old_gpus_train_in_float32(monkeypatch):
    _device(monkeypatch, [], False)
    assert runner._device_info(SearchConfig())[1] is False
    _device(monkeypatch, ["GPU 0: K80"], False)
    assert runner._device_info(SearchConfig())[1] is False
