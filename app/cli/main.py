"""``tunestudio``: the window with no arguments; ``scan``, ``search``, ``export``, ``history`` headless.

User errors print one line and exit with code 2; a search that fails exits with 1.
"""
from __future__ import annotations

import argparse
import json
import os
import sys

from app.cli.common import EXIT_FAILED, EXIT_OK, EXIT_USAGE, UserError, user_error
from app.cli.options import TUNABLE_FLAGS
from app.cli.progress import TerminalProgress
from app.cli.search import add_search_parser, add_worker_parser, cmd_search, cmd_worker

# Re-exported: app.cli.export, the tests and the packaging import these from app.cli.main.
__all__ = ["EXIT_FAILED", "EXIT_OK", "EXIT_USAGE", "TUNABLE_FLAGS", "TerminalProgress", "UserError", "user_error",
           "build_parser", "cmd_scan", "cmd_search", "cmd_worker", "main"]

# --------------------------------------------------------------------------- the parser


def build_parser() -> argparse.ArgumentParser:
    from app import __version__

    parser = argparse.ArgumentParser(prog="tunestudio", description="Tune an image classifier without writing code. "
                                     "With no command, opens the window.")
    parser.add_argument("--version", action="version", version=f"TuneStudio {__version__}")
    sub = parser.add_subparsers(dest="command")

    scan = sub.add_parser("scan", help="scan an image folder and report what is in it")
    scan.add_argument("folder")
    scan.add_argument("--json", action="store_true", help="print the report as JSON")

    add_search_parser(sub)
    add_worker_parser(sub)

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
