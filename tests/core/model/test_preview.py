"""Augmentation preview: the training pipeline's augmentation on the user's images (imports TensorFlow)."""
from __future__ import annotations

import numpy as np
import pytest

from app.core.options.config import Augmentation
from app.core.model.preview import augmentation_preview, load_image

NO_AUGMENTATION = Augmentation(enabled=True, flip="none", rotation=0, zoom=0, translation=0, contrast=0)


@pytest.fixture(scope="module")
def photos(tmp_path_factory):
    from conftest import copy_subset

    folder = copy_subset("sample-flowers", tmp_path_factory.mktemp("flowers") / "f", classes=2, per_class=2)
    return sorted(str(p) for p in folder.rglob("*.*"))


def test_preview_returns_count_rgb_images_of_the_requested_size(photos):
    images = augmentation_preview(photos, Augmentation(rotation=0.2, zoom=0.2), image_size=40, count=6, seed=1)
    assert len(images) == 6
    assert all(img.shape == (40, 40, 3) and img.dtype == np.uint8 for img in images)


def test_same_seed_same_images_other_seed_other_images(photos):
    aug = Augmentation(flip="horizontal", rotation=0.25, zoom=0.2, translation=0.1, contrast=0.3)
    first = augmentation_preview(photos, aug, 32, 4, seed=3)
    again = augmentation_preview(photos, aug, 32, 4, seed=3)
    other = augmentation_preview(photos, aug, 32, 4, seed=4)
    assert all(np.array_equal(a, b) for a, b in zip(first, again))
    assert any(not np.array_equal(a, b) for a, b in zip(first, other))


def test_augmented_images_differ_from_the_originals_and_none_leaves_them_alone(photos):
    # 64 px: rotation and zoom apply above SMALL_IMAGE_PX only, in training and so in the preview.
    originals = [load_image(photos[i % len(photos)], 64) for i in range(4)]
    untouched = augmentation_preview(photos, NO_AUGMENTATION, 64, 4, seed=0)
    assert all(np.array_equal(a, b) for a, b in zip(untouched, originals))
    rotated = augmentation_preview(photos, Augmentation(flip="none", rotation=0.5, zoom=0, translation=0,
                                                        contrast=0), 64, 4, seed=0)
    assert any(np.abs(a.astype(int) - b.astype(int)).mean() > 5 for a, b in zip(rotated, originals))


def test_unreadable_files_are_skipped_and_none_readable_is_an_error(photos, tmp_path):
    junk = tmp_path / "junk.jpg"
    junk.write_bytes(b"not an image")
    images = augmentation_preview([str(junk), photos[0]], NO_AUGMENTATION, 16, 2, seed=0)
    assert len(images) == 2 and np.array_equal(images[0], images[1])  # only the good file, cycled
    with pytest.raises(ValueError, match="no readable image"):
        augmentation_preview([str(junk)], NO_AUGMENTATION, 16, 2, seed=0)
    assert augmentation_preview(photos, NO_AUGMENTATION, 16, 0, seed=0) == []


def test_preview_grid_in_the_options_panel_shows_the_images(qtbot, photos):
    from app.gui.options.options_panel import PREVIEW_COUNT, OptionsPanel

    panel = OptionsPanel()
    qtbot.addWidget(panel)
    panel.request_preview()
    assert "Choose a dataset first" in panel.preview_status.text()
    panel.sample_paths_provider = lambda: photos
    panel.image_size_spin.setValue(48)
    panel.request_preview()
    assert not panel.preview_button.isEnabled()  # busy while the job runs
    qtbot.waitUntil(lambda: panel.preview_button.isEnabled(), timeout=120000)
    assert len(panel.preview_images) == PREVIEW_COUNT
    assert panel.preview_images[0].shape == (48, 48, 3)
    assert all(not label.pixmap().isNull() for label in panel.preview_labels)
