"""Every search option in one table: what SearchConfig holds, how it is checked, shown and typed.

Each :class:`Option` names one :class:`~app.core.options.config.SearchConfig` field (``augmentation.flip``
for a nested one) with its type, default, allowed values, label and help, the options page and
group that show it, the widget that edits it and the ``tunestudio search`` flag that sets it. From
this table come the config's defaults and per-field validation (app/core/options/config.py,
app/core/options/validation.py), the window's option pages with their ``set_config``/``collect``
(app/gui/options/option_pages.py) and the command-line flags (app/cli/options.py). An option without a
``page`` is not shown in the window; one without a ``flag`` has no flag (``--config`` still sets it).

Labels, help texts, page and group titles and choice labels are marked with
:func:`~app.core.util.i18n.QT_TRANSLATE_NOOP` under the context ``"Options"``, so ``lupdate`` collects
them and the window shows them translated. Command-line help (``cli_help``) stays English.

Widgets (``widget``): ``combo`` (one of ``choices``), ``checks`` (a box per choice; the ticked
ones are searched), ``tri_state`` (a searchable true/false: try both, always, never), ``tunable``
(text in the one grammar of app/core/options/options.py), ``range`` (two spin boxes; ``sci`` for a log
scale), ``spin``/``dspin`` (one whole or decimal number), ``check`` (a check box), ``duration``
(``10m``, ``none``) and ``text``.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any, Callable, Mapping

from app.core.util.i18n import QT_TRANSLATE_NOOP

ARCHITECTURES = {
    # "auto": a pretrained backbone for photo folders when its weights are here, else "resnet"
    # trained from scratch (app/core/transfer_plan.py).
    "auto": QT_TRANSLATE_NOOP("Options", "Automatic: pretrained network for photos when its weights are here"),
    "mlp": QT_TRANSLATE_NOOP("Options", "MLP (flatten + dense stack)"),
    "simple_cnn": QT_TRANSLATE_NOOP("Options", "Simple CNN (conv-pool blocks)"),
    "vgg": QT_TRANSLATE_NOOP("Options", "VGG-style blocks"),
    "resnet": QT_TRANSLATE_NOOP("Options", "ResNet-style residual blocks"),
    "mobilenet_v2": QT_TRANSLATE_NOOP("Options", "Transfer: MobileNetV2"),
    "efficientnet_b0": QT_TRANSLATE_NOOP("Options", "Transfer: EfficientNetB0"),
    "resnet50_v2": QT_TRANSLATE_NOOP("Options", "Transfer: ResNet50V2"),
    "resnet50": QT_TRANSLATE_NOOP("Options", "Transfer: ResNet50"),
}
TRANSFER_ARCHITECTURES = ("mobilenet_v2", "efficientnet_b0", "resnet50_v2", "resnet50")
TUNERS = {
    "random": QT_TRANSLATE_NOOP("Options", "Random search"),
    "grid": QT_TRANSLATE_NOOP("Options", "Grid search"),
    "hyperband": QT_TRANSLATE_NOOP("Options", "Hyperband"),
    "bayesian": QT_TRANSLATE_NOOP("Options", "Bayesian optimization"),
}
OPTIMIZER_LABELS = {"adam": "Adam", "sgd": "SGD", "rmsprop": "RMSprop", "adamw": "AdamW"}
SCHEDULE_LABELS = {"constant": QT_TRANSLATE_NOOP("Options", "Constant"),
                   "exponential": QT_TRANSLATE_NOOP("Options", "Exponential"),
                   "cosine": QT_TRANSLATE_NOOP("Options", "Cosine"), "linear": QT_TRANSLATE_NOOP("Options", "Linear")}
OPTIMIZERS = tuple(OPTIMIZER_LABELS)
SCHEDULES = tuple(SCHEDULE_LABELS)
INITIALIZERS = ("he_normal", "glorot_uniform")
OBJECTIVES = ("val_accuracy", "val_loss")
# "mirrored": each trial trains with tf.distribute.MirroredStrategy over every visible GPU.
MULTI_GPU_MODES = ("off", "mirrored")
CLIP_MODES = ("none", "norm", "value")
CACHE_MODES = ("auto", "memory", "disk", "none")
WEIGHTS = ("imagenet", "none")
FLIPS = ("none", "horizontal", "vertical", "horizontal_and_vertical")

MIN_IMAGE_SIZE = 8
MAX_IMAGE_SIZE = 1024

# Pages and groups of the window, in the order shown.
MODEL = QT_TRANSLATE_NOOP("Options", "Model")
REGULARIZATION = QT_TRANSLATE_NOOP("Options", "Regularization")
OPTIMIZER = QT_TRANSLATE_NOOP("Options", "Optimizer")
SEARCH = QT_TRANSLATE_NOOP("Options", "Search")
PAGES = (MODEL, REGULARIZATION, OPTIMIZER, SEARCH)

_AUGMENTING = ("augmentation.enabled", (False,))  # disabled_if: augmentation never on
_TRANSFER = ("architecture", TRANSFER_ARCHITECTURES + ("auto",))
_EARLY_STOPPING = ("early_stopping", (True,))


@dataclass(frozen=True)
class Option:
    name: str  # SearchConfig field; "augmentation.enabled" for a field of the nested Augmentation
    kind: type  # int, float, bool or str: the type of one value
    default: Any  # the SearchConfig default (a tunable's may be a search space)
    label: str = ""  # the window's row label ("" for a check box that carries its own text)
    help: str = ""  # the window's tooltip
    page: str | None = None  # options page that shows it; None: not in the window
    group: str | None = None  # group box on that page
    widget: str | None = None  # see the module docstring
    tunable: bool = False  # a value, {"choices": [...]} or a range
    allow_range: bool = True  # tunables: whether MIN:MAX is allowed
    # validation: lo..hi inclusive, or lo..below hi (below_hi); positive means > 0
    lo: float | None = None
    hi: float | None = None
    positive: bool = False
    below_hi: bool = False
    choices: Mapping[Any, str] | None = None  # allowed values -> labels (combo items, check boxes)
    message: str | None = None  # for a value not in choices; {value} and {choices} are filled in
    check: str | None = None  # a rule of app/core/options/validation.py beyond type and range, by name
    check_only_if_enabled: bool = False  # not checked while enabled_if/disabled_if say it is unused
    # command line (tunestudio search)
    flag: str | None = None
    aliases: tuple[str, ...] = ()
    cli_help: str | None = None
    metavar: str | None = None
    cli_value: Any = None  # not None: the flag takes no value and sets this one
    cli_words: Mapping[str, Any] | None = None  # the flag's words -> values (e.g. on/off)
    # window details
    enabled_if: tuple[str, tuple] | None = None  # (field, values): usable while field's value is one of them
    disabled_if: tuple[str, tuple] | None = None  # (field, values): unused while field's value is one of them
    object_name: str | None = None
    placeholder: str = ""
    text: str = ""  # a check box's own text
    span: bool = False  # a check box across the whole row, without a row label
    same_row_as: str | None = None  # shown beside that option, in its row
    minimum: float | None = None  # spin boxes (default: lo, hi)
    maximum: float | None = None
    step: float | None = None
    decimals: int = 2
    suffix: str = ""
    special: tuple[str, Any] | None = None  # (text shown at the spin box's minimum, config value there)
    range_extra: Mapping[str, Any] | None = None  # a range widget's step/scale when the config has none
    off_value: Any = None  # not None: a check box before the field; unticked gives this value
    off_spec: Any = None  # what the field shows while unticked
    gpu_only: bool = False  # usable only once a GPU is detected

    def default_value(self) -> Any:
        """A fresh copy of the default (tunable defaults are dicts the caller may change)."""
        return copy.deepcopy(self.default)

    def is_enabled(self, value_of: Callable[[str], Any]) -> bool:
        """Whether the option is in use, given ``value_of(name)``: the other fields' values."""
        if self.enabled_if is not None:
            field, allowed = self.enabled_if
            if not one_of(value_of(field), allowed):
                return False
        if self.disabled_if is not None:
            field, unused = self.disabled_if
            if one_of(value_of(field), unused):
                return False
        return True

    @property
    def field_path(self) -> tuple[str, ...]:
        return tuple(self.name.split("."))


