"""``tunestudio``: the window with no arguments; ``scan``, ``search``, ``export``, ``history`` headless.

User errors print one line and exit with code 2; a search that fails exits with 1.
"""
from __future__ import annotations

import argparse
import json
import os
import sys

from app.cli.common import EXIT_FAILED, EXIT_OK, EXIT_USAGE, UserError, user_error
from app.cli.options import TUNABLE_FLAGS, add_option_flags
from app.cli.progress import TerminalProgress
from app.cli.search import cmd_search, cmd_worker

# Re-exported: app.cli.export, the tests and the packaging import these from app.cli.main.
__all__ = ["EXIT_FAILED", "EXIT_OK", "EXIT_USAGE", "TUNABLE_FLAGS", "TerminalProgress", "UserError", "user_error",
           "build_parser", "cmd_scan", "cmd_search", "cmd_worker", "main"]

# --------------------------------------------------------------------------- the parser


def build_parser() -> argparse.ArgumentParser:
    from app import __version__

    from app.core.distributed import DEFAULT_PORT

    parser = argparse.ArgumentParser(prog="tunestudio", description="Tune an image classifier without writing code. "
                                     "With no command, opens the window.")
    parser.add_argument("--version", action="version", version=f"TuneStudio {__version__}")
    sub = parser.add_subparsers(dest="command")

    scan = sub.add_parser("scan", help="scan an image folder and report what is in it")
    scan.add_argument("folder")
    scan.add_argument("--json", action="store_true", help="print the report as JSON")

    search = sub.add_parser("search", help="run a hyperparameter search on an image folder")
    search.add_argument("folder", nargs="?", help="image folder (one subfolder per class, or train/val/test)")
    search.add_argument("--config", help="a JSON search config (flags below override it)")
    add_option_flags(search)  # every option of app/core/options/option_table.py that has a flag
    search.add_argument("--workdir", help="the search folder (default: a new one under TUNESTUDIO_HOME)")
    search.add_argument("--resume", action="store_true",
                        help="continue an unfinished search (--workdir, or the latest unfinished one)")
    search.add_argument("--export", metavar="OUT", help="export the best model to this folder afterwards")
    search.add_argument("--export-format", metavar="LIST",
                        help="formats for --export, as 'export --format' (default: every format available)")
    search.add_argument("--in-process", action="store_true", help="train in this process (default: a child process)")
    search.add_argument("--json", action="store_true", help="print one final JSON object")
    search.add_argument("--allow-download", action="store_true",
                        help="fetch missing ImageNet weights of a transfer backbone without asking "
                             "(on a terminal the search asks; otherwise it trains from scratch)")
    dist = search.add_argument_group("distributed search (other machines join with 'tunestudio worker')")
    dist.add_argument("--distributed", action="store_true",
                      help="run as chief: serve the trials to workers that present the token")
    dist.add_argument("--host", default="127.0.0.1",
                      help="address to listen on (default 127.0.0.1: this machine only; 0.0.0.0: every network, "
                           "which needs --token and uses TLS)")
    dist.add_argument("--port", type=int, help=f"port to listen on (default {DEFAULT_PORT}; 0: any free port)")
    dist.add_argument("--token", help="a shared secret workers must present (or set TUNESTUDIO_TOKEN); "
                                      "'new' makes one and prints it once")
    dist.add_argument("--tls", action="store_true",
                      help="encrypt the channel on 127.0.0.1 too (always on beyond it)")
    dist.add_argument("--tls-cert", metavar="PEM", help="the chief's certificate (default: one made on first use)")
    dist.add_argument("--tls-key", metavar="PEM", help="the private key of --tls-cert")
    dist.add_argument("--local-workers", type=int, default=0, metavar="N",
                      help="also train N workers on this machine (default 0)")

    worker = sub.add_parser("worker", help="train trials for a distributed search's chief")
    worker.add_argument("--chief", required=True, metavar="HOST:PORT", help="the chief's address")
    worker.add_argument("--token", help="the chief's token, if it has one (or set TUNESTUDIO_TOKEN)")
    worker.add_argument("--fingerprint", metavar="SHA256",
                        help="the chief's certificate fingerprint, as it printed it (its channel is TLS)")
    worker.add_argument("--allow", action="append", default=[], metavar="DIR",
                        help="a folder the chief may point this worker at (search folder, images); repeatable. "
                             "--workdir and --data are allowed too")
    worker.add_argument("--data", metavar="DIR", help="the dataset folder on this machine, if not at the chief's path")
    worker.add_argument("--workdir", metavar="DIR",
                        help="the shared search folder on this machine, if not at the chief's path")
    worker.add_argument("--name", help="this worker's name (default: host name and process id)")
    worker.add_argument("--wait", type=float, default=60.0, metavar="S",
                        help="how long to wait for the chief to answer (default 60 s)")
    worker.add_argument("--json", action="store_true", help="print one final JSON object")

    from app.cli.export import add_export_parser
    from app.cli.predict import add_calibration_parser, add_predict_parser

    add_export_parser(sub)
    add_predict_parser(sub)
    add_calibration_parser(sub)

    try:
        from app.cli.history import add_history_parser
    except ImportError:
        pass
    else:
        add_history_parser(sub)
    from app.cli.doctor import add_doctor_parser
    from app.cli.playbook import add_playbook_parsers
    from app.cli.weights import add_weights_parser

    add_doctor_parser(sub)
    add_playbook_parsers(sub)
    add_weights_parser(sub)
    return parser


# --------------------------------------------------------------------------- commands


def cmd_scan(args) -> int:
    from app.core.data.dataset_report import DatasetError
    from app.core.data.dataset import scan_dataset

    try:
        report = scan_dataset(args.folder)
    except DatasetError as exc:
        return user_error(str(exc))
    data = report.to_dict()
    if args.json:
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return EXIT_OK
    print(f"{data['root']}  ({data['layout']} layout, {data['image_count']} usable images)")
    width = max((len(c) for c in report.classes), default=5)
    for name, count in data["counts"].items():
        print(f"  {name:<{width}}  {count:>6}")
    if data["size_range"]:
        (w0, h0), (w1, h1) = data["size_range"]
        print(f"  sizes {w0}x{h0} .. {w1}x{h1}; formats {', '.join(f'{k} {v}' for k, v in data['formats'].items())}")
    for w in data["warnings"]:
        print(f"warning: {w}")
    for p in data["problems"]:
        print(f"skipped: {p['path']}: {p['reason']}")
    try:
        report.check_trainable()
    except DatasetError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    import multiprocessing

    # A frozen (PyInstaller) build re-enters here in spawned children (training, scan workers).
    multiprocessing.freeze_support()
    argv = sys.argv[1:] if argv is None else argv
    if not argv:
        from app.cli.display_check import display_problem

        problem = display_problem()  # before Qt loads: its own abort names one library and dumps core
        if problem:
            print(f"tunestudio: {problem}", file=sys.stderr)
            return EXIT_FAILED
        from app.gui.window.app import run_app

        return run_app(sys.argv[:1])
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    parser = build_parser()
    args = parser.parse_args(argv)
    from app.cli.export import cmd_export

    handlers = {"scan": cmd_scan, "search": cmd_search, "export": cmd_export, "worker": cmd_worker}
    if args.command in handlers:
        try:
            return handlers[args.command](args)
        except (UserError, OSError) as exc:
            return user_error(str(exc))
    # history, doctor and the playbook commands carry their own handler.
    if hasattr(args, "func"):
        return args.func(args)
    parser.print_help()
    return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
