"""The History tab: every past search, its trials, comparisons and score plots.

May import: app.core, app.gui.training, app.gui.results, app.gui.session, app.gui.paint,
app.gui.widgets, app.gui.dialogs, app.gui.text.
"""
