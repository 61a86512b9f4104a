"""ImageNet weights: the registry and Keras's cache folder, downloads from a loopback mirror (success,
cancel, 404, hash mismatch, a file that does not load, a stalled server, offline) and imports.

Nothing may be left in the cache after a failure: each case checks the folder holds no file at all.
"""
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.core.model import weights_store as store
from app.core.options.config import SearchConfig
from app.core.model.weights_download import (WeightsCancelled, WeightsError, check_loads, download_weights,
                                       entry_for_import, import_weights)
from weights_fixtures import MOBILENET_96, WeightsServer, make_mobilenet_file, refused_url

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def mobilenet_bytes(tmp_path_factory) -> bytes:
    return make_mobilenet_file(tmp_path_factory.mktemp("made")).read_bytes()


@pytest.fixture
def keras_home(tmp_path, monkeypatch) -> Path:
    home = tmp_path / "keras-home"
    monkeypatch.setenv("KERAS_HOME", str(home))
    return home


@pytest.fixture
def server(mobilenet_bytes, monkeypatch):
    with WeightsServer({MOBILENET_96: mobilenet_bytes, "efficientnetb0_notop.h5": mobilenet_bytes,
                        "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_128_no_top.h5": b"not an HDF5 file"}) as srv:
        monkeypatch.setenv(store.MIRROR_ENV, srv.url + "/")
        yield srv


def cache_files(home: Path) -> list[str]:
    folder = home / "models"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_registry_names_the_files_keras_uses(monkeypatch, tmp_path):
    monkeypatch.delenv(store.MIRROR_ENV, raising=False)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "kh"))
    entry = store.weights_entry("mobilenet_v2", 96)
    assert entry.file_name == MOBILENET_96 and entry.hash_algorithm is None
    assert entry.url == ("https://storage.googleapis.com/tensorflow/keras-applications/mobilenet_v2/" + MOBILENET_96)
    assert store.weights_entry("MobileNetV2", 100).rows == 224  # Keras's own fallback for other sizes
    effnet = store.weights_entry("efficientnet_b0", 64)
    assert effnet.url == "https://storage.googleapis.com/keras-applications/efficientnetb0_notop.h5"
    assert effnet.hash_algorithm == "md5" and effnet.licence == "Apache-2.0"
    v2 = store.weights_entry("resnet50_v2")
    assert v2.file_name == "resnet50v2_weights_tf_dim_ordering_tf_kernels_notop.h5" and v2.size_bytes == 94_668_760
    # The same hashes Keras checks (keras/src/applications).
    from keras.src.applications import efficientnet, resnet

    assert effnet.file_hash == efficientnet.WEIGHTS_HASHES["b0"][1]
    assert v2.file_hash == resnet.WEIGHTS_HASHES["resnet50v2"][1]
    assert store.weights_entry("resnet50").file_hash == resnet.WEIGHTS_HASHES["resnet50"][1]
    assert store.keras_cache_dir() == tmp_path / "kh" / "models"
    monkeypatch.setenv(store.MIRROR_ENV, "http://mirror.example/weights/")
    assert entry.url == "http://mirror.example/weights/" + MOBILENET_96
    with pytest.raises(KeyError, match="no ImageNet weights"):
        store.weights_entry("vgg")
    assert {d["arch"] for d in store.list_weights()} >= {"mobilenet_v2", "efficientnet_b0", "resnet50_v2"}


def test_a_missing_file_is_named_and_a_nearby_size_counts(keras_home, monkeypatch):
    config = SearchConfig(data_dir=".", architecture="mobilenet_v2", image_size=96)
    assert store.missing_weights(config).file_name == MOBILENET_96
    assert store.missing_weights(SearchConfig(data_dir=".", architecture="resnet")) is None
    assert store.missing_weights(SearchConfig(data_dir=".", architecture="mobilenet_v2", backbone_weights="none")) is None
    folder = keras_home / "models"
    folder.mkdir(parents=True)
    (folder / "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_128_no_top.h5").write_bytes(b"x")
    # Any MobileNetV2 file loads at any size: the 128 px one serves a 96 px search.
    assert store.missing_weights(config) is None
    assert store.usable_weights_file("mobilenet_v2", 96).name.endswith("_128_no_top.h5")
    assert store.weights_file("mobilenet_v2", 96) is None


