"""A search's events as the history records them, made up for the history tests (core and CLI)."""
from pathlib import Path
from app.core.util import paths
from app.core.search.events import make_event


def search_events(search_id="20260101-000000-demo", trials=3, epochs=2, search_dir=None, resumed=False,
                  objective="val_accuracy", finish=True, first_number=1):
    """A plausible event stream of a small search, like the engine emits."""
    search_dir = str(search_dir or paths.searches_dir() / search_id)
    classes = ["cat", "dog", "frog"]
    config = {"name": "demo", "data_dir": "/data/pets", "objective": objective, "seed": 7,
              "architecture": "mlp", "epochs": epochs}
    yield make_event("search_started", search_id=search_id, search_dir=search_dir, config=config,
                     device="CPU: test", devices=["CPU"], mixed_precision=False, classes=classes,
                     train_count=12, val_count=6, test_count=0, max_trials=trials, resumed=resumed,
                     completed_trials=0, dataset_fingerprint="abc123", versions={"tensorflow": "2.21.0"})
    summaries = []
    for index in range(trials):
        trial_id = f"{index + first_number - 1:02d}"
        hp = {"learning_rate": 0.001 * (index + 1), "optimizer": ["adam", "sgd"][index % 2], "depth": index + 1}
        yield make_event("trial_started", trial_id=trial_id, number=index + first_number, hyperparameters=hp,
                         batch_size=8)
        history = {"loss": [], "accuracy": [], "val_loss": [], "val_accuracy": []}
        confusion = None
        for epoch in range(epochs):
            yield make_event("batch_ended", trial_id=trial_id, epoch=epoch, batch=0, steps=2, logs={"loss": 1.0})
            logs = {"loss": 1.0 / (epoch + 1), "accuracy": 0.3 + 0.1 * epoch + 0.05 * index,
                    "val_loss": 1.1 / (epoch + 1), "val_accuracy": 0.25 + 0.1 * epoch + 0.1 * index}
            for key, value in logs.items():
                history[key].append(value)
            confusion = [[2, 0, 0], [0, 1, 1], [1, 0, 1]]
            yield make_event("epoch_ended", trial_id=trial_id, epoch=epoch, epochs=epochs, logs=logs,
                             confusion=confusion, class_names=classes)
        score = history[objective][-1]
        summaries.append({"trial_id": trial_id, "score": score})
        yield make_event("trial_ended", trial_id=trial_id, number=index + first_number, status="COMPLETED",
                         score=score, best_step=epochs - 1, duration=1.5, message="", hyperparameters=hp,
                         history=history, confusion=confusion)
    if finish:
        yield make_event("search_finished", status="completed", error="", best_trial_id=summaries[-1]["trial_id"],
                         best_score=summaries[-1]["score"], best_hyperparameters={}, trials=summaries,
                         duration=10.0, search_dir=search_dir)


def record_all(store, events):
    for event in events:
        store.record(event)


def make_checkpoints(search_dir: Path, trial_ids, size=1000):
    for trial_id in trial_ids:
        folder = search_dir / "tuner" / f"trial_{trial_id}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "checkpoint.weights.h5").write_bytes(b"w" * size)
        (folder / "trial.json").write_text("{}")
