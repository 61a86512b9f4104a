"""The reproducibility bundle written into every export folder (``reproduce/``).

* ``search_config.json``: the full config of the search the trial came from;
* ``trial_config.json``: the same config with every tunable fixed to this trial's value, one
  trial, deterministic ops: ``tunestudio search --config trial_config.json`` retrains the trial;
* ``split.json``: the exact split (original file paths and class ids per split);
* ``environment.json``: package versions, seed, dataset fingerprint and folder;
* ``reproduce.sh``: the command line.

Why retraining gives the same trial: the runner seeds every trial with the search seed
(``keras.utils.set_random_seed`` before the model is built), so a trial's weights depend on its
hyperparameters and the seed, not on its position in the search; the split is a seeded, stable
function of the folder (same files give the same split, checked by the fingerprint); and
``deterministic`` makes TensorFlow's kernels reproducible on the CPU.
"""
from __future__ import annotations

import json
import platform
import shlex
from dataclasses import fields
from pathlib import Path

from app.core.options.config import SearchConfig

FOLDER = "reproduce"
# Hyperband trains a trial for "tuner/epochs", continuing from an earlier trial's weights; the
# retrained trial runs those epochs from scratch.
HYPERBAND_EPOCHS = "tuner/epochs"


def trial_config(config: SearchConfig, hyperparameters: dict) -> SearchConfig:
    """``config`` with every tunable fixed to the trial's values: a one-trial search of that trial."""
    data = config.to_dict()
    names = {f.name for f in fields(SearchConfig)}
    for name, value in hyperparameters.items():
        if name == "augmentation":
            data["augmentation"]["enabled"] = bool(value)
        elif name in names:
            data[name] = value
    if HYPERBAND_EPOCHS in hyperparameters:
        data["epochs"] = int(hyperparameters[HYPERBAND_EPOCHS])
    data.update(tuner="random", max_trials=1, deterministic=True, keep_best_checkpoints=0,
                name=f"reproduce {config.name or 'trial'}".strip())
    if "time_budget" in names:
        data["time_budget"] = 0  # the trial's own epochs, not a new share of a budget
    return SearchConfig.from_dict(data)


def command(config_path: Path) -> str:
    return f"tunestudio search --config {shlex.quote(str(config_path))}"


def write_bundle(folder: Path, final_folder: Path, info: dict, config: SearchConfig, trial_id: str,
                 hyperparameters: dict, versions: dict) -> dict:
    """Write ``folder/reproduce`` (``final_folder`` is where the export will live); return the card's
    ``reproduce`` entry."""
    out = folder / FOLDER
    out.mkdir()
    retrain = trial_config(config, hyperparameters)

    def dump(name: str, data) -> None:
        (out / name).write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n",
                                encoding="utf-8")

    dump("search_config.json", config.to_dict())
    dump("trial_config.json", retrain.to_dict())
    classes = info["classes"]
    # Rows are [file training read, class id, original file]; the original is what a user has.
    dump("split.json", {"classes": classes,
                        **{name: [[row[-1], int(row[1])] for row in rows]
                           for name, rows in info["splits"].items()}})
    dump("environment.json", {"versions": versions, "platform": platform.platform(), "seed": config.seed,
                              "deterministic_training": bool(getattr(config, "deterministic", False)),
                              "dataset_fingerprint": info.get("dataset_fingerprint"),
                              "data_root": info.get("data_root"), "search_id": info.get("search_id"),
                              "trial_id": trial_id, "hyperparameters": hyperparameters})
    line = command(final_folder / FOLDER / "trial_config.json")
    (out / "reproduce.sh").write_text(
        "#!/bin/sh\n# Retrains trial " + str(trial_id) + " of search " + str(info.get("search_id")) +
        " (same seed, same split while the folder is unchanged: compare the dataset fingerprint\n"
        "# in environment.json with `tunestudio scan --json`).\n" + line + ' "$@"\n', encoding="utf-8")
    (out / "reproduce.sh").chmod(0o755)
    return {"command": line, "folder": FOLDER, "seed": config.seed,
            "dataset_fingerprint": info.get("dataset_fingerprint"),
            "exact": bool(getattr(config, "deterministic", False)),
            "files": sorted(p.name for p in out.iterdir())}
