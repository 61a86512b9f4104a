"""Small widgets and helpers shared by several pages and dialogs: spin boxes, table set-up,
item roles, the app icon, and the base of panels that draw a search's state.

May import: app.core, app.gui.paint, app.gui.text.
"""
