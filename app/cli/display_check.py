"""Before Qt starts on a Linux X display: are the system libraries its xcb plugin loads there?

PySide6's wheels carry Qt itself but not the X11 client libraries its ``xcb`` platform plugin links
against. Without them Qt aborts with "Could not load the Qt platform plugin xcb" and a core dump;
``display_problem()`` finds that out first and names the one ``apt-get`` line that fixes it (the
README quotes the same line, and a test keeps the two equal). Offscreen, minimal and Wayland
platforms need none of this, so tests (``QT_QPA_PLATFORM=offscreen``) never ask for them.

No Qt import here: this must run before PySide6 is loaded.
"""
from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Iterable, Mapping

# Shared library -> the Debian/Ubuntu package that provides it: what the xcb plugin
# (libqxcb.so, libQt6XcbQpa.so, libQt6Gui.so) loads beyond a minimal system.
XCB_LIBRARIES = {
    "libxcb.so.1": "libxcb1",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libdbus-1.so.3": "libdbus-1-3",
    "libglib-2.0.so.0": "libglib2.0-0",
}

# Platforms that draw without an X server (tests use offscreen).
_NO_X_PLATFORMS = {"offscreen", "minimal", "minimalegl", "vnc", "linuxfb", "eglfs", "vkkhrdisplay"}


def apt_line(packages: Iterable[str] | None = None) -> str:
    """The one command that installs ``packages`` (default: everything the xcb plugin needs)."""
    names = sorted(set(XCB_LIBRARIES.values() if packages is None else packages))
    return "sudo apt-get install -y " + " ".join(names)


def missing_libraries(names: Iterable[str] | None = None) -> list[str]:
    """The libraries among ``names`` (default: all of XCB_LIBRARIES) that the dynamic loader cannot load."""
    missing = []
    for name in XCB_LIBRARIES if names is None else names:
        try:
            ctypes.CDLL(name)
        except OSError:
            missing.append(name)
    return missing


def qt_platform(env: Mapping[str, str] | None = None) -> str:
    """The platform plugin Qt will try first: ``QT_QPA_PLATFORM``'s first entry, else Qt's default."""
    env = os.environ if env is None else env
    chosen = env.get("QT_QPA_PLATFORM", "").split(";")[0].split(":")[0].strip().lower()
    if chosen:
        return chosen
    if sys.platform != "linux":
        return "native"
    # Qt 6 tries Wayland first in a Wayland session, X11 (xcb) otherwise.
    if env.get("WAYLAND_DISPLAY") and env.get("XDG_SESSION_TYPE", "").lower() == "wayland":
        return "wayland"
    return "xcb"


def display_problem(env: Mapping[str, str] | None = None) -> str | None:
    """Why the window cannot open on this display (a message with the fix), or None when it can."""
    env = os.environ if env is None else env
    if sys.platform != "linux" or qt_platform(env) != "xcb":
        return None
    missing = missing_libraries()
    if missing:
        packages = [XCB_LIBRARIES[name] for name in missing]
        return ("TuneStudio's window needs X11 libraries that are not installed: "
                + ", ".join(f"{name} ({pkg})" for name, pkg in zip(missing, packages))
                + ".\nInstall them with (Debian/Ubuntu):\n    " + apt_line()
                + "\nor run without a window: tunestudio --help")
    if not env.get("DISPLAY"):
        return ("No display to open the window on (DISPLAY is not set). Run it on a desktop, under a "
                "virtual display (xvfb-run tunestudio), or use the command line: tunestudio --help")
    return None


def main() -> int:
    """``python -m app.cli.display_check``: 0 when the window can open here, 1 with the reason when not."""
    problem = display_problem()
    if problem:
        print(problem, file=sys.stderr)
        return 1
    print(f"ok: Qt platform '{qt_platform()}' can start")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
