"""Running work off the GUI thread: the search worker and its QThread, the session that owns
one search from start to end, the search model the panels observe, and playbook task runners.

May import: app.core, app.gui.text.
"""
