"""Files from elsewhere are data, never code: checks made before anything is deserialized.

A search folder, a History import, an export folder or a ``.keras`` file may come from another
machine or person. Everything TuneStudio opens from them is JSON, HDF5 weights, a Keras archive
(zip of JSON + HDF5) or a SavedModel (a TensorFlow graph: no Python); nothing is unpickled. These
helpers refuse, with a message that says what and why:

* JSON too big, nested too deep or cut off (:func:`read_json`, :func:`parse_json`);
* a ``.keras`` archive that is not a zip, is too big or expands too much (a zip bomb), or whose
  model config names a ``Lambda`` layer (Python byte code) or an object outside Keras
  (:func:`check_keras_archive`); Keras' own ``safe_mode`` is on when it loads, as a second guard;
* a SavedModel folder without a whole ``saved_model.pb`` (:func:`check_saved_model`).

No TensorFlow here: the window uses these too.
"""
from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

MAX_JSON_BYTES = 64 * 2**20
MAX_ARCHIVE_BYTES = 4 * 2**30
MAX_ARCHIVE_ENTRIES = 256
MAX_EXPANSION = 200  # uncompressed / compressed; weights barely compress, a zip bomb expands 1000x
# Keras layer classes that carry Python code (byte code or a traced function) instead of data.
CODE_CLASSES = {"Lambda", "__lambda__", "TFOpLambda", "SlicingOpLambda", "function", "__function__"}
TRUSTED_PACKAGES = ("keras", "tunestudio")  # tunestudio: this app's registered objects (metrics)


class UntrustedFileError(ValueError):
    """A file refused because using it could run code, exhaust memory, or it is damaged."""


def parse_json(text: str | bytes, what: str) -> Any:
    try:
        return json.loads(text)
    except RecursionError:
        raise UntrustedFileError(f"{what} is nested too deeply to be a TuneStudio file") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise UntrustedFileError(f"{what} is not valid JSON ({exc}); it may be cut off or damaged") from None


def read_json(path: str | Path, what: str | None = None, max_bytes: int = MAX_JSON_BYTES) -> Any:
    """The JSON in ``path``, refused when larger than ``max_bytes`` (checked before reading)."""
    path = Path(path)
    what = what or str(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise UntrustedFileError(f"{what} is {size / 2**20:.0f} MiB, more than the {max_bytes / 2**20:.0f} MiB "
                                     "such a file ever needs")
        return parse_json(path.read_bytes(), what)
    except OSError as exc:
        raise UntrustedFileError(f"cannot read {what}: {exc.strerror or exc}") from None


def check_keras_archive(path: str | Path) -> dict:
    """The model config of a ``.keras`` file, after checking that loading it runs no code."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise UntrustedFileError(f"cannot read {path}: {exc.strerror or exc}") from None
    if size > MAX_ARCHIVE_BYTES:
        raise UntrustedFileError(f"{path} is {size / 2**30:.1f} GiB: too big to be an image classifier here")
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ARCHIVE_ENTRIES:
                raise UntrustedFileError(f"{path} holds {len(entries)} files; a Keras model holds a few")
            expanded = sum(e.file_size for e in entries)
            packed = max(1, sum(e.compress_size for e in entries))
            if expanded > MAX_ARCHIVE_BYTES or expanded / packed > MAX_EXPANSION:
                raise UntrustedFileError(f"{path} would expand to {expanded / 2**20:.0f} MiB "
                                         f"({expanded / packed:.0f}x its size): refused as a zip bomb")
            if "config.json" not in archive.namelist():
                raise UntrustedFileError(f"{path} has no config.json: it is not a Keras 3 model file")
            config = parse_json(archive.read("config.json"), f"{path}: config.json")
    except zipfile.BadZipFile:
        raise UntrustedFileError(f"{path} is not a Keras model file (not a zip archive); it may be cut off") from None
    _refuse_code(config, path)
    return config


def _refuse_code(node: Any, path: Path) -> None:
    """Walk the model config: every object must be a plain Keras (or TuneStudio) class."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
            continue
        if not isinstance(item, dict):
            continue
        name = item.get("class_name")
        if name in CODE_CLASSES:
            raise UntrustedFileError(f"{path} contains a {name} layer, which is Python code: TuneStudio opens "
                                     "models as data only and never runs code from a file")
        module = item.get("module")
        registered = str(item.get("registered_name") or "")
        if isinstance(module, str) and name is not None and not _trusted(module, registered):
            raise UntrustedFileError(f"{path} refers to {module}.{name}, code outside Keras: refused "
                                     "(TuneStudio opens models as data only)")
        stack.extend(item.values())


def _trusted(module: str, registered: str) -> bool:
    top = module.split(".", 1)[0]
    return top in TRUSTED_PACKAGES or registered.split(">", 1)[0] in TRUSTED_PACKAGES


def check_saved_model(path: str | Path) -> None:
    """A SavedModel folder whose graph file is there and plausible (TensorFlow then parses it)."""
    path = Path(path)
    graph = path / "saved_model.pb"
    if not path.is_dir() or not graph.is_file():
        raise UntrustedFileError(f"{path} is not a SavedModel folder (no saved_model.pb)")
    size = graph.stat().st_size
    if size < 16 or size > MAX_ARCHIVE_BYTES:
        raise UntrustedFileError(f"{graph} is {size} bytes: cut off or not a SavedModel")
    if (path / "variables").is_dir() and not (path / "variables" / "variables.index").is_file():
        raise UntrustedFileError(f"{path}: variables/variables.index is missing; the export is incomplete")
