"""Running a search: the budget planner, the estimate, the Keras Tuner subclass and hypermodel,
the search folder, the events a search reports and the state kept from them, the child process
that runs it, and the final model chosen from its trials.

May import: app.core.model, app.core.data, app.core.options, app.core.util. No Qt.
"""
