"""The staged search from a pretrained backbone: features once (cached), many head trials on them,
then the best head fine-tuned with the backbone's top unfrozen. Whether a search is staged, at which
size and with which weights file is decided beside it, in app.core.search.transfer_plan.

May import: app.core.search.planning (the budget planner), the trial machinery of app.core.search
(trial_tuner, trial_model, trials, final_model, search_dir, transfer_plan) and the packages below
search. Only app.core.search.runner imports it. No Qt.
"""
