"""How the window paints without blocking: lazy and pre-laid-out tab pages, staged painting,
the shared theme, and the PySide6 reference-count guard.

May import: app.core.util. No other gui package.
"""
