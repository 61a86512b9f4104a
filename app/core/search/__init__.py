"""Running a search: the Keras Tuner subclass and hypermodel, the search folder, the events a search
reports and the state kept from them, the child process that runs it, and the final model chosen
from its trials. Two subpackages hold the rest: ``planning`` (the budget planner, the speed estimate
and the plan) and ``transfer`` (the staged search from a pretrained backbone).

May import: app.core.model, app.core.data, app.core.options, app.core.util. No Qt.
"""
