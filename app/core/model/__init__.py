"""Keras models: the builders for every architecture and transfer backbone, the confusion
metric, and the augmentation preview.

May import: app.core.data, app.core.options, app.core.util. No Qt.
"""
