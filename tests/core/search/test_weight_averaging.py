"""Weight averaging (EMA): validation, the best-epoch checkpoint and so the export all use the average."""
from __future__ import annotations

import numpy as np
import pytest

from app.core.model.models import ema_momentum


def test_the_average_spans_about_two_epochs_but_never_most_of_a_trial():
    assert ema_momentum(37, 37 * 20) == pytest.approx(1 - 1 / 74)  # flowers: 37 steps an epoch
    assert ema_momentum(8, 8 * 20) == pytest.approx(1 - 1 / 16)  # the sample folder: a tenth of 160 steps
    assert ema_momentum(3, 9) == 0.0  # a tiny trial: the plain weights


@pytest.mark.slow
def test_the_checkpoint_holds_the_averaged_weights_that_were_validated(tmp_path):
    import keras

    from app.core.data.pipeline import load_split
    from app.core.search import events as ev
    from app.core.search.runner import run_search
    from app.core.search.trials import load_trial_model
    from tests.core.search.test_budget_search import config_for, make_folder

    data = make_folder(tmp_path / "d", {"red": 16, "green": 16, "blue": 16})
    curves = {}
    for averaged in (True, False):
        log = ev.EventLog()
        final = run_search(config_for(data, architecture="resnet", width=8, depth=2, epochs=4, max_trials=1,
                                      batch_norm=True, weight_averaging=averaged, name=f"ema-{averaged}"), log)
        assert final["status"] == "completed", final
        ended = log.of_type(ev.TRIAL_ENDED)[0]
        curves[averaged] = ended["history"]["val_loss"]
        if averaged:
            model, _, info, _ = load_trial_model(final["search_dir"], final["best_trial_id"])
            rows = info["splits"]["val"]
            split = load_split([r[0] for r in rows], [r[1] for r in rows], 16, "memory")
            probs = model.predict(split.images, verbose=0)
            smoothing = info["config"]["label_smoothing"]
            loss = keras.losses.CategoricalCrossentropy(label_smoothing=smoothing)(
                keras.ops.one_hot(split.labels, 3), probs)
            best = ended["best_step"]
            # The weights saved for the best epoch are the ones its validation scored.
            assert float(loss) == pytest.approx(curves[True][best], rel=1e-3, abs=1e-4)
    # Same seed, same data: only the averaging differs, and it changes what validation sees.
    assert not np.allclose(curves[True], curves[False])


@pytest.mark.slow
def test_kfold_folds_validate_and_keep_the_average_as_trials_do():
    import keras
    import keras_tuner as kt

    from app.core.data.pipeline import SplitData, make_dataset
    from app.core.options.config import SearchConfig
    from app.core.playbook.kfold import train_config
    from app.core.playbook.tasks import TaskContext

    rng = np.random.default_rng(0)
    labels = np.repeat(np.arange(3), 16)
    images = np.clip(rng.normal(0, 40, (48, 16, 16, 3)) + (np.eye(3)[labels] * 150)[:, None, None, :],
                     0, 255).astype(np.uint8)
    train, val = (images[::2], labels[::2]), (images[1::2], labels[1::2])
    curves, kept = {}, {}
    for averaged in (True, False):
        config = SearchConfig().replace(architecture="resnet", width=8, depth=2, image_size=16, epochs=4,
                                        batch_norm=True, weight_averaging=averaged,
                                        objective="val_loss", early_stopping=False, seed=5,
                                        augmentation={"enabled": False})
        hp = kt.HyperParameters()
        hp.Fixed("batch_size", 4)  # 6 steps an epoch: an average over a few steps
        keras.utils.set_random_seed(5)  # both runs start from the same weights and batches
        model, history, best = train_config(TaskContext("kfold"), "fold 1", config, hp, 3, train, val, 4)
        curves[averaged], kept[averaged] = history["val_loss"], best
        loss = model.evaluate(make_dataset(SplitData(labels=val[1], images=val[0]), 16, 8, False, 5, 3),
                              verbose=0, return_dict=True)["loss"]
        # The weights kept are the ones the best validation scored.
        assert loss == pytest.approx(best, rel=1e-3, abs=1e-4)
    # Same start: the averaging changes only what validation sees (without the swap it saw the raw weights,
    # the same curve as without averaging).
    assert not np.allclose(curves[True], curves[False])
