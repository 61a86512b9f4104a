"""Heat maps: the peak sits on what decides the class, for every architecture offered."""
import numpy as np
import pytest

from app.core.export.grad_cam import GRAD_CAM, GRADIENT_X_INPUT, heat_maps, overlay
from app.core.model.models import build_model
from app.core.options.config import SearchConfig
from app.core.options.option_table import ARCHITECTURES

pytestmark = pytest.mark.slow
SIZE, PATCH = 32, 6
# The class is the quadrant of one small bright patch; everything else is noise.
CORNERS = [(3, 3), (3, 23), (23, 3), (23, 23)]


def patch_images(n: int, seed: int):
    rng = np.random.default_rng(seed)
    images = rng.normal(70, 25, (n, SIZE, SIZE, 3))
    labels = rng.integers(0, len(CORNERS), n)
    spots = []
    for i, label in enumerate(labels):
        y, x = CORNERS[label]
        y, x = y + rng.integers(-2, 3), x + rng.integers(-2, 3)
        images[i, y:y + PATCH, x:x + PATCH] = 250
        spots.append((y, x))
    return np.clip(images, 0, 255).astype(np.uint8), labels, spots


def build(architecture: str, **changes):
    import keras_tuner as kt

    config = SearchConfig.from_dict(dict(
        data_dir=".", architecture=architecture, image_size=SIZE, width=16, depth=2, backbone_weights="none",
        batch_norm=False, dropout=0.0, learning_rate=3e-3, schedule="constant", augmentation={"enabled": False},
        **changes))
    return build_model(config, kt.HyperParameters(), num_classes=len(CORNERS), steps_per_epoch=8)


def test_the_heat_map_peaks_on_the_patch_that_decides_the_class():
    import keras

    keras.utils.set_random_seed(0)
    model = build("simple_cnn")
    x, y, _ = patch_images(512, 0)
    model.fit(x, keras.utils.to_categorical(y, len(CORNERS)), epochs=6, batch_size=32, verbose=0)
    test_x, test_y, spots = patch_images(16, 1)
    assert np.mean(np.argmax(model.predict(test_x, verbose=0), -1) == test_y) >= 0.9
    result = heat_maps(model, test_x)
    assert result["method"] == GRAD_CAM and result["maps"].shape == (16, SIZE, SIZE)
    hits = 0
    for heat, (sy, sx) in zip(result["maps"], spots):
        py, px = np.unravel_index(np.argmax(heat), heat.shape)
        # On the patch, give or take one cell of the 8x8 feature map it was computed on.
        hits += int(sy - 4 <= py < sy + PATCH + 4 and sx - 4 <= px < sx + PATCH + 4)
    assert hits >= 14, hits
    blended = overlay(test_x[0], result["maps"][0], 0.5)
    assert blended.shape == test_x[0].shape and blended.dtype == np.uint8


@pytest.mark.parametrize("architecture", list(ARCHITECTURES))
def test_every_architecture_gets_a_heat_map(architecture):
    model = build(architecture)
    x = np.random.default_rng(0).integers(0, 255, (2, SIZE, SIZE, 3), dtype=np.uint8)
    result = heat_maps(model, x)
    assert result["maps"].shape == (2, SIZE, SIZE)
    assert np.all(result["maps"] >= 0) and np.all(result["maps"] <= 1)
    assert result["method"] == (GRADIENT_X_INPUT if architecture == "mlp" else GRAD_CAM)
