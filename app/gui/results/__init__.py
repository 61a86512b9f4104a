"""The Results tab: what the search found, the best trial's curves and confusion matrix, the
misclassified gallery, and export.

May import: app.core, app.gui.training, app.gui.session, app.gui.paint, app.gui.widgets,
app.gui.dialogs, app.gui.text.
"""
