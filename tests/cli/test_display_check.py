"""The window's pre-flight check: Qt's X11 libraries and a display, before PySide6 loads."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from app.cli import display_check
from conftest import REPO_ROOT

X11 = {"QT_QPA_PLATFORM": "xcb", "DISPLAY": ":0"}


@pytest.fixture
def one_library_missing(monkeypatch):
    """A library no machine has, standing for a missing xcb dependency."""
    monkeypatch.setitem(display_check.XCB_LIBRARIES, "libtunestudio-absent.so.7", "libtunestudio-absent7")
    return "libtunestudio-absent.so.7"


def test_a_missing_library_is_named_with_its_package_and_the_one_apt_line(one_library_missing):
    problem = display_check.display_problem(X11)
    assert "libtunestudio-absent.so.7 (libtunestudio-absent7)" in problem
    assert display_check.apt_line() in problem
    assert "libtunestudio-absent7" in display_check.apt_line() and "libxcb-cursor0" in display_check.apt_line()


@pytest.mark.parametrize("env", [{"QT_QPA_PLATFORM": "offscreen"}, {"QT_QPA_PLATFORM": "minimal"},
                                 {"WAYLAND_DISPLAY": "wayland-0", "XDG_SESSION_TYPE": "wayland"},
                                 {"QT_QPA_PLATFORM": "wayland;xcb"}])
def test_platforms_without_x11_need_none_of_it(env, one_library_missing, monkeypatch):
    monkeypatch.setattr(display_check, "missing_libraries", lambda names=None: pytest.fail("libraries checked"))
    assert display_check.display_problem(env) is None


def test_xcb_is_the_default_and_its_arguments_are_ignored():
    assert display_check.qt_platform({}) == "xcb"
    assert display_check.qt_platform({"QT_QPA_PLATFORM": "xcb:foo=1"}) == "xcb"
    assert display_check.qt_platform({"WAYLAND_DISPLAY": "w", "XDG_SESSION_TYPE": "x11"}) == "xcb"


def test_libraries_are_really_loaded():
    assert display_check.missing_libraries(["libc.so.6", "libtunestudio-absent.so.7"]) == [
        "libtunestudio-absent.so.7"]


def test_no_display_is_explained_when_the_libraries_are_there(monkeypatch):
    monkeypatch.setattr(display_check, "missing_libraries", lambda names=None: [])
    assert "DISPLAY is not set" in display_check.display_problem({"QT_QPA_PLATFORM": "xcb"})
    assert display_check.display_problem(X11) is None


def test_readme_names_the_same_apt_line():
    assert display_check.apt_line() in (REPO_ROOT / "README.md").read_text(encoding="utf-8")


def test_tunestudio_without_arguments_stops_before_qt_with_the_apt_line():
    code = ("import sys\nfrom app.cli import display_check\n"
            "display_check.XCB_LIBRARIES['libtunestudio-absent.so.7'] = 'libtunestudio-absent7'\n"
            "from app.cli.main import main\n"
            "rc = main([])\n"
            "print('exit', rc, 'qt loaded', 'PySide6' in sys.modules)\n")
    env = dict(os.environ, **X11)
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, env=env, capture_output=True,
                            text=True, timeout=60)
    assert "exit 1 qt loaded False" in result.stdout, result.stdout + result.stderr
    assert "libtunestudio-absent7" in result.stderr and "sudo apt-get install -y" in result.stderr
