"""The command line: ``tunestudio`` with no arguments opens the window; ``scan``, ``search``,
``export``, ``history``, the playbook commands and ``doctor`` run headless.

May import: app.core (any package). Never app.gui, except ``main`` starting the window on request.
Imported by: nothing but the entry point (``app.cli.main:main``, ``python -m app``).
"""
