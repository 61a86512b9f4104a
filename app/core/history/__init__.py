"""The experiment history: one SQLite database of searches, trials, epochs, tasks and
exports; its schema, writer (a listener of search events), queries and edits.

May import: app.core.search, app.core.options, app.core.util. No Qt.
"""
