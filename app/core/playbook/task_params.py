"""The playbook tasks' parameters, in one table: what each task takes, its default, its command-line
flag and help, and the range its dialog offers.

The command line (``app/cli/playbook.py``) adds its flags from :data:`TASK_PARAMS` and reads them
back into the task's parameters; the window's dialogs (``app/gui/playbook``) make their fields from
it. The tasks' own keyword defaults must agree with it (``tests/core/playbook`` checks them).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class TaskParam:
    """One parameter of a task function (``fn(ctx, **params)``)."""

    name: str  # the task function's keyword
    kind: type = str  # int, float, str or bool
    default: Any = None  # the task function's default: the command line's too
    flag: str = ""  # the command line's option; "" when the command line gives it otherwise (or not)
    help: str = ""  # the command line's help
    required: bool = False  # the command line insists on it
    low: float | None = None  # the dialog's range (and the command line's check, where given)
    high: float | None = None
    step: float | None = None  # the dialog's step
    shown: Any = None  # the dialog's first value when it is not ``default`` (None: ``default``)
    metavar: str = ""  # the command line's name for the value (default: the flag's, upper case)

    @property
    def first_value(self) -> Any:
        """What the dialog shows at first."""
        return self.default if self.shown is None else self.shown


P = TaskParam
MIN_FOLDS, MAX_FOLDS = 3, 10  # k-fold cross-validation

TASK_PARAMS: dict[str, tuple[TaskParam, ...]] = {
    "lr_find": (
        P("architecture", str, "simple_cnn", "--arch", "architecture (default simple_cnn)"),
        P("image_size", int, 64, "--image-size", low=8, high=512),
        P("batch_size", int, 32, "--batch-size", low=1, high=1024),
        P("steps", int, 200, "--steps", "batches in the ramp (default 200)", low=20, high=2000),
        P("start_lr", float, 1e-6, "--start-lr"),
        P("end_lr", float, 1.0, "--end-lr"),
    ),
    "mislabels": (
        P("top", int, 3, "--top", "trials that vote (default 3)", low=1, high=20),
        P("folds", int, None, "--folds", "score training images out-of-fold with K trainings (0: use the top "
                                         "trials; default 3 up to 3000 training images, else 0)"),
        P("limit", int, None, "--limit", "print at most this many"),
    ),
    "ensemble": (
        P("top", int, 3, "--top", "members (default 3)", low=1, high=20),
        P("overwrite", bool, False, "--overwrite", "replace an earlier export in OUT"),
    ),
    "distill": (
        P("teacher", str, "best", "--teacher", "best, ensemble:K, or a trial id"),
        P("student_arch", str, "simple_cnn", "--student-arch", "mlp, simple_cnn, vgg, resnet, ...", required=True),
        P("student_width", int, None, "--student-width", low=1, high=1024, shown=8),
        P("student_depth", int, None, "--student-depth", low=1, high=8, shown=2),
        P("temperature", float, 4.0, "--temperature", low=0.5, high=20.0),
        P("alpha", float, 0.5, "--alpha", "weight of the hard-label loss (0-1)", low=0.0, high=1.0, step=0.1),
        P("epochs", int, None, "--epochs", "default: the search's epochs", low=1, high=1000, shown=10),
        P("export", str, None, "--export", "export the student to this folder", metavar="OUT"),
        P("overwrite", bool, False, "--overwrite"),
    ),
    "kfold": (
        P("trial_id", str, None, "--trial", "trial id (or 'best')", required=True),
        P("folds", int, 5, "--folds", f"{MIN_FOLDS} to {MAX_FOLDS} (default 5)", low=MIN_FOLDS, high=MAX_FOLDS),
        P("epochs", int, None, "--epochs", "default: the search's epochs"),
    ),
}


def task_param(task: str, name: str) -> TaskParam:
    """The table's row for one parameter of a task; KeyError when there is none."""
    for param in TASK_PARAMS[task]:
        if param.name == name:
            return param
    raise KeyError(f"{task} has no parameter {name!r}")
