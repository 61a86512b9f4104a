"""Using a model in the real window (offscreen): Try it with heat maps, the threshold and its curve,
Predict Folder with bad files, an exported model opened with File > Open Model…, a History trial.

The exported model's "unknown" is checked against the threshold set with the window's slider.
``TUNESTUDIO_SCREENSHOTS=DIR`` saves what a person would see.
"""
import json
import os
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from export_data import CLASSES, SIZE, pattern

pytestmark = pytest.mark.slow
WAIT_MS = 240_000  # the first request starts TensorFlow in the prediction child


def shot(widget, name: str) -> None:
    folder = os.environ.get("TUNESTUDIO_SCREENSHOTS")
    if folder:
        language = os.environ.get("TUNESTUDIO_LANGUAGE", "en")
        widget.grab().save(str(Path(folder) / f"{name}-{language}.png"))


@pytest.fixture(scope="module")
def material(tmp_path_factory, tiny_search_dir):
    root = tmp_path_factory.mktemp("gui-use")
    search = root / "search"
    shutil.copytree(tiny_search_dir, search)
    rng = np.random.default_rng(5)
    mixed = root / "mixed"
    mixed.mkdir()
    for i in range(6):
        w = i / 5
        Image.fromarray((pattern("top", rng) * w + pattern("left", rng) * (1 - w)).astype(np.uint8)).save(
            mixed / f"mix_{i}.png")
    (mixed / "damaged.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really")
    folder = root / "folder"
    for label in CLASSES:
        (folder / label).mkdir(parents=True)
        for i in range(2):
            Image.fromarray(pattern(label, rng)).save(folder / label / f"{label}_{i}.png")
    (folder / "top" / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    return {"search": search, "mixed": sorted(str(p) for p in mixed.iterdir()), "folder": folder, "root": root}


@pytest.fixture(scope="module", autouse=True)
def _prediction_child():
    """The warm prediction child ends with the module (the window's quit ends it in the app)."""
    yield
    from app.core.export.predict_process import shutdown_service

    shutdown_service()


@pytest.fixture
def window(qtbot):
    from app.gui import MainWindow
    from scripted_dialogs import ScriptedDialogs
    from window_fakes import fake_device_probe

    made = MainWindow(device_probe=fake_device_probe)
    made.dialogs = ScriptedDialogs()
    made.resize(1280, 860)
    made.show()
    yield made
    made.close()


def predict(qtbot, panel, files):
    with qtbot.waitSignal(panel.try_it.predictions_shown, timeout=WAIT_MS):
        panel.try_it.add_images(files)


def test_try_it_threshold_and_export_agree_in_the_window(qtbot, window, material):
    import tensorflow as tf

    from app.core.export.export import export_trial
    from app.core.export.model_predictor import decode_file

    results = window.results
    results.tabs.setCurrentIndex(results.try_it_tab)
    panel = results.use_model
    panel.set_model(str(material["search"]))
    assert panel.calibration.isEnabled() and "Temperature" in panel.calibration.summary.text()
    predict(qtbot, panel, material["mixed"])
    cards = panel.try_it.cards
    assert len(cards) == 7
    damaged = [c for c in cards if c.entry["result"].get("error")]
    assert len(damaged) == 1 and damaged[0].entry["result"]["file"].endswith("damaged.jpg")
    good = [c for c in cards if not c.entry["result"].get("error")]
    assert all(c.entry["heat"] is not None and c.entry["heat"].shape == (SIZE, SIZE) for c in good)
    panel.try_it.overlay_slider.setValue(80)  # the heat map blends in, no new request
    # The threshold slider: between the confidences, so some answers become "unknown".
    confidences = sorted(c.entry["result"]["top"][0]["probability"] for c in good)
    threshold = round(float(np.mean(confidences[2:4])), 2)
    if not any(c < threshold for c in confidences):
        threshold = round(confidences[0] + 0.005, 3)
    panel.calibration.slider.setValue(int(threshold * 100))
    threshold = panel.calibration.threshold()
    unknown = [c.entry["result"]["file"] for c in good if c.is_unknown()]
    assert unknown and len(unknown) < len(good)
    assert "answers" in panel.calibration.threshold_label.text()
    panel.save_threshold()
    info = json.loads((material["search"] / "search.json").read_text())
    assert info["calibration"]["threshold"] == pytest.approx(threshold)
    shot(results, "try-it")
    shot(panel.calibration, "reliability")
    # Exported now, the SavedModel answers "unknown" for exactly the window's unknown images.
    out = material["root"] / "export"
    export_trial(material["search"], out, formats=["saved_model", "keras"])
    files = [c.entry["result"]["file"] for c in good]
    signature = tf.saved_model.load(str(out / "saved_model")).signatures["serving_default"]
    served = signature(images=tf.constant(np.stack([decode_file(f, SIZE)[0] for f in files])))["class_name"]
    assert [f for f, name in zip(files, served.numpy()) if name.decode() == "unknown"] == unknown


def test_predict_folder_lists_bad_files_and_scores_the_class_folders(qtbot, window, material, tmp_path):
    panel = window.results.use_model
    panel.set_model(str(material["search"]))
    dialog = panel.predict_folder(str(material["folder"]))
    qtbot.waitUntil(lambda: dialog.finished_run, timeout=WAIT_MS)
    assert dialog.table.rowCount() == 7 and dialog.summary["summary"]["predicted"] == 6
    text = dialog.result_label.text()
    assert "1 unreadable" in text and "Accuracy 100.0%" in text and "Confusion" in text
    assert any("broken.png" in dialog.table.item(r, 0).text() and dialog.table.item(r, 3).text()
               for r in range(dialog.table.rowCount()))
    saved = dialog.save_csv(str(tmp_path / "rows.csv"))
    assert len(Path(saved).read_text().splitlines()) == 8
    shot(dialog, "predict-folder")
    dialog.close()


def test_an_exported_model_opens_from_the_file_menu_and_a_history_trial_opens_too(qtbot, window, material):
    out = material["root"] / "export"
    if not (out / "model.keras").is_file():  # run alone: the first test's export is not there
        from app.core.export.export import export_trial

        export_trial(material["search"], out, formats=["saved_model", "keras"])
    dialog = window.chrome.open_model(str(out / "model_card.json"))
    panel = dialog.panel
    assert panel.try_it.add_button.isEnabled() and panel.source == str(out)
    predict(qtbot, panel, material["mixed"][:2])
    assert len(panel.try_it.cards) == 2 and panel.try_it.cards[0].entry["heat"] is not None
    assert "temperature" in panel.calibration.summary.text()
    shot(dialog, "open-model")
    dialog.close()
    from app.gui.history.history_trials import StoredSearchPage

    page = StoredSearchPage()
    qtbot.addWidget(page)
    info = json.loads((material["search"] / "search.json").read_text())
    page.search_model.state.search_dir = str(material["search"])
    page.shown_trial = str(info["best_trial_id"])
    trial_window = page.try_trial()
    assert trial_window.panel.trial_id == str(info["best_trial_id"]) and trial_window.panel.calibration.isEnabled()
    trial_window.close()


def test_the_gallery_explains_a_selected_image_with_its_heat_map(qtbot, material):
    from app.gui.results.misclassified_gallery import TrialGallery

    gallery = TrialGallery(str(material["search"]))
    qtbot.addWidget(gallery)
    gallery.gallery.set_cell(0, 0)  # the tiny model makes no mistake: a diagonal cell shows correct images
    gallery.gallery.items.setCurrentRow(0)
    assert gallery.why_button.isEnabled()
    dialog = gallery.explain_selected()
    qtbot.waitUntil(lambda: len(dialog.panel.try_it.cards) == 1, timeout=WAIT_MS)
    card = dialog.panel.try_it.cards[0]
    assert card.entry["heat"] is not None and dialog.panel.trial_id == gallery.trial_box.currentData()
    dialog.close()
