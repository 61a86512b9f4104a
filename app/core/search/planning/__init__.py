"""Planning a search for its budget: the budget planner (trials, epochs, pruning, when to stop), the
speed estimate and the choices made from it (image size and width, XLA), the batch size and epochs a
folder gets, the plan notice, and the plan the window shows before a search starts.

May import: the modules of app.core.search beside it that hold no search logic of their own
(search_dir, search_state, stages, devices, events, transfer_plan), and the packages below search
(app.core.model, data, options, util). Nothing in app.core.search imported by this package imports it
back (checked by import-linter's sibling contract). No Qt.
"""
