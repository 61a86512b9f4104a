"""The tiny search configs the search tests share."""
from app.core.options.config import SearchConfig


def tiny_config(data, **changes) -> SearchConfig:
    base = dict(data_dir=str(data), architecture="mlp", image_size=16, epochs=1, max_trials=2, batch_size=8,
                width={"choices": [16, 32]}, depth=1, early_stopping=False, tensorboard=False, seed=7,
                augmentation={"enabled": False}, time_budget=0)  # no budget: no timed estimate steps
    base.update(changes)
    return SearchConfig().replace(**base)
