"""The playbook's "predictions" task: make sure a search's trials keep their validation predictions
(the misclassified gallery, mislabels and the ensemble read them)."""
from __future__ import annotations

from app.core.options.config import SearchConfig
from app.core.playbook.tasks import search_info
from app.core.search.predictions import trial_predictions, trial_predictions_path
from app.core.search.trials import ranked_trials


def compute_search_predictions(ctx, search_dir: str, trial_ids: list[str] | None = None) -> dict:
    """Task: make sure the given trials (default: all with weights) have a predictions file."""
    info = search_info(search_dir)
    objective = SearchConfig.from_dict(info["config"]).objective
    ids = trial_ids or [t["trial_id"] for t in ranked_trials(search_dir, objective)]
    out = {}
    for n, trial_id in enumerate(ids):
        ctx.progress(n / max(1, len(ids)), f"Predicting the validation images with trial {trial_id}")
        preds = trial_predictions(search_dir, trial_id)
        out[trial_id] = {"path": str(trial_predictions_path(search_dir, trial_id)),
                         "accuracy": preds.accuracy if preds else None}
    return {"trials": out}
