"""When a search starts from a pretrained backbone, at which size, and how its budget is split.

* **Weights at hand**: :func:`weights_at_hand` is the one place that says whether a backbone's
  pretrained weights are on this machine (today: the file Keras would look for in its cache).
* **The default**: ``architecture: "auto"`` becomes a staged transfer search on photo folders
  (native images above ``SMALL_IMAGE_PX``) when a backbone's weights are at hand, and the residual
  CNN trained from scratch otherwise (small native images such as CIFAR, or no weights: then a
  notice says what the weights would bring and how to get them).
* **Staged**: a transfer backbone whose pretrained weights are at hand runs in three stages
  (app/core/search/transfer/transfer_search.py): features once, many head trials, fine-tuning. Random weights keep
  today's path (the whole backbone trains in every trial).
* **Budget**: stage 1's cost is measured (the backbone's images per second on this machine); the
  rest is split between head trials and fine-tuning by :func:`split_budget`.

Plain Python apart from the file checks: no TensorFlow.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from app.core.options.config import SMALL_IMAGE_PX, TRANSFER_ARCHITECTURES, SearchConfig
from app.core.model.weights_store import keras_cache_dir, usable_weights_file
from app.core.options.validation import MIN_TRANSFER_IMAGE_SIZE

AUTO = "auto"
SCRATCH_ARCHITECTURE = "resnet"
# Backbones "auto" may choose, fastest first (measured on this machine: MobileNetV2 extracts features
# several times faster than EfficientNetB0 and ResNet50 at the same size, bench/transfer.py).
PREFERRED_BACKBONES = ("mobilenet_v2", "efficientnet_b0", "resnet50")
# Input sizes "auto" chooses from, largest first (MobileNetV2's published weights exist for each).
TRANSFER_SIZES = (224, 192, 160, 128, 96)
# Stage 1 may take at most this share of the budget when "auto" chooses the size.
FEATURE_SHARE = 0.3
# Training one image while fine-tuning costs about this many forward passes (the forward pass
# through the whole backbone, the backward pass through its unfrozen top, augmentation).
FINE_TUNE_COST = 2.0
# Head trials get this share of what stage 1 leaves; fine-tuning the rest ...
HEAD_SHARE = 0.3
# ... when it can have at least this many epochs (else the head trials get everything) ...
MIN_FINE_TUNE_EPOCHS = 2
# ... and no more than this many (the rest goes to head trials as well).
MAX_FINE_TUNE_EPOCHS = 12
# "auto" sizes leave fine-tuning this many epochs when the budget allows.
GOOD_FINE_TUNE_EPOCHS = 5
# Without a time budget: fine-tuning epochs, and head trials per trial of ``max_trials``.
UNLIMITED_FINE_TUNE_EPOCHS = 6
HEAD_TRIALS_PER_TRIAL = 5


def weights_at_hand(architecture: str, image_size: int) -> Path | None:
    """The pretrained (ImageNet) weights file of ``architecture`` for ``image_size``, when it is on
    this machine (app/core/model/weights_store.py; MobileNetV2's file of the nearest size loads at any)."""
    return usable_weights_file(architecture, int(image_size))


def backbone_weights_file(config: SearchConfig) -> str | None:
    """The pretrained weights file a transfer config starts from, or None (random weights)."""
    if config.architecture not in TRANSFER_ARCHITECTURES or config.backbone_weights == "none":
        return None
    if config.backbone_weights == "imagenet":
        size = config.image_size if isinstance(config.image_size, int) else 224
        found = weights_at_hand(config.architecture, size)
        return str(found) if found else None
    path = Path(config.backbone_weights).expanduser()
    return str(path) if path.is_file() else None


def sizes_at_hand(architecture: str) -> list[int]:
    """The sizes (largest first) at which ``architecture``'s pretrained weights are here."""
    return [s for s in TRANSFER_SIZES if weights_at_hand(architecture, s) is not None]


def staged_transfer(config: SearchConfig) -> bool:
    """Whether this config runs as a staged transfer search (pretrained weights at hand)."""
    if config.architecture not in TRANSFER_ARCHITECTURES or config.backbone_weights == "none":
        return False
    if config.backbone_weights != "imagenet":
        return Path(config.backbone_weights).expanduser().is_file()
    if isinstance(config.image_size, int):
        return backbone_weights_file(config) is not None
    return bool(sizes_at_hand(config.architecture))


def missing_weights_notice(native_size: int) -> str:
    return ("Training from scratch: no pretrained network's weights are on this machine. On a folder of photos "
            f"(these are about {native_size} px), starting from MobileNetV2 pretrained on ImageNet usually scores "
            "far higher in minutes (published results on five flower classes: about 0.86-0.90 with the network "
            "frozen, 0.95 after fine-tuning, against about 0.74 from scratch here). Get its weights (9 MB) with "
            "'tunestudio weights fetch mobilenet_v2', or on an offline machine copy the file into the Keras cache "
            f"({keras_cache_dir()}), then start again.")


def resolve_architecture(config: SearchConfig, native_size: int, allow_staged: bool = True
                         ) -> tuple[SearchConfig, str | None]:
    """``architecture: "auto"`` made concrete: a pretrained backbone for photos when its weights are
    at hand (and ``allow_staged``), else the from-scratch residual CNN. Returns (config, notice or None)."""
    if config.architecture != AUTO:
        return config, None
    photos = native_size > SMALL_IMAGE_PX or native_size <= 0
    size_ok = not isinstance(config.image_size, int) or config.image_size >= MIN_TRANSFER_IMAGE_SIZE
    wanted = photos and size_ok and config.backbone_weights != "none"
    if wanted and allow_staged:
        for arch in PREFERRED_BACKBONES:
            candidate = config.replace(architecture=arch)
            if staged_transfer(candidate):
                return candidate, None
    scratch = config.replace(architecture=SCRATCH_ARCHITECTURE)
    notice = missing_weights_notice(native_size) if wanted and allow_staged and native_size > 0 else None
    return scratch, notice


def choose_size(config: SearchConfig, images_per_second_at: dict[int, float], image_count: int,
                budget_left: float, train_count: int = 0, val_count: int = 0) -> int:
    """The input size: a fixed ``image_size`` as given; for "auto", the largest size with weights at
    hand whose stage 1 (every image, every view) takes at most ``FEATURE_SHARE`` of the budget and
    that leaves fine-tuning ``GOOD_FINE_TUNE_EPOCHS`` epochs of its share (measured on flowers in 10
    minutes under load: 224 px left fine-tuning 3 epochs of 95 s; pixels matter less than epochs)."""
    if isinstance(config.image_size, int):
        return int(config.image_size)
    sizes = sorted(images_per_second_at, reverse=True)
    if not math.isfinite(budget_left):
        return sizes[0]
    from app.core.model.feature_cache import VIEWS

    for size in sizes:
        speed = images_per_second_at[size]
        features = image_count * len(VIEWS) / speed
        tuning = GOOD_FINE_TUNE_EPOCHS * fine_tune_epoch_seconds(speed, train_count, val_count) / (1 - HEAD_SHARE)
        if features <= FEATURE_SHARE * budget_left and features + tuning <= budget_left:
            return size
    return sizes[-1]


def fine_tune_epoch_seconds(images_per_second: float, train_count: int, val_count: int) -> float:
    """An epoch of fine-tuning, estimated from the backbone's measured forward speed."""
    return (train_count * FINE_TUNE_COST + val_count) / max(images_per_second, 1e-6)


@dataclass
class StageBudget:
    head_seconds: float  # math.inf: no limit (max_trials decides)
    fine_tune_seconds: float  # 0: no fine-tuning
    fine_tune_epochs: int  # planned epochs (the budget planner re-plans them with measured times)


def split_budget(remaining: float, fine_tune_epoch_s: float, setup: float = 0.0,
                 allow_fine_tune: bool = True) -> StageBudget:
    """What is left after stage 1, split between head trials and fine-tuning (``setup``: seconds
    to build and trace the fine-tuning model, paid once)."""
    if not allow_fine_tune:
        return StageBudget(remaining, 0.0, 0)
    if not math.isfinite(remaining):
        return StageBudget(math.inf, math.inf, UNLIMITED_FINE_TUNE_EPOCHS)
    fine = remaining * (1.0 - HEAD_SHARE)
    epochs = int((fine - setup) // fine_tune_epoch_s) if fine_tune_epoch_s > 0 else 0
    if epochs < MIN_FINE_TUNE_EPOCHS:
        return StageBudget(remaining, 0.0, 0)
    epochs = min(epochs, MAX_FINE_TUNE_EPOCHS)
    fine = min(fine, setup + epochs * fine_tune_epoch_s * 1.1)
    return StageBudget(remaining - fine, fine, epochs)


def head_trial_limit(config: SearchConfig) -> int:
    """Head trials cost seconds: each of ``max_trials`` buys ``HEAD_TRIALS_PER_TRIAL`` of them."""
    return max(1, int(config.max_trials)) * HEAD_TRIALS_PER_TRIAL
