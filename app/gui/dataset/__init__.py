"""The Dataset tab: choose an image folder and see what is in it.

May import: app.core, app.gui.paint, app.gui.widgets, app.gui.text, app.gui.session.
"""