def one_of(value: Any, allowed) -> bool:
    # `True in (1,)` holds in Python; compare types too so False is not 0.
    return any(type(value) is type(a) and value == a for a in allowed)


O = Option


def _amount(name: str, default: float, label: str, help_text: str) -> Option:
    """One augmentation strength: a fraction from 0 (off) to 1 on the Regularization page."""
    return O(name, float, default, label, help_text, REGULARIZATION, QT_TRANSLATE_NOOP("Options", "Data augmentation"),
             "dspin", lo=0.0, hi=1.0, step=0.05, disabled_if=_AUGMENTING)


OPTIONS: tuple[Option, ...] = (
    # ------------------------------------------------------------------ not in the window
    O("data_dir", str, "", check="data_dir"),
    # ------------------------------------------------------------------ Model
    O("architecture", str, "auto", QT_TRANSLATE_NOOP("Options", "Architecture"),
      QT_TRANSLATE_NOOP("Options", "The kind of network to build and tune"), MODEL,
      QT_TRANSLATE_NOOP("Options", "Network"), "combo", choices=ARCHITECTURES,
      message="unknown architecture {value!r}; choose one of {choices}", flag="--arch", aliases=("--architecture",),
      cli_help="auto (a pretrained network for photos when its weights are here, else resnet), mlp, "
               "simple_cnn, vgg, resnet, mobilenet_v2, efficientnet_b0, resnet50_v2, resnet50",
      object_name="architectureCombo"),
    # "auto": follows the data (small native images keep their size; photos get 96-128 px as the
    # budget allows, see app/core/search/planning/budget.py), or a fixed size in pixels.
    O("image_size", int, "auto", QT_TRANSLATE_NOOP("Options", "Image size"),
      QT_TRANSLATE_NOOP("Options", "Images are resized to this square size. Auto: small images keep their size; photos get 64-128 px as the time budget allows"),
      MODEL, QT_TRANSLATE_NOOP("Options", "Network"), "spin", lo=MIN_IMAGE_SIZE, hi=MAX_IMAGE_SIZE,
      check="auto_int", flag="--image-size", cli_help="pixels, or auto (follows the data and the budget; default)",
      object_name="imageSizeSpin", minimum=0, maximum=MAX_IMAGE_SIZE, step=16,
      suffix=QT_TRANSLATE_NOOP("Options", " px"), special=(QT_TRANSLATE_NOOP("Options", "Auto"), "auto")),
    # Width of the first stage (later stages double it); the first trial's width is picked from the
    # choices by measured epoch time (app/core/search/planning/budget.py).
    O("width", int, {"choices": [16, 32]}, QT_TRANSLATE_NOOP("Options", "Width"),
      QT_TRANSLATE_NOOP("Options", "Filters (CNNs) or units (MLP) in the first block: one value, a list to try (32,64) or a range (16:128)"),
      MODEL, QT_TRANSLATE_NOOP("Options", "Network"), "tunable", tunable=True, positive=True, hi=4096,
      flag="--width", cli_help="units/filters: 64, choices 32,64 or range 16:128",
      placeholder=QT_TRANSLATE_NOOP("Options", "e.g. 32, 64")),
    O("depth", int, 4, QT_TRANSLATE_NOOP("Options", "Depth"),
      QT_TRANSLATE_NOOP("Options", "Number of blocks or layers, from min to max"), MODEL,
      QT_TRANSLATE_NOOP("Options", "Network"), "range", tunable=True, lo=1, hi=50, flag="--depth",
      cli_help="blocks/layers: 2, choices or range 1:4"),
    O("dense_units", int, 128, QT_TRANSLATE_NOOP("Options", "Dense units"),
      QT_TRANSLATE_NOOP("Options", "Units of the dense layer before the classifier"), MODEL,
      QT_TRANSLATE_NOOP("Options", "Network"), "tunable", tunable=True, positive=True, hi=65536,
      placeholder=QT_TRANSLATE_NOOP("Options", "e.g. 128"), flag="--dense-units",
      cli_help="units of the dense layer before the classifier: 128 or choices 64,128"),
    O("initializer", str, "he_normal", QT_TRANSLATE_NOOP("Options", "Initializer"),
      QT_TRANSLATE_NOOP("Options", "Weight initializers to try"), MODEL, QT_TRANSLATE_NOOP("Options", "Network"),
      "checks", tunable=True, choices={k: k for k in INITIALIZERS}, flag="--initializer",
      cli_help="he_normal, glorot_uniform (comma list to search)"),
    O("backbone_weights", str, "imagenet", QT_TRANSLATE_NOOP("Options", "Backbone weights"),
      QT_TRANSLATE_NOOP("Options", "Starting weights of a transfer backbone"), MODEL,
      QT_TRANSLATE_NOOP("Options", "Transfer learning"), "combo", check="backbone_weights",
      choices={"imagenet": QT_TRANSLATE_NOOP("Options", "ImageNet (Keras cache; downloaded once, if you agree)"),
               "none": QT_TRANSLATE_NOOP("Options", "Random (train from scratch)")},
      flag="--weights", cli_help="transfer backbones: imagenet, none, or a file", enabled_if=_TRANSFER),
    O("fine_tune", bool, False, "", QT_TRANSLATE_NOOP("Options", "Also train the backbone's own weights (slower)"),
      MODEL, QT_TRANSLATE_NOOP("Options", "Transfer learning"), "check",
      text=QT_TRANSLATE_NOOP("Options", "Fine-tune the backbone"), enabled_if=_TRANSFER, flag="--fine-tune",
      cli_value=True, cli_help="transfer backbones: also train the backbone's own weights"),
    # ------------------------------------------------------------------ Regularization
    O("dropout", float, {"min": 0.0, "max": 0.4, "step": 0.1, "default": 0.2},
      QT_TRANSLATE_NOOP("Options", "Dropout"), QT_TRANSLATE_NOOP("Options", "Dropout rate range (0 to 0.95)"),
      REGULARIZATION, QT_TRANSLATE_NOOP("Options", "Weights"), "range", tunable=True, lo=0.0, hi=0.95,
      flag="--dropout", cli_help="dropout rate: 0.3 or range 0:0.5:0.1", step=0.05, range_extra={"step": 0.05},
      off_value=0.0, off_spec={"min": 0.0, "max": 0.5}),
    O("l1", float, 0.0, QT_TRANSLATE_NOOP("Options", "L1"),
      QT_TRANSLATE_NOOP("Options", "L1 weight penalty: one value, a list or a range"), REGULARIZATION,
      QT_TRANSLATE_NOOP("Options", "Weights"), "tunable", tunable=True, lo=0.0, hi=1.0, flag="--l1",
      cli_help="L1 factor", placeholder=QT_TRANSLATE_NOOP("Options", "e.g. 1e-5"), off_value=0.0, off_spec=1e-5),
    O("l2", float, 0.0, QT_TRANSLATE_NOOP("Options", "L2"),
      QT_TRANSLATE_NOOP("Options", "L2 weight penalty: one value, a list or a range"), REGULARIZATION,
      QT_TRANSLATE_NOOP("Options", "Weights"), "tunable", tunable=True, lo=0.0, hi=1.0, flag="--l2",
      cli_help="L2 factor", placeholder=QT_TRANSLATE_NOOP("Options", "e.g. 0, 1e-4"), off_value=0.0,
      off_spec={"choices": [0.0, 1e-4]}),
    O("batch_norm", bool, True, QT_TRANSLATE_NOOP("Options", "Batch normalisation"),
      QT_TRANSLATE_NOOP("Options", "Normalise activations after each block"), REGULARIZATION,
      QT_TRANSLATE_NOOP("Options", "Weights"), "tri_state", tunable=True, flag="--batch-norm",
      cli_help="batch normalisation: true, false or true,false"),
    O("augmentation.enabled", bool, {"choices": [True, False], "default": True},
      QT_TRANSLATE_NOOP("Options", "Augment"),
      QT_TRANSLATE_NOOP("Options", "Random changes to training images, so the model generalises"), REGULARIZATION,
      QT_TRANSLATE_NOOP("Options", "Data augmentation"), "tri_state", tunable=True, flag="--augment",
      cli_help="data augmentation: true, false or true,false"),
    O("augmentation.flip", str, "horizontal", QT_TRANSLATE_NOOP("Options", "Flip"),
      QT_TRANSLATE_NOOP("Options", "Random mirroring"), REGULARIZATION,
      QT_TRANSLATE_NOOP("Options", "Data augmentation"), "combo",
      choices={"none": QT_TRANSLATE_NOOP("Options", "No flip"),
               "horizontal": QT_TRANSLATE_NOOP("Options", "Horizontal"),
               "vertical": QT_TRANSLATE_NOOP("Options", "Vertical"),
               "horizontal_and_vertical": QT_TRANSLATE_NOOP("Options", "Horizontal and vertical")},
      message="must be none, horizontal, vertical or horizontal_and_vertical", disabled_if=_AUGMENTING),
    _amount("augmentation.rotation", 0.08, QT_TRANSLATE_NOOP("Options", "Rotation"),
            QT_TRANSLATE_NOOP("Options", "Largest rotation, as a fraction of a full turn (0 = off)")),
    _amount("augmentation.zoom", 0.15, QT_TRANSLATE_NOOP("Options", "Zoom"),
            QT_TRANSLATE_NOOP("Options", "Largest zoom in or out, as a fraction (0 = off)")),
    _amount("augmentation.translation", 0.1, QT_TRANSLATE_NOOP("Options", "Translation"),
            QT_TRANSLATE_NOOP("Options", "Largest shift, as a fraction of the image (0 = off)")),
    _amount("augmentation.contrast", 0.0, QT_TRANSLATE_NOOP("Options", "Contrast"),
            QT_TRANSLATE_NOOP("Options", "Largest contrast change, as a fraction (0 = off)")),
    O("early_stopping", bool, True, "",
      QT_TRANSLATE_NOOP("Options", "Saves time on trials that have stopped learning"), REGULARIZATION,
      QT_TRANSLATE_NOOP("Options", "Early stopping"), "check", flag="--no-early-stopping", cli_value=False,
      text=QT_TRANSLATE_NOOP("Options", "Stop a trial when validation stops improving"), span=True),
    O("patience", int, 6, QT_TRANSLATE_NOOP("Options", "Patience"),
      QT_TRANSLATE_NOOP("Options", "Epochs without improvement before a trial stops; with a decaying "
                                 "learning rate they count only in the schedule's last quarter"), REGULARIZATION,
      QT_TRANSLATE_NOOP("Options", "Early stopping"), "spin", lo=0, hi=10000, flag="--patience",
      cli_help="early-stopping patience (epochs)", suffix=QT_TRANSLATE_NOOP("Options", " epochs"),
      enabled_if=_EARLY_STOPPING),
    O("restore_best_weights", bool, True, "",
      QT_TRANSLATE_NOOP("Options", "Roll back to the best epoch when a trial stops early"), REGULARIZATION,
      QT_TRANSLATE_NOOP("Options", "Early stopping"), "check",
      text=QT_TRANSLATE_NOOP("Options", "Keep the best epoch's weights"), span=True, enabled_if=_EARLY_STOPPING),
    # ------------------------------------------------------------------ Optimizer
    O("optimizer", str, "adamw", QT_TRANSLATE_NOOP("Options", "Try"),
      QT_TRANSLATE_NOOP("Options", "Optimizers to try"), OPTIMIZER, QT_TRANSLATE_NOOP("Options", "Optimizer"),
      "checks", tunable=True, choices=OPTIMIZER_LABELS, flag="--optimizer",
      cli_help="adam, sgd, rmsprop, adamw (comma list to search)"),
    O("learning_rate", float, {"min": 1e-3, "max": 6e-3, "log": True, "default": 3e-3},
      QT_TRANSLATE_NOOP("Options", "Learning rate"),
      QT_TRANSLATE_NOOP("Options", "Searched on a log scale between the two values"), OPTIMIZER,
      QT_TRANSLATE_NOOP("Options", "Optimizer"), "sci", tunable=True, positive=True, hi=10.0, flag="--learning-rate",
      cli_help="1e-3, or a range 1e-4:1e-2:log", minimum=1e-7, maximum=10.0, range_extra={"log": True}),
    O("schedule", str, "cosine", QT_TRANSLATE_NOOP("Options", "Schedule"),
      QT_TRANSLATE_NOOP("Options", "How the learning rate changes during a trial: kept constant, or decayed exponentially, along a cosine or linearly"),
      OPTIMIZER, QT_TRANSLATE_NOOP("Options", "Optimizer"), "checks", tunable=True, choices=SCHEDULE_LABELS,
      flag="--schedule", cli_help="constant, exponential, cosine, linear (comma list to search)"),
    O("momentum", float, 0.9, QT_TRANSLATE_NOOP("Options", "Momentum (SGD)"),
      QT_TRANSLATE_NOOP("Options", "Momentum for SGD and RMSprop: value, list or range"), OPTIMIZER,
      QT_TRANSLATE_NOOP("Options", "Optimizer"), "tunable", tunable=True, lo=0.0, hi=0.999, flag="--momentum",
      cli_help="momentum for SGD/RMSprop", placeholder=QT_TRANSLATE_NOOP("Options", "e.g. 0.9")),
    O("nesterov", bool, True, "", QT_TRANSLATE_NOOP("Options", "Use Nesterov momentum with SGD"), OPTIMIZER,
      QT_TRANSLATE_NOOP("Options", "Optimizer"), "check", text=QT_TRANSLATE_NOOP("Options", "Nesterov momentum")),
    O("clip_mode", str, "none", QT_TRANSLATE_NOOP("Options", "Gradient clipping"),
      QT_TRANSLATE_NOOP("Options", "Gradient clipping"), OPTIMIZER, QT_TRANSLATE_NOOP("Options", "Optimizer"),
      "combo",
      choices={"none": QT_TRANSLATE_NOOP("Options", "No clipping"), "norm": QT_TRANSLATE_NOOP("Options", "By norm"),
               "value": QT_TRANSLATE_NOOP("Options", "By value")},
      flag="--clip-mode", cli_help="gradient clipping: none, norm or value"),
    O("clip_value", float, 1.0, QT_TRANSLATE_NOOP("Options", "Clipping threshold"),
      QT_TRANSLATE_NOOP("Options", "Clipping threshold"), OPTIMIZER, QT_TRANSLATE_NOOP("Options", "Optimizer"),
      "tunable", tunable=True, positive=True, placeholder=QT_TRANSLATE_NOOP("Options", "e.g. 1.0"),
      flag="--clip-value", cli_help="clipping threshold (with --clip-mode norm or value)", same_row_as="clip_mode",
      disabled_if=("clip_mode", ("none",)), check_only_if_enabled=True),
    # AdamW only; not in the window.
    O("weight_decay", float, 5e-4, tunable=True, lo=0.0, hi=1.0, flag="--weight-decay",
      cli_help="AdamW weight decay: 5e-4 or 1e-5:1e-2:log"),
    # Share of a trial's steps spent warming the learning rate up linearly (with any schedule).
    O("warmup_fraction", float, 0.067, tunable=True, lo=0.0, hi=0.5, flag="--warmup",
      cli_help="share of a trial's steps spent warming up: 0.067 or 0:0.2"),
    O("batch_size", int, 64, QT_TRANSLATE_NOOP("Options", "Batch sizes"),
      QT_TRANSLATE_NOOP("Options", "Batch sizes to try, separated by commas"), OPTIMIZER,
      QT_TRANSLATE_NOOP("Options", "Training"), "tunable", tunable=True, allow_range=False, positive=True, hi=65536,
      flag="--batch-size", cli_help="batch size: 32, or choices 16,32,64",
      placeholder=QT_TRANSLATE_NOOP("Options", "e.g. 16, 32")),
    O("label_smoothing", float, 0.1, QT_TRANSLATE_NOOP("Options", "Label smoothing"),
      QT_TRANSLATE_NOOP("Options", "Softens the targets; 0 turns it off"), OPTIMIZER,
      QT_TRANSLATE_NOOP("Options", "Training"), "dspin", tunable=True, lo=0.0, hi=0.5, flag="--label-smoothing",
      cli_help="label smoothing", step=0.05),
    # Smaller images in a trial's early epochs, the target size in its last 30 %: more epochs from the
    # same minutes (app/core/data/resize_schedule.py). Photos of 64 px and more; not with Hyperband.
    O("progressive_resizing", bool, True, "",
      QT_TRANSLATE_NOOP("Options", "Train the early epochs on smaller images and the last ones at full size: more "
                                   "epochs in the same time (images of 64 px and larger)"), OPTIMIZER,
      QT_TRANSLATE_NOOP("Options", "Training"), "check", text=QT_TRANSLATE_NOOP("Options", "Progressive resizing"),
      flag="--progressive-resizing", metavar="on|off", cli_words={"on": True, "off": False},
      cli_help="train early epochs on smaller images: on (default) or off"),
    # Validate, checkpoint and export an exponential moving average of the weights (Polyak averaging,
    # over about the last two epochs' steps): Keras's own use_ema with SwapEMAWeights. On by default:
    # +1.5 and +1.7 points held-out on flowers in a same-run A/B (BENCHMARKS.md, session 9).
    O("weight_averaging", bool, True, "",
      QT_TRANSLATE_NOOP("Options", "Keep a moving average of the weights over about the last two epochs and "
                                   "use it for validation and the saved model"), OPTIMIZER,
      QT_TRANSLATE_NOOP("Options", "Training"), "check", text=QT_TRANSLATE_NOOP("Options", "Weight averaging (EMA)"),
      flag="--weight-averaging", metavar="on|off", cli_words={"on": True, "off": False},
      cli_help="validate and save a moving average of the weights: on (default) or off"),
    # ------------------------------------------------------------------ Search
    O("tuner", str, "random", QT_TRANSLATE_NOOP("Options", "Tuner"),
      QT_TRANSLATE_NOOP("Options", "How the next trial is chosen"), SEARCH, QT_TRANSLATE_NOOP("Options", "Search"),
      "combo", choices=TUNERS, message="unknown tuner {value!r}; choose one of {choices}", flag="--tuner",
      cli_help="random, grid, hyperband, bayesian", object_name="tunerCombo"),
    # Wall-clock seconds for the whole search (scan and decoding included); 0 = no limit. The search
    # ends at whichever comes first: the budget, max_trials or the plateau.
    O("time_budget", float, 600.0, QT_TRANSLATE_NOOP("Options", "Time budget"),
      QT_TRANSLATE_NOOP("Options", "Wall-clock time for the whole search (scan included). The search ends at whichever comes first: the budget or max trials. 'none' for no limit"),
      SEARCH, QT_TRANSLATE_NOOP("Options", "Search"), "duration", check="time_budget", flag="--time-budget",
      metavar="DURATION",
      cli_help="wall-clock budget for the whole search: 10m (default), 90s, 2h, 1h30m, or none; the search ends at whichever comes first, the budget or --max-trials",
      object_name="timeBudgetEdit", placeholder=QT_TRANSLATE_NOOP("Options", "10m, 90s, 2h, or none")),
    O("plateau_trials", int, 6, QT_TRANSLATE_NOOP("Options", "End after no gain in"),
      QT_TRANSLATE_NOOP("Options", "End the search after this many trials in a row without a better score (0: never)"),
      SEARCH, QT_TRANSLATE_NOOP("Options", "Search"), "spin", lo=0, hi=100000, flag="--plateau", metavar="N",
      cli_help="end the search after N trials in a row without a better score (0: never)",
      special=(QT_TRANSLATE_NOOP("Options", "Never"), None)),
    O("max_trials", int, 20, QT_TRANSLATE_NOOP("Options", "Max trials"),
      QT_TRANSLATE_NOOP("Options", "How many models to train at most"), SEARCH,
      QT_TRANSLATE_NOOP("Options", "Search"), "spin", lo=1, hi=100000, flag="--max-trials",
      object_name="maxTrialsSpin", disabled_if=("tuner", ("hyperband",))),
    # The most epochs a trial may get; with a time budget, each trial gets the epochs that fit and
    # its schedule is laid out over those.
    # "auto": 30, or more for a small folder so that a trial takes about 480 optimizer steps
    # (app/core/search/planning/batch_fit.py); a number is kept as typed.
    O("epochs", int, "auto", QT_TRANSLATE_NOOP("Options", "Epochs"),
      QT_TRANSLATE_NOOP("Options", "Epochs per trial (Hyperband: the most a trial gets). Auto: 30, more for a small folder so that a trial gets enough training steps"),
      SEARCH, QT_TRANSLATE_NOOP("Options", "Search"), "spin", lo=1, hi=10000, flag="--epochs", check="auto_int",
      cli_help="max epochs per trial, or auto (default: 30, more for a small folder)", object_name="epochsSpin",
      minimum=0, special=(QT_TRANSLATE_NOOP("Options", "Auto"), "auto")),
    O("hyperband_factor", int, 3, QT_TRANSLATE_NOOP("Options", "Hyperband factor"),
      QT_TRANSLATE_NOOP("Options", "Hyperband keeps 1 in this many trials at each round"), SEARCH,
      QT_TRANSLATE_NOOP("Options", "Search"), "spin", lo=2, hi=100, enabled_if=("tuner", ("hyperband",)),
      flag="--hyperband-factor", cli_help="Hyperband keeps 1 in this many trials at each round"),
    O("objective", str, "val_accuracy", QT_TRANSLATE_NOOP("Options", "Objective"),
      QT_TRANSLATE_NOOP("Options", "What ranks the trials"), SEARCH, QT_TRANSLATE_NOOP("Options", "Search"), "combo",
      choices={"val_accuracy": QT_TRANSLATE_NOOP("Options", "Validation accuracy (higher is better)"),
               "val_loss": QT_TRANSLATE_NOOP("Options", "Validation loss (lower is better)")},
      flag="--objective", cli_help="val_accuracy or val_loss"),
    O("seed", int, 42, QT_TRANSLATE_NOOP("Options", "Seed"),
      QT_TRANSLATE_NOOP("Options", "Same seed, same data split and trial order"), SEARCH,
      QT_TRANSLATE_NOOP("Options", "Search"), "spin", lo=0, hi=2**31 - 1, flag="--seed"),
    O("val_fraction", float, 0.2, QT_TRANSLATE_NOOP("Options", "Validation share"),
      QT_TRANSLATE_NOOP("Options", "Share of each class held out to score trials"), SEARCH,
      QT_TRANSLATE_NOOP("Options", "Search"), "dspin", lo=0.0, hi=1.0, below_hi=True, flag="--val-fraction",
      maximum=0.9, step=0.05),
    O("test_fraction", float, 0.0, QT_TRANSLATE_NOOP("Options", "Test share"),
      QT_TRANSLATE_NOOP("Options", "Share of each class locked away and scored once at the end: the honest estimate (a test/ folder is used as is)"),
      SEARCH, QT_TRANSLATE_NOOP("Options", "Search"), "dspin", lo=0.0, hi=1.0, below_hi=True, flag="--test-share",
      metavar="FRACTION",
      cli_help="lock this share of the images away as a test split, scored once at the end (a test/ folder is used as is)",
      object_name="testFractionSpin", maximum=0.5, step=0.05),
    # True, False, or "auto": on when the scan finds heavy imbalance.
    O("class_weights", bool, "auto", QT_TRANSLATE_NOOP("Options", "Class weights"),
      QT_TRANSLATE_NOOP("Options", "Weight each class by the inverse of its share, so rare classes count as much as common ones"),
      SEARCH, QT_TRANSLATE_NOOP("Options", "Search"), "combo",
      choices={"auto": QT_TRANSLATE_NOOP("Options", "Auto (on for heavy imbalance)"),
               True: QT_TRANSLATE_NOOP("Options", "On"), False: QT_TRANSLATE_NOOP("Options", "Off")},
      message="must be true, false or auto", flag="--class-weights",
      cli_help="weight classes by inverse frequency: auto (default: on for heavy imbalance), on, off",
      cli_words={"auto": "auto", "on": True, "off": False}, object_name="classWeightsCombo"),
    O("name", str, "", QT_TRANSLATE_NOOP("Options", "Search name"),
      QT_TRANSLATE_NOOP("Options", "Shown in the history"), SEARCH, QT_TRANSLATE_NOOP("Options", "Search"), "text",
      check="name", flag="--name", cli_help="a name for this search",
      placeholder=QT_TRANSLATE_NOOP("Options", "optional, e.g. flowers-first-try")),
    # On by default: used where a GPU with fast float16 trains (compute capability 7.0+), float32 elsewhere.
    O("mixed_precision", bool, True, "",
      QT_TRANSLATE_NOOP("Options", "Faster training on modern GPUs; available once a GPU is detected"), SEARCH,
      QT_TRANSLATE_NOOP("Options", "Hardware"), "check",
      text=QT_TRANSLATE_NOOP("Options", "Mixed precision (GPU only)"), span=True, gpu_only=True),
    # ------------------------------------------------------------------ not in the window
    O("tensorboard", bool, True),  # TensorBoard logs (scalars + HParams),
    # Deterministic TensorFlow ops: the same seed gives the same weights on the CPU (slower on GPUs).
    O("deterministic", bool, False, flag="--deterministic", cli_value=True,
      cli_help="deterministic TensorFlow ops: the same seed gives the same weights on the CPU"),
    O("multi_gpu", str, "off", choices={m: m for m in MULTI_GPU_MODES}),
    O("cache", str, "auto", choices={m: m for m in CACHE_MODES}),
    O("max_retries_per_trial", int, 0, lo=0, hi=10),
    O("keep_best_checkpoints", int, 5, lo=0, hi=100000),
    O("max_consecutive_failed_trials", int, 3, lo=1, hi=1000),
)
del O
OPTION = {option.name: option for option in OPTIONS}
# SearchConfig fields that hold other options rather than a value of their own.
NESTED = ("augmentation",)


def default_of(name: str) -> Any:
    return OPTION[name].default_value()


def get_value(data: Mapping[str, Any], name: str) -> Any:
    """``data[name]``, following ``augmentation.flip`` into the nested dict."""
    value: Any = data
    for part in name.split("."):
        value = value.get(part) if isinstance(value, Mapping) else getattr(value, part, None)
    return value


def set_value(data: dict, name: str, value: Any) -> None:
    *heads, last = name.split(".")
    for head in heads:
        data = data.setdefault(head, {})
    data[last] = value


def window_options() -> list[Option]:
    return [option for option in OPTIONS if option.page is not None]
