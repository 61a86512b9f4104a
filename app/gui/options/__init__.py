"""The search options column, built from the option table.

May import: app.core, app.gui.paint, app.gui.widgets, app.gui.text.
"""
