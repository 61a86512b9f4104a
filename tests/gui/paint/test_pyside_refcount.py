"""The pinned PySide6 must not lose references to None (6.12.0 did: the app aborted mid-plotting)."""
from app.gui.paint.pyside_compat import none_leak_per_call


def test_pinned_pyside_does_not_leak_none_references():
    assert none_leak_per_call(2000) == 0.0
