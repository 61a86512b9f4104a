"""Exporting a trial or the final model to every runtime, the proof of each artifact, the
serving graph, the reproducibility bundle, and the export child process.

May import: app.core.search, app.core.model, app.core.data, app.core.options, app.core.util. No Qt.
"""
