"""The Training tab: live curves, the confusion matrix, the trial table and the
"Other machines" panel, all observing the search model.

May import: app.core, app.gui.session, app.gui.paint, app.gui.widgets, app.gui.dialogs, app.gui.text.
"""
