"""Where TuneStudio writes: everything lives under one home folder.

``TUNESTUDIO_HOME`` moves it (tests always set it); otherwise the platform's user data folder.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

APP_NAME = "TuneStudio"
_SAFE_NAME = re.compile(r"^[\w][\w .\-()]{0,99}$", re.UNICODE)


def home() -> Path:
    """The folder for history, runs and settings (created on demand)."""
    env = os.environ.get("TUNESTUDIO_HOME")
    if env:
        path = Path(env).expanduser()
    else:
        import platformdirs

        path = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def _subfolder(name: str) -> Path:
    path = home() / name
    path.mkdir(parents=True, exist_ok=True)
    return path


def searches_dir() -> Path:
    return _subfolder("searches")


def cache_dir() -> Path:
    return _subfolder("cache")


def settings_dir() -> Path:
    return _subfolder("settings")


def history_db_path() -> Path:
    return home() / "history.sqlite3"


def resources_dir() -> Path:
    """Sample data and icons: ``app/resources`` in an installed wheel or a bundle, else the
    checkout's top-level ``resources/`` (pyproject.toml maps one onto the other)."""
    import app

    installed = Path(app.__file__).resolve().parent / "resources"
    if installed.is_dir():
        return installed
    return Path(app.__file__).resolve().parents[1] / "resources"


def sample_dataset_dir() -> Path:
    return resources_dir() / "sample-flowers"


class UnsafeNameError(ValueError):
    pass


def safe_child(parent: Path, name: str) -> Path:
    """``parent / name``, refusing names that would escape ``parent`` (path traversal)."""
    if not name or not _SAFE_NAME.match(name) or name in {".", ".."} or "/" in name or "\\" in name:
        raise UnsafeNameError(
            f"'{name}' is not a valid name: use letters, digits, spaces, '.', '-', '_' (max 100), "
            "and no path separators"
        )
    parent = Path(parent).resolve()
    child = (parent / name).resolve()
    if child.parent != parent:
        raise UnsafeNameError(f"'{name}' would escape {parent}")
    return child
