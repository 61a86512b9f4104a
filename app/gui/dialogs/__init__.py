"""Every question and message the window puts to the user, the export dialog and the About box.

May import: app.core, app.gui.paint, app.gui.widgets, app.gui.text.
"""
