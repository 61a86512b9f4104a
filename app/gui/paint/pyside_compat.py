"""Guard against a PySide6 6.12.0 reference-count bug on Python 3.11.

We pin PySide6-Essentials 6.11.3, which does not have the bug (measured: 0 references lost per
call, against 1.0 for 6.12.0). This guard stays for installs that bring a leaking build anyway:
it measures the leak once (200 calls, well under a millisecond) and acts only when it is there.

Measured here (PySide6-Essentials 6.12.0 abi3 wheel, CPython 3.11.7): every call of a Qt method
that returns ``void`` (``setText``, ``update``, ``setPen``...) hands Python ``None`` without the
reference it owes, so ``sys.getrefcount(None)`` drops by one per call; some paths through
Python overrides of virtual methods (pyqtgraph's ``setData``, painting) lose references to
``True`` the same way. ``None`` starts with a few thousand references, and a live pyqtgraph plot
makes dozens of such calls per frame, so after seconds to minutes CPython aborts with "Fatal
Python error: none_dealloc: deallocating None" (or ``bool_dealloc``). Python 3.12+ made these
singletons immortal (PEP 683), which is why the bug hides there.

The fix gives ``None``, ``True`` and ``False`` a reference count no session can exhaust, as 3.12
does. It runs once, on CPython before 3.12 only, and is harmless when the bug is absent. Remove it once the pinned
PySide6 no longer leaks (``python -m app.gui.paint.pyside_compat`` prints the leak per call).
"""
from __future__ import annotations

import sys

# 2**40 leaked references: over a year at a million void calls per second.
_HEADROOM = 1 << 40
_applied = False


def protect_none() -> bool:
    """Make ``None``, ``True`` and ``False`` effectively immortal where needed.

    Returns True if the counts were raised (once per process).
    """
    global _applied
    if _applied or sys.implementation.name != "cpython" or sys.version_info >= (3, 12):
        return False
    if none_leak_per_call(200) <= 0:
        return False
    import ctypes

    for singleton in (None, True, False):
        # ob_refcnt is the first field of every CPython object, at id(obj).
        refcount = ctypes.c_ssize_t.from_address(id(singleton))
        refcount.value += _HEADROOM
    _applied = True
    return True


def none_leak_per_call(calls: int = 1000) -> float:
    """References to ``None`` lost per void Qt call (0.0 on a healthy PySide6)."""
    import gc

    from PySide6.QtCore import QObject

    probe = QObject()
    # No collection may run between the two counts (it frees objects holding None); a full
    # collection before and after would do as well but costs ~10 ms at start-up.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        before = sys.getrefcount(None)
        for _ in range(calls):
            probe.setObjectName("probe")
        after = sys.getrefcount(None)
    finally:
        if was_enabled:
            gc.enable()
    return (before - after) / calls


if __name__ == "__main__":
    print(f"None references lost per void Qt call: {none_leak_per_call():.2f}")
