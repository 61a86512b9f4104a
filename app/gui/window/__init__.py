"""The application and its main window: start-up, the frame shown before the heavy imports,
the chrome (actions, menus, tabs) and the persistent settings.

May import: everything in app.gui and app.core.
"""
