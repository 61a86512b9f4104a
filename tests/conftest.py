"""Shared test setup: every test writes under a temporary TUNESTUDIO_HOME, Qt runs offscreen."""
import gc
import os
import sys
import shutil
from pathlib import Path

import pytest

from app.gui.window import main_thread_gc

# A crashed worker ends the run with a report instead of hanging it (see the module).
pytest_plugins = ["xdist_crashes"]

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# The tests read the window's English texts whatever the machine's LANG (tests/test_i18n.py checks Chinese).
os.environ["TUNESTUDIO_LANGUAGE"] = "en"

REPO_ROOT = Path(__file__).resolve().parents[1]
# Real photos inside the repository only: a user's clone has nothing beside it.
DATASETS = {
    "flowers-32": REPO_ROOT / "tests" / "data" / "flowers-32",  # 5 classes x 12, 32x32 JPEG
    "sample-flowers": REPO_ROOT / "resources" / "sample-flowers",  # 5 classes x 16, up to 128 px
}


@pytest.fixture(autouse=True, scope="session")
def _no_collection_off_the_main_thread():
    # As in the window (app/gui/window/main_thread_gc.py): execnet's receiver and the tests' own
    # threads allocate too, and a collection started there deletes widgets off the GUI thread (a
    # native crash at a random later place). Collected after each test below, and on a GUI timer.
    gc.disable()
    yield
    gc.enable()


@pytest.fixture(autouse=True)
def _collect_on_the_main_thread():
    yield
    widgets = sys.modules.get("PySide6.QtWidgets")
    app = widgets.QApplication.instance() if widgets else None
    if app is not None:
        main_thread_gc.install(app)  # collects during a test's waits too
    main_thread_gc.collect_due()


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("TUNESTUDIO_HOME", str(home))
    return home


# Fixtures wider than one test that train while they are set up, before the per-test guard below
# is in place: a test that uses one must be marked ``slow`` too (checked when the tests are collected).
TRAINING_FIXTURES = {"tiny_search_dir"}


def pytest_collection_modifyitems(items):
    # Modules with slow tests first (stable: each module stays in one piece, in its order): with
    # xdist's --dist loadscope the long ones start at once and the quick ones fill in at the end,
    # so both workers finish together.
    slow_files = {item.nodeid.split("::")[0] for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: item.nodeid.split("::")[0] not in slow_files)
    unmarked = [item.nodeid for item in items
                if not item.get_closest_marker("slow") and TRAINING_FIXTURES & set(getattr(item, "fixturenames", ()))]
    if unmarked:
        raise pytest.UsageError("these tests use a fixture that trains a real model; mark them @pytest.mark.slow: "
                                + ", ".join(unmarked))


@pytest.fixture(autouse=True)
def _training_needs_the_slow_mark(request, monkeypatch):
    """A test that starts a real search must be marked ``slow``, so ``make test-fast`` never trains.

    Both ways into training are refused for unmarked tests: in this process (``run_search``) and in
    a training child (``run_search_in_subprocess``, which the window's worker and the CLI use).
    """
    if request.node.get_closest_marker("slow"):
        return
    from app.core.search import process, runner

    def refuse(*_args, **_kwargs):
        raise AssertionError(f"{request.node.nodeid} trains a real model: mark it @pytest.mark.slow")

    monkeypatch.setattr(runner, "run_search", refuse)
    monkeypatch.setattr(process, "run_search_in_subprocess", refuse)


def copy_subset(name: str, dest: Path, classes: int = 3, per_class: int = 6) -> Path:
    """Copy a few images per class of a bundled photo set into ``dest`` (the sets stay read-only)."""
    src = DATASETS[name]
    dest.mkdir(parents=True, exist_ok=True)
    for class_dir in sorted(p for p in src.iterdir() if p.is_dir())[:classes]:
        out = dest / class_dir.name
        out.mkdir(exist_ok=True)
        files = sorted(class_dir.iterdir())
        assert len(files) >= per_class, f"{class_dir} has only {len(files)} photos"
        for f in files[:per_class]:
            shutil.copy2(f, out / f.name)
    return dest


@pytest.fixture
def tiny_dataset(tmp_path) -> Path:
    """3 classes (daisy, dandelion, roses) x 6 real 32 px photos, in a writable temp folder."""
    return copy_subset("flowers-32", tmp_path / "tiny", classes=3, per_class=6)


@pytest.fixture(scope="session")
def tiny_search_dir(tmp_path_factory) -> str:
    """One finished one-trial search on generated 32 px images (``export_data``), with a test split,
    shared by the export tests, which only read it and write their exports elsewhere."""
    from export_data import run_tiny_search

    return run_tiny_search(tmp_path_factory.mktemp("tiny-search"))


@pytest.fixture
def make_window(qtbot):
    """Build MainWindow with a runner; closes it (stopping any search) at the end."""
    windows = []

    from scripted_dialogs import ScriptedDialogs
    from window_fakes import fake_device_probe, stop_and_close

    def make(runner=None, real_devices=False, probe=None):
        from app.gui import MainWindow

        if probe is None and not real_devices:
            probe = fake_device_probe
        window = MainWindow(runner=runner, device_probe=probe)
        window.dialogs = ScriptedDialogs()  # nothing modal: answers Yes, chooses no folder
        # Not qtbot.addWidget: pytest-qt would close and delete the window before this
        # fixture's teardown could stop a running search, leaving its thread behind.
        window.show()
        windows.append(window)
        return window

    yield make
    stop_and_close(qtbot, windows)
