"""Persistent window settings: one spec table, typed reads, an INI file under the TuneStudio home.

The file lives in ``app.core.util.paths.settings_dir()``, so pointing ``TUNESTUDIO_HOME`` at a
temporary folder (as every test does) also isolates the settings. ``use_settings_file`` moves it
explicitly.
"""
from __future__ import annotations

import atexit
import json
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings

from app.core.util import paths

# (key, type, default, meaning). Every key the app reads or writes is listed here.
SPEC: tuple[tuple[str, type, Any, str], ...] = (
    ("window/geometry", QByteArray, QByteArray(), "main window position and size"),
    ("window/splitter", QByteArray, QByteArray(), "width split between options and views"),
    ("dataset/last_folder", str, "", "the image folder scanned last"),
    ("dataset/recent_folders", list, [], "recently used image folders, newest first"),
    ("options/last_config", str, "", "the search options as SearchConfig JSON"),
    ("search/last_search_dir", str, "", "folder of the last search (for resume and export)"),
    ("ui/language", str, "", "interface language: 'en', 'zh_CN', or '' to follow the system locale"),
    ("weights/always_allow", bool, False, "download missing ImageNet weights without asking (app/gui/dialogs/weights_dialog.py)"),
)
MAX_RECENT_FOLDERS = 8
_SPEC_BY_KEY = {key: (kind, default) for key, kind, default, _ in SPEC}
_override_path: Path | None = None
_open: dict[str, QSettings] = {}


def use_settings_file(path: str | Path | None) -> None:
    """Store settings in ``path`` (an INI file); ``None`` restores the default location."""
    global _override_path
    _override_path = Path(path) if path is not None else None


def settings_file() -> Path:
    return _override_path or paths.settings_dir() / "tunestudio.ini"


def open_settings() -> QSettings:
    """The settings of the current file: one object per file, kept, so a write is not a disk
    write. Qt writes the file back on a later event-loop turn (and :func:`flush` at once), where
    a sync per write cost 8-12 ms of the GUI thread when a search starts and ends."""
    path = str(settings_file())
    store = _open.get(path)
    if store is None:
        store = _open[path] = QSettings(path, QSettings.Format.IniFormat)
    return store


def flush() -> None:
    """Write every changed setting to disk now (on quit; Qt otherwise does it on its own)."""
    for store in _open.values():
        store.sync()


atexit.register(flush)  # a process that ends without an event-loop turn after its last write


def read(key: str, settings: QSettings | None = None) -> Any:
    """The stored value of ``key`` with its spec type, or its default when absent or unreadable."""
    kind, default = _SPEC_BY_KEY[key]
    settings = settings or open_settings()
    if not settings.contains(key):
        return _copy(default)
    raw = settings.value(key)
    if kind is list:
        # INI files turn a one-element list into a plain string and an empty list into None.
        if raw is None:
            return []
        return [str(v) for v in raw] if isinstance(raw, (list, tuple)) else [str(raw)]
    if kind is QByteArray:
        return raw if isinstance(raw, QByteArray) else QByteArray()
    if kind is bool:  # an INI file gives back "true"/"false"
        return raw if isinstance(raw, bool) else str(raw).strip().lower() in ("true", "1", "yes")
    try:
        return kind(raw)
    except (TypeError, ValueError):
        return _copy(default)


def write(key: str, value: Any, settings: QSettings | None = None) -> None:
    if key not in _SPEC_BY_KEY:
        raise KeyError(f"unknown setting {key!r}; add it to settings.SPEC")
    settings = settings or open_settings()
    settings.setValue(key, value)


def remember_folder(folder: str) -> list[str]:
    """Put ``folder`` first in the recent list (no duplicates) and return the new list."""
    recent = [f for f in read("dataset/recent_folders") if f != folder]
    recent = [folder] + recent[: MAX_RECENT_FOLDERS - 1]
    settings = open_settings()
    write("dataset/recent_folders", recent, settings)
    write("dataset/last_folder", folder, settings)
    return recent


def read_config_dict() -> dict | None:
    text = read("options/last_config")
    if not text:
        return None
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return None
    return data if isinstance(data, dict) else None


def _copy(value: Any) -> Any:
    return list(value) if isinstance(value, list) else value
