"""``tunestudio weights list | fetch NAME | import FILE``, and the consent a search asks before a download.

A download happens only when the user agrees: ``--allow-download``, or a yes on a terminal (standard
input is a tty). Without it, a search goes on from scratch and says what the weights would give and
how to get them. Progress goes to stderr; Ctrl+C stops a download and nothing is kept. The load
check runs in this process (the command line may import TensorFlow; the window never does).
"""
from __future__ import annotations

import argparse
import json
import sys
import time

from app.cli.common import EXIT_FAILED, EXIT_OK, EXIT_USAGE, user_error
from app.core.model.weights_download import (WeightsError, check_loads, download_weights, entry_for_import, hash_matches,
                                       import_weights)
from app.core.model.weights_store import (BACKBONES, WeightsFile, format_bytes, keras_cache_dir, list_weights,
                                    missing_weights, weights_entry)

EXIT_INTERRUPTED = 130


class DownloadProgress:
    """``Downloading MobileNetV2 (96 px): 4.2 / 9.4 MB (45%)`` on one stderr line (a tty), else start and end."""

    def __init__(self, entry: WeightsFile, stream=None):
        self.entry = entry
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.shown = 0.0

    def __call__(self, done: int, total: int | None) -> None:
        now = time.monotonic()
        if not self.tty or (now - self.shown < 0.2 and done != total):
            return
        self.shown = now
        share = f" ({100 * done // total}%)" if total else ""
        self.stream.write(f"\rDownloading {self.entry.label}: {format_bytes(done)} / "
                          f"{format_bytes(total or self.entry.size_bytes)}{share}   ")
        self.stream.flush()

    def end(self) -> None:
        if self.tty:
            self.stream.write("\n")


def describe(entry: WeightsFile) -> str:
    """The consent text: network, size, source, licence and destination."""
    return (f"{entry.label} ImageNet weights: {format_bytes(entry.size_bytes)} from {entry.url} "
            f"({entry.licence} licence, {entry.licence_url}), into {keras_cache_dir()}")


def fetch(entry: WeightsFile) -> int:
    """Download ``entry`` with progress on stderr; Ctrl+C cancels. Returns an exit code."""
    print(f"Downloading {describe(entry)}", file=sys.stderr)
    progress = DownloadProgress(entry)
    try:
        path = download_weights(entry, progress=progress, verify=check_loads)
    except KeyboardInterrupt:
        progress.end()
        print("Download cancelled: nothing was kept.", file=sys.stderr)
        return EXIT_INTERRUPTED
    except WeightsError as exc:
        progress.end()
        print(f"tunestudio: weights not fetched: {exc}", file=sys.stderr)
        return EXIT_FAILED
    progress.end()
    print(f"Saved {path} (loads into {entry.name})", file=sys.stderr)
    return EXIT_OK


def ask(question: str) -> bool:
    try:
        answer = input(f"{question} [y/N] ")
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")


def ensure_search_weights(config, allow_download: bool) -> None:
    """Before a search: fetch the ImageNet weights it needs when the user agrees (``--allow-download``
    or yes on a terminal); otherwise say what the search from scratch loses and how to get them."""
    entry = missing_weights(config)
    if entry is None:
        return
    agreed = allow_download
    if not agreed and sys.stdin is not None and sys.stdin.isatty():
        agreed = ask(f"This search needs {describe(entry)}. Download it now?")
    if agreed:
        fetch(entry)  # a failure is said there; the search goes on from scratch with the runner's notice


# --------------------------------------------------------------------------- commands


def cmd_list(args) -> int:
    rows = list_weights()
    if args.json:
        print(json.dumps({"cache_dir": str(keras_cache_dir()), "weights": rows}, indent=2))
        return EXIT_OK
    print(f"Keras weights folder: {keras_cache_dir()}")
    for row in rows:
        mark = "present" if row["present"] else "missing"
        print(f"  {mark:<8} {row['label']:<20} {format_bytes(row['size_bytes']):>8}  {row['licence']:<10} "
              f"{row['file_name']}")
    print("Fetch one with: tunestudio weights fetch NAME [--size PX] (names: " + ", ".join(BACKBONES) + ")")
    return EXIT_OK


def cmd_fetch(args) -> int:
    try:
        entry = weights_entry(args.name, args.size)
    except KeyError as exc:
        return user_error(exc.args[0])
    if entry.present():
        print(f"Already here: {entry.path}", file=sys.stderr)
        return EXIT_OK
    if not args.allow_download:
        if not (sys.stdin is not None and sys.stdin.isatty() and ask(f"Download {describe(entry)}?")):
            print(f"Not downloaded: pass --allow-download to agree to fetching {describe(entry)}", file=sys.stderr)
            return EXIT_USAGE
    return fetch(entry)


def cmd_import(args) -> int:
    try:
        entry = entry_for_import(args.file, args.arch, args.size)
        print(f"Checking that {args.file} loads into {entry.name}...", file=sys.stderr)
        path = import_weights(args.file, entry, verify=check_loads)
    except WeightsError as exc:
        print(f"tunestudio: not imported: {exc}", file=sys.stderr)
        return EXIT_FAILED
    if hash_matches(entry, path) is False:
        print(f"note: this is not the exact file Keras publishes (its {entry.hash_algorithm} differs); TuneStudio "
              "loads it by path, but Keras's own weights='imagenet' would download the published one.",
              file=sys.stderr)
    print(f"Imported as {path}", file=sys.stderr)
    return EXIT_OK


def weights_command(args) -> int:
    handlers = {"list": cmd_list, "fetch": cmd_fetch, "import": cmd_import}
    return handlers[args.weights_action or "list"](args)


def _size(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError("a size in pixels, e.g. 96") from None
    if not 8 <= value <= 1024:
        raise argparse.ArgumentTypeError("a size from 8 to 1024 pixels")
    return value


def add_weights_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``weights`` command; it sets ``func`` to :func:`weights_command`."""
    parser = subparsers.add_parser(
        "weights", help="ImageNet weights of the transfer backbones: list, fetch, import",
        description="The ImageNet weights Keras Applications publishes for the transfer backbones, kept in "
                    "Keras's own cache ($KERAS_HOME/models, default ~/.keras/models). Set TUNESTUDIO_WEIGHTS_URL "
                    "to fetch from a mirror (BASE/<keras file name>).")
    actions = parser.add_subparsers(dest="weights_action", metavar="{list,fetch,import}")
    listing = actions.add_parser("list", help="every offered weights file and whether it is here")
    listing.add_argument("--json", action="store_true", help="print JSON")
    get = actions.add_parser("fetch", help="download one backbone's weights (asks first)")
    get.add_argument("name", metavar="NAME", help=", ".join(BACKBONES))
    get.add_argument("--size", type=_size, metavar="PX", help="input size (MobileNetV2 has a file per size; "
                     "default 128)")
    get.add_argument("--allow-download", action="store_true", help="agree to the download without asking")
    imp = actions.add_parser("import", help="copy a weights file you have into Keras's cache, after a load check")
    imp.add_argument("file", metavar="FILE")
    imp.add_argument("--arch", metavar="NAME", help="the backbone (default: read from a Keras file name)")
    imp.add_argument("--size", type=_size, metavar="PX", help="MobileNetV2: the input size the file is for")
    parser.set_defaults(func=weights_command, json=False)
    return parser
