"""The window's weights dialog (consent, progress, cancel, offline) and File ▸ Import weights file…,
against a loopback mirror; the load check runs in a child process, as in the window."""
import pytest
from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from app.core.model import weights_store as store
from app.core.options.config import SearchConfig
from app.gui import settings
from app.gui.dialogs.weights_dialog import CANCEL, READY, SCRATCH, WeightsDialog, import_weights_file, launch_with_weights
from scripted_dialogs import ScriptedDialogs
from window_fakes import FakeRunner, scan
from weights_fixtures import MOBILENET_96, WeightsServer, make_mobilenet_file_in_child, refused_url

pytestmark = pytest.mark.slow
CHECK_MS = 180_000  # the load check's child imports TensorFlow: seconds, more on a busy machine


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    return make_mobilenet_file_in_child(tmp_path_factory.mktemp("made"))


@pytest.fixture
def mirror(made, tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras-home"))
    body = made.read_bytes()
    with WeightsServer({MOBILENET_96: body,
                        "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_160_no_top.h5": body}) as srv:
        monkeypatch.setenv(store.MIRROR_ENV, srv.url)
        yield srv


def fake_window(qtbot, **dialog_answers) -> QWidget:
    """What the weights functions use of the main window: a widget with a status line and dialogs."""
    window = QWidget()
    qtbot.addWidget(window)
    window.status_label = QLabel(window)
    window.show_status = window.status_label.setText
    window.dialogs = ScriptedDialogs(**dialog_answers)
    return window


def open_dialog(qtbot, entry, **kwargs):
    dialog = WeightsDialog(entry, **kwargs)
    qtbot.addWidget(dialog)
    outcomes = []
    dialog.resolved.connect(outcomes.append)
    dialog.show()
    return dialog, outcomes


def button(dialog, name):
    return next(b for b in dialog.findChildren(QPushButton, name) if b.isVisible())


def test_consent_names_everything_then_progress_then_the_file_is_in_place(qtbot, mirror, monkeypatch):
    entry = store.weights_entry("mobilenet_v2", 96)
    dialog, outcomes = open_dialog(qtbot, entry)
    text = " ".join(label.text() for label in dialog.ask_page.findChildren(QLabel))
    for shown in ("MobileNetV2 (96 px)", "9.4 MB", mirror.url + "/" + MOBILENET_96, "Apache-2.0",
                  str(store.keras_cache_dir())):
        assert shown in text
    dialog.always_check.setChecked(True)
    button(dialog, "downloadButton").click()
    assert dialog.pages.currentWidget() is dialog.progress_page
    qtbot.waitUntil(lambda: outcomes == [READY], timeout=CHECK_MS)
    assert store.weights_file("mobilenet_v2", 96) is not None
    assert settings.read("weights/always_allow") is True
    # Always allowed: the next missing file is fetched without asking (cancelled here; the search does not start).
    window = fake_window(qtbot)
    launched = []
    config = SearchConfig(data_dir=".", architecture="efficientnet_b0", image_size=96, backbone_weights="imagenet")
    monkeypatch.setenv(store.MIRROR_ENV, mirror.url + "/stall")
    mirror.files["efficientnetb0_notop.h5"] = b"x" * 4096
    shown = launch_with_weights(window, config, lambda: launched.append(True))
    assert shown is not None and shown.pages.currentWidget() is shown.progress_page
    qtbot.waitUntil(lambda: "of" in shown.progress_detail.text(), timeout=10_000)
    button(shown, "cancelDownloadButton").click()
    qtbot.waitUntil(lambda: window.weights_dialog is None, timeout=5_000)
    assert launched == [] and "not started" in window.status_label.text()


def test_cancel_keeps_nothing_and_answers_at_once(qtbot, mirror, monkeypatch):
    monkeypatch.setenv(store.MIRROR_ENV, mirror.url + "/stall")  # 1 kB, then the server stalls
    dialog, outcomes = open_dialog(qtbot, store.weights_entry("mobilenet_v2", 96))
    button(dialog, "downloadButton").click()
    qtbot.waitUntil(lambda: "of" in dialog.progress_detail.text(), timeout=10_000)
    button(dialog, "cancelDownloadButton").click()
    qtbot.waitUntil(lambda: outcomes == [CANCEL], timeout=5_000)
    assert list(store.keras_cache_dir().iterdir()) == []


def test_offline_says_what_is_lost_and_offers_import_or_scratch(qtbot, mirror, monkeypatch):
    monkeypatch.setenv(store.MIRROR_ENV, refused_url())
    dialog, outcomes = open_dialog(qtbot, store.weights_entry("mobilenet_v2", 96))
    button(dialog, "downloadButton").click()
    qtbot.waitUntil(lambda: dialog.pages.currentWidget() is dialog.failed_page, timeout=10_000)
    assert "offline" in dialog.failed_label.text()
    notice = dialog.failed_page.findChild(QLabel, "offlineNotice").text()
    assert "Import weights file" in notice and "0.86-0.90" in notice and MOBILENET_96 in notice
    button(dialog, "scratchButton").click()
    assert outcomes == [SCRATCH]


def test_file_menu_import_checks_and_copies(qtbot, mirror, made, tmp_path):
    mine = tmp_path / "weights-from-a-colleague.h5"
    mine.write_bytes(made.read_bytes())
    window = fake_window(qtbot, open_path=str(mine), item_index=0)  # the first offered: MobileNetV2 96 px
    import_weights_file(window)
    qtbot.waitUntil(lambda: bool(window.dialogs.messages), timeout=CHECK_MS)
    assert store.weights_file("mobilenet_v2", 96) is not None and "Imported" in window.status_label.text()
    assert ("choose_item", "Import weights file") in window.dialogs.asked


def test_start_asks_first_and_can_go_on_from_scratch_or_not_at_all(qtbot, make_window, tiny_dataset, mirror,
                                                                    monkeypatch):
    monkeypatch.setenv(store.MIRROR_ENV, refused_url())  # an offline machine
    runner = FakeRunner(n_trials=1, epochs=1)
    window = make_window(runner)
    scan(qtbot, window, tiny_dataset)
    options = window.options_panel
    options.architecture_combo.setCurrentIndex(options.architecture_combo.findData("mobilenet_v2"))
    options.image_size_spin.setValue(96)
    assert window.start_search() is True
    dialog = window.weights_dialog
    assert dialog is not None and dialog.isVisible() and runner.calls == []
    button(dialog, "dontStartButton").click()
    assert window.weights_dialog is None and runner.calls == [] and "not started" in window.chrome.status_label.text()
    window.start_search()
    button(window.weights_dialog, "scratchButton").click()
    qtbot.waitUntil(lambda: bool(runner.calls) and not window.is_running, timeout=20_000)
    assert runner.calls[0]["config"].backbone_weights == "imagenet"  # the runner's notice says what is lost
