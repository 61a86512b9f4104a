"""TuneStudio's core: dataset, search space, training, export, history.

Nothing in this package imports Qt (PySide6) or pyqtgraph; ``tests/test_core_has_no_qt.py``
enforces it. TensorFlow is imported lazily, only where training, preview or export starts.
"""