def test_download_through_the_mirror_loads_and_lands_under_the_keras_name(server, keras_home, mobilenet_bytes):
    entry = store.weights_entry("mobilenet_v2", 96)
    seen = []
    # (The load check in a child process, the window's, is exercised by tests/test_gui_weights.py.)
    path = download_weights(entry, progress=lambda done, total: seen.append((done, total)), verify=check_loads)
    assert path == keras_home / "models" / MOBILENET_96 and path.read_bytes() == mobilenet_bytes
    assert cache_files(keras_home) == [MOBILENET_96]
    assert seen[0] == (0, len(mobilenet_bytes)) and seen[-1] == (len(mobilenet_bytes), len(mobilenet_bytes))
    assert server.requests == ["/" + MOBILENET_96]
    assert store.weights_file("mobilenet_v2", 96) == path
    # Keras itself (which reads KERAS_HOME once, at import: a fresh process) finds it with nothing downloaded.
    script = ("import keras; from keras.src.backend import config; print(config.keras_home()); "
              "keras.applications.MobileNetV2(include_top=False, weights='imagenet', input_shape=(96, 96, 3))")
    env = dict(os.environ, KERAS_HOME=str(keras_home), TF_CPP_MIN_LOG_LEVEL="3")
    run = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    assert Path(run.stdout.split()[-1]) == store.keras_home()
    assert "Downloading" not in run.stdout + run.stderr and server.requests == ["/" + MOBILENET_96]


def test_cancel_keeps_nothing(server, keras_home):
    calls = []
    with pytest.raises(WeightsCancelled, match="cancelled"):
        download_weights(store.weights_entry("mobilenet_v2", 96), progress=lambda d, t: calls.append(d),
                         cancelled=lambda: len(calls) >= 2, verify=check_loads)
    assert cache_files(keras_home) == []


def test_404_says_the_server_has_no_such_file(server, keras_home):
    with pytest.raises(WeightsError, match="HTTP 404"):
        download_weights(store.weights_entry("mobilenet_v2", 160), verify=check_loads)
    assert cache_files(keras_home) == []


def test_hash_mismatch_is_refused_and_a_matching_hash_passes(server, keras_home, mobilenet_bytes):
    effnet = store.weights_entry("efficientnet_b0")  # the server sends MobileNetV2's bytes under its name
    with pytest.raises(WeightsError, match="not the one Keras publishes"):
        download_weights(effnet, verify=check_loads)
    assert cache_files(keras_home) == []
    entry = store.with_hash(store.weights_entry("mobilenet_v2", 96), hashlib.sha256(mobilenet_bytes).hexdigest())
    assert download_weights(entry, verify=check_loads).is_file()


def test_a_file_that_does_not_load_is_not_kept(server, keras_home):
    with pytest.raises(WeightsError, match="does not load into MobileNetV2"):
        download_weights(store.weights_entry("mobilenet_v2", 128), verify=check_loads)
    assert cache_files(keras_home) == []


def test_a_stalled_server_times_out(server, keras_home, monkeypatch):
    monkeypatch.setenv(store.MIRROR_ENV, server.url + "/stall")
    with pytest.raises(WeightsError, match="stopped sending for 0.5 s"):
        download_weights(store.weights_entry("mobilenet_v2", 96), timeout=0.5, verify=check_loads)
    assert cache_files(keras_home) == []


def test_offline_says_so(keras_home, monkeypatch):
    monkeypatch.setenv(store.MIRROR_ENV, refused_url())
    with pytest.raises(WeightsError, match="offline"):
        download_weights(store.weights_entry("mobilenet_v2", 96), verify=check_loads)
    assert cache_files(keras_home) == []


def test_import_checks_then_copies_under_the_keras_name(keras_home, tmp_path, mobilenet_bytes):
    mine = tmp_path / "my-backbone.h5"
    mine.write_bytes(mobilenet_bytes)
    with pytest.raises(WeightsError, match="not a Keras Applications weights file name"):
        entry_for_import(mine)
    entry = entry_for_import(mine, "mobilenet_v2", 96)
    assert import_weights(mine, entry, verify=check_loads) == keras_home / "models" / MOBILENET_96
    named = tmp_path / "downloads" / "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224_no_top.h5"
    named.parent.mkdir()
    named.write_bytes(mobilenet_bytes)
    assert entry_for_import(named).rows == 224  # read from Keras's file name
    bad = tmp_path / MOBILENET_96
    bad.write_bytes(b"garbage")
    (keras_home / "models" / MOBILENET_96).unlink()
    with pytest.raises(WeightsError, match="does not load"):
        import_weights(bad, entry_for_import(bad), verify=check_loads)
    assert cache_files(keras_home) == []


def test_cancel_wakes_a_read_blocked_on_a_stalled_server(server, keras_home, monkeypatch):
    import threading
    import time

    monkeypatch.setenv(store.MIRROR_ENV, server.url + "/stall")
    stop = threading.Event()
    threading.Timer(0.3, stop.set).start()
    started = time.monotonic()
    with pytest.raises(WeightsCancelled):
        download_weights(store.weights_entry("mobilenet_v2", 96), cancelled=stop.is_set, timeout=30, verify=check_loads)
    assert time.monotonic() - started < 10  # not the 30 s time-out
    assert cache_files(keras_home) == []
