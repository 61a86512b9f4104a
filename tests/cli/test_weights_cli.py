"""``tunestudio weights list | fetch | import`` and the consent a search asks, against a loopback mirror."""
import io
import json

import pytest

from app.cli.main import main
from app.core.model import weights_store as store
from app.core.options.config import SearchConfig
from app.cli.weights import ensure_search_weights
from weights_fixtures import MOBILENET_96, WeightsServer, make_mobilenet_file

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    return make_mobilenet_file(tmp_path_factory.mktemp("made"))


@pytest.fixture
def mirror(made, tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras-home"))
    with WeightsServer({MOBILENET_96: made.read_bytes()}) as srv:
        monkeypatch.setenv(store.MIRROR_ENV, srv.url)
        yield srv


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def listed(capsys) -> dict:
    capsys.readouterr()
    assert main(["weights", "list", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    return {row["file_name"]: row for row in data["weights"]}


def test_list_fetch_needs_consent_then_downloads(mirror, capsys):
    assert not listed(capsys)[MOBILENET_96]["present"]
    assert main(["weights", "fetch", "mobilenet_v2", "--size", "96"]) == 2  # no terminal, no flag: no download
    assert "--allow-download" in capsys.readouterr().err and mirror.requests == []
    assert main(["weights", "fetch", "MobileNetV2", "--size", "96", "--allow-download"]) == 0
    err = capsys.readouterr().err
    assert "9.4 MB" in err and "Apache-2.0" in err and mirror.url in err and "Saved" in err
    row = listed(capsys)[MOBILENET_96]
    assert row["present"] and row["licence"] == "Apache-2.0"
    assert main(["weights"]) == 0 and "present" in capsys.readouterr().out
    assert main(["weights", "fetch", "nope", "--allow-download"]) == 2
    assert main(["weights", "fetch", "efficientnet_b0", "--allow-download"]) == 1  # 404 on the mirror
    assert "HTTP 404" in capsys.readouterr().err
    assert not (store.keras_cache_dir() / "efficientnetb0_notop.h5").exists()


def test_import_from_a_keras_name_or_with_arch_and_size(mirror, made, tmp_path, capsys):
    assert main(["weights", "import", str(made)]) == 0
    assert store.weights_file("mobilenet_v2", 96) is not None
    other = tmp_path / "backbone.h5"
    other.write_bytes(made.read_bytes())
    assert main(["weights", "import", str(other)]) == 1
    assert "--arch" in capsys.readouterr().err
    assert main(["weights", "import", str(other), "--arch", "mobilenet_v2", "--size", "160"]) == 0
    assert store.weights_file("mobilenet_v2", 160) is not None
    junk = tmp_path / "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_192_no_top.h5"
    junk.write_bytes(b"junk")
    assert main(["weights", "import", str(junk)]) == 1
    assert "does not load" in capsys.readouterr().err
    assert sorted(p.name for p in store.keras_cache_dir().iterdir()) == [
        "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_160_no_top.h5", MOBILENET_96]


def test_a_search_asks_on_a_terminal_and_takes_the_flag_otherwise(mirror, monkeypatch, capsys):
    config = SearchConfig(data_dir=".", architecture="mobilenet_v2", image_size=96)
    ensure_search_weights(config, allow_download=False)  # not a terminal: goes on from scratch
    assert mirror.requests == [] and store.missing_weights(config) is not None
    monkeypatch.setattr("sys.stdin", FakeTerminal("n\n"))
    ensure_search_weights(config, allow_download=False)
    assert mirror.requests == [] and "Download it now?" in capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", FakeTerminal("y\n"))
    ensure_search_weights(config, allow_download=False)
    assert store.missing_weights(config) is None and len(mirror.requests) == 1


def test_search_takes_allow_download():
    from app.cli.main import build_parser

    from app.cli.options import config_from_args

    args = build_parser().parse_args(["search", ".", "--arch", "resnet50_v2", "--allow-download"])
    assert args.allow_download and config_from_args(args).architecture == "resnet50_v2"
