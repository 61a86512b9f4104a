"""``tunestudio``: the window with no arguments; ``scan``, ``search``, ``export``, ``history`` headless.

User errors print one line and exit with code 2; a search that fails exits with 1.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
import time
from pathlib import Path

from app.core.options import TUNABLE_OPTIONS, TunableError, parse_tunable

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class UserError(Exception):
    pass


def _error(message: str) -> int:
    print(f"tunestudio: error: {message}", file=sys.stderr)
    return EXIT_USAGE


# --------------------------------------------------------------------------- option parsing


# Tunable flags, from the one table of options: flag -> (config field, kind, help).
TUNABLE_FLAGS = {o.flag: (o.name, o.kind, o.help) for o in TUNABLE_OPTIONS}


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
    search.add_argument("--arch", "--architecture", dest="architecture",
                        help="mlp, simple_cnn, vgg, resnet, mobilenet_v2, efficientnet_b0, resnet50")
    search.add_argument("--tuner", help="random, grid, hyperband, bayesian")
    search.add_argument("--max-trials", type=int)
    search.add_argument("--epochs", type=int, help="max epochs per trial")
    search.add_argument("--image-size", help="pixels, or auto (follows the data and the budget; default)")
    search.add_argument("--time-budget", metavar="DURATION",
                        help="wall-clock budget for the whole search: 10m (default), 90s, 2h, 1h30m, or none; "
                             "the search ends at whichever comes first, the budget or --max-trials")
    search.add_argument("--plateau", dest="plateau_trials", type=int, metavar="N",
                        help="end the search after N trials in a row without a better score (0: never)")
    search.add_argument("--class-weights", choices=["auto", "on", "off"],
                        help="weight classes by inverse frequency: auto (default: on for heavy imbalance), on, off")
    search.add_argument("--test-share", dest="test_fraction", type=float, metavar="FRACTION",
                        help="lock this share of the images away as a test split, scored once at the end "
                             "(a test/ folder is used as is)")
    search.add_argument("--seed", type=int)
    search.add_argument("--objective", help="val_accuracy or val_loss")
    search.add_argument("--name", help="a name for this search")
    search.add_argument("--val-fraction", type=float)
    search.add_argument("--patience", type=int, help="early-stopping patience (epochs)")
    search.add_argument("--no-early-stopping", action="store_true")
    search.add_argument("--deterministic", action="store_true",
                        help="deterministic TensorFlow ops: the same seed gives the same weights on the CPU")
    search.add_argument("--weights", dest="backbone_weights", help="transfer backbones: imagenet, none, or a file")
    for flag, (_, _, help_text) in TUNABLE_FLAGS.items():
        search.add_argument(flag, help=help_text)
    search.add_argument("--workdir", help="the search folder (default: a new one under TUNESTUDIO_HOME)")
    search.add_argument("--resume", action="store_true",
                        help="continue an unfinished search (--workdir, or the latest unfinished one)")
    search.add_argument("--export", metavar="OUT", help="export the best model to this folder afterwards")
    search.add_argument("--export-format", metavar="LIST",
                        help="formats for --export, as 'export --format' (default: every format available)")
    search.add_argument("--in-process", action="store_true", help="train in this process (default: a child process)")
    search.add_argument("--json", action="store_true", help="print one final JSON object")
    dist = search.add_argument_group("distributed search (other machines join with 'tunestudio worker')")
    dist.add_argument("--distributed", action="store_true",
                      help="run as chief: serve the trials to workers; anyone who can reach the port can join")
    dist.add_argument("--host", default="127.0.0.1",
                      help="address to listen on (default 127.0.0.1: this machine only; 0.0.0.0: every network)")
    dist.add_argument("--port", type=int, help=f"port to listen on (default {DEFAULT_PORT}; 0: any free port)")
    dist.add_argument("--token", help="a shared secret workers must present (or set TUNESTUDIO_TOKEN)")
    dist.add_argument("--local-workers", type=int, default=0, metavar="N",
                      help="also train N workers on this machine (default 0)")

    worker = sub.add_parser("worker", help="train trials for a distributed search's chief")
    worker.add_argument("--chief", required=True, metavar="HOST:PORT", help="the chief's address")
    worker.add_argument("--token", help="the chief's token, if it has one (or set TUNESTUDIO_TOKEN)")
    worker.add_argument("--data", metavar="DIR", help="the dataset folder on this machine, if not at the chief's path")
    worker.add_argument("--workdir", metavar="DIR",
                        help="the shared search folder on this machine, if not at the chief's path")
    worker.add_argument("--name", help="this worker's name (default: host name and process id)")
    worker.add_argument("--wait", type=float, default=60.0, metavar="S",
                        help="how long to wait for the chief to answer (default 60 s)")
    worker.add_argument("--json", action="store_true", help="print one final JSON object")

    from app.export_cli import add_export_parser

    add_export_parser(sub)

    try:
        from app.history_cli import add_history_parser
    except ImportError:
        pass
    else:
        add_history_parser(sub)
    from app.doctor import add_doctor_parser
    from app.playbook_cli import add_playbook_parsers

    add_doctor_parser(sub)
    add_playbook_parsers(sub)
    return parser


# --------------------------------------------------------------------------- commands


def cmd_scan(args) -> int:
    from app.core.dataset import DatasetError, scan_dataset

    try:
        report = scan_dataset(args.folder)
    except DatasetError as exc:
        return _error(str(exc))
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


def _config_from_args(args):
    from app.core.config import ConfigError, SearchConfig, parse_duration

    config = SearchConfig.load(args.config) if args.config else SearchConfig()
    changes = {}
    if args.folder:
        changes["data_dir"] = str(Path(args.folder).expanduser())
    for name in ("architecture", "tuner", "max_trials", "epochs", "seed", "objective", "name",
                 "val_fraction", "patience", "backbone_weights", "plateau_trials", "test_fraction"):
        value = getattr(args, name)
        if value is not None:
            changes[name] = value
    if args.image_size is not None:
        text = args.image_size.strip().lower()
        if text == "auto":
            changes["image_size"] = "auto"
        elif text.isdigit():
            changes["image_size"] = int(text)
        else:
            raise ConfigError("image_size", f"'{args.image_size}' is not a whole number of pixels or auto")
    if args.time_budget is not None:
        try:
            changes["time_budget"] = parse_duration(args.time_budget)
        except ValueError as exc:
            raise ConfigError("time_budget", str(exc)) from None
    if args.class_weights is not None:
        changes["class_weights"] = {"auto": "auto", "on": True, "off": False}[args.class_weights]
    if args.no_early_stopping:
        changes["early_stopping"] = False
    if args.deterministic:
        changes["deterministic"] = True
    data = config.to_dict()
    data.update(changes)
    for flag, (field, kind, _) in TUNABLE_FLAGS.items():
        text = getattr(args, flag.lstrip("-").replace("-", "_"))
        if text is None:
            continue
        try:
            value = parse_tunable(text, kind)
        except TunableError as exc:
            raise ConfigError(field, str(exc)) from None
        if field.startswith("augmentation."):
            data["augmentation"][field.split(".", 1)[1]] = value
        else:
            data[field] = value
    config = SearchConfig.from_dict(data)
    if not config.data_dir:
        raise ConfigError("data_dir", "give the image folder (tunestudio search FOLDER)")
    return config.check()


def _mmss(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}" if seconds >= 3600 \
        else f"{seconds // 60}:{seconds % 60:02d}"


class TerminalProgress:
    """One status line on stderr: trial k/N, epoch, batch, best score, ETA."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.max_trials = None
        self.trial_number = 0
        self.done_durations: list[float] = []
        self.best = None
        self.epochs = None
        self.started = time.time()
        self.last_line = ""
        self.budget = None  # seconds, or None
        self.elapsed = 0.0
        self.elapsed_at = time.time()

    def __call__(self, event: dict) -> None:
        kind = event["type"]
        if kind == "search_started":
            self.max_trials = event.get("max_trials")
            self.epochs = event["config"].get("epochs")
            self.budget = event.get("time_budget")
            self.elapsed, self.elapsed_at = event.get("budget_spent_before") or 0.0, time.time()
            self._print_line(f"Search started on {event['device']}: {event['train_count']} training and "
                             f"{event['val_count']} validation images, {len(event['classes'])} classes",
                             newline=True)
        elif kind == "notice":
            self._print_line(f"{event['level']}: {event['message']}", newline=True)
        elif kind == "export_progress":
            self._print_line(f"export {event['done'] + 1}/{event['total']}: {event['message']}")
        elif kind == "trial_started":
            self.trial_number = event["number"]
            self.trial_started = time.time()
            self.epochs = event.get("epochs_planned") or self.epochs
            self._status(f"epoch 1/{self.epochs}")
        elif kind == "batch_ended":
            self._status(f"epoch {event['epoch'] + 1}/{self.epochs} batch {event['batch'] + 1}/{event['steps']}")
        elif kind == "epoch_ended":
            self.epochs = event.get("epochs") or self.epochs
            if event.get("elapsed") is not None:
                self.elapsed, self.elapsed_at = event["elapsed"], time.time()
            logs = event["logs"]
            acc = logs.get("val_accuracy")
            self._status(f"epoch {event['epoch'] + 1}/{self.epochs} done"
                         + (f", val_accuracy {acc:.3f}" if acc is not None else ""))
        elif kind == "trial_ended":
            if event.get("duration"):
                self.done_durations.append(event["duration"])
            score = event.get("score")
            if event["status"] == "COMPLETED" and score is not None and (self.best is None or score > self.best):
                self.best = score
            detail = f"score {score:.4f}" if score is not None else event.get("message") or ""
            if event.get("stopped"):
                detail += f" (stopped: {event['stopped']}, {event.get('epochs_run')} epochs)"
            self._print_line(f"Trial {event['number']}: {event['status'].lower()} {detail}".rstrip(), newline=True)
        elif kind == "search_finished":
            self._print_line("", newline=False)
            if event.get("reason"):
                self._print_line(event["reason"], newline=True)
            if event.get("test_accuracy") is not None:
                self._print_line(f"Test accuracy of the best trial (held-out, scored once): "
                                 f"{event['test_accuracy']:.4f}", newline=True)

    def _status(self, detail: str) -> None:
        total = f"/{self.max_trials}" if self.max_trials else ""
        eta = ""
        if self.budget:
            spent = self.elapsed + (time.time() - self.elapsed_at)
            left = max(0.0, self.budget - spent)
            eta = f" | {_mmss(spent)} of {_mmss(self.budget)}, about {_mmss(left)} left"
        elif self.max_trials and self.done_durations:
            remaining = max(0, self.max_trials - len(self.done_durations))
            seconds = remaining * sum(self.done_durations) / len(self.done_durations)
            eta = f" | ETA {int(seconds // 60)}m{int(seconds % 60):02d}s"
        best = f" | best {self.best:.4f}" if self.best is not None else ""
        self._print_line(f"Trial {self.trial_number}{total} | {detail}{best}{eta}")

    def _print_line(self, text: str, newline: bool = False) -> None:
        if not self.enabled:
            if newline and text:
                print(text, file=sys.stderr)
            return
        pad = " " * max(0, len(self.last_line) - len(text))
        sys.stderr.write("\r" + text + pad + ("\n" if newline else ""))
        sys.stderr.flush()
        self.last_line = "" if newline else text


def _hint_unfinished(data_dir: str, unfinished: list[dict]) -> None:
    """Point at an interrupted search of the same folder, which the user may rather resume."""
    target = str(Path(data_dir).expanduser().resolve())
    for info in unfinished:
        if info.get("data_root") == target:
            print(f"note: an unfinished search of this folder exists ({info['search_id']}); "
                  f"resume it with: tunestudio search --resume --workdir {info['search_dir']}", file=sys.stderr)
            return


def cmd_search(args) -> int:
    from app.core import events as ev
    from app.core.config import ConfigError, SearchConfig
    from app.core.formatting import format_value
    from app.core.recorder import HistoryRecorder
    from app.core.runner import SearchError, find_resumable, load_search_info

    workdir = Path(args.workdir).expanduser() if args.workdir else None
    _check_distributed_args(args)
    try:
        if args.resume:
            if workdir is None:
                unfinished = find_resumable()
                if not unfinished:
                    return _error("no unfinished search to resume")
                workdir = Path(unfinished[0]["search_dir"])
            config = SearchConfig.from_dict(load_search_info(workdir)["config"])
        else:
            config = _config_from_args(args)
            _hint_unfinished(config.data_dir, find_resumable())
            if workdir is not None and (workdir / "search.json").exists():
                return _error(f"{workdir} already holds a search: use --resume to continue it, "
                              "or choose a new folder")
    except ConfigError as exc:
        return _error(f"{exc.field}: {exc.message}")
    except SearchError as exc:
        return _error(str(exc))
    export_formats = None
    if args.export:
        out = Path(args.export).expanduser()
        if out.exists() and (not out.is_dir() or any(out.iterdir())):
            return _error(f"--export {out}: choose a new or empty folder")
        from app.export_cli import chosen_formats

        export_formats = chosen_formats(args.export_format, "--export-format")

    cancel = threading.Event()
    interrupts = {"count": 0}

    def on_interrupt(signum, frame):
        interrupts["count"] += 1
        if interrupts["count"] > 1:
            raise KeyboardInterrupt
        print("\nStopping after the current batch (Ctrl+C again to abort)...", file=sys.stderr)
        cancel.set()

    previous_handler = signal.signal(signal.SIGINT, on_interrupt)
    progress = TerminalProgress(enabled=sys.stderr.isatty())
    history = HistoryRecorder()
    if history.store is None:  # opened here, so a problem is said before the search starts
        print(f"warning: history not recorded ({history.store_error})", file=sys.stderr)

    def listener(event):
        progress(event)
        history(event)

    try:
        if args.distributed:
            final = _run_chief(args, config, listener, cancel, workdir)
        elif args.in_process:
            from app.core.runner import run_search

            final = run_search(config, listener, cancel=cancel, search_dir=workdir, resume=args.resume)
        else:
            from app.core.process import run_search_in_subprocess

            final = run_search_in_subprocess(config, listener, cancel=cancel, search_dir=workdir,
                                             resume=args.resume)
    except KeyboardInterrupt:
        print("Aborted.", file=sys.stderr)
        return 130
    finally:
        signal.signal(signal.SIGINT, previous_handler)

    result = {
        "status": final["status"], "error": final.get("error") or None, "search_dir": final["search_dir"],
        "best_trial_id": final["best_trial_id"], "best_score": final["best_score"],
        "best_hyperparameters": final["best_hyperparameters"], "trials": final["trials"],
        "duration": final.get("duration"), "export": None, "reason": final.get("reason"),
        "test_accuracy": final.get("test_accuracy"), "time_budget": final.get("time_budget"),
        "elapsed": final.get("elapsed"), "final_model": final.get("final_model"),
    }
    code = EXIT_OK
    if final["status"] == ev.FAILED:
        print(f"tunestudio: search failed: {final['error']}", file=sys.stderr)
        code = EXIT_FAILED
    elif final["status"] == ev.CANCELLED:
        print(f"Search stopped. Resume with: tunestudio search --resume --workdir {final['search_dir']}",
              file=sys.stderr)
        code = EXIT_FAILED
    elif args.export:
        from app.core.export import ExportError, export_trial

        try:
            card = export_trial(final["search_dir"], args.export, formats=export_formats)
        except ExportError as exc:
            print(f"tunestudio: export failed: {exc}", file=sys.stderr)
            code = EXIT_FAILED
        else:
            result["export"] = {"path": card["path"], "trial_id": card["trial_id"], "self_check": card["self_check"],
                                "artifacts": card["artifacts"]}
            history.export(card, Path(final["search_dir"]).name)
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        if final["best_score"] is not None:
            print(f"Best trial {final['best_trial_id']}: {config.objective} {final['best_score']:.4f}")
            for k, v in (final["best_hyperparameters"] or {}).items():
                print(f"  {k} = {format_value(v)}")
            if (final.get("final_model") or {}).get("kind") == "ensemble":
                from app.core.final_model import describe

                print(describe(final["final_model"]))
        print(f"Search folder: {final['search_dir']}")
        if result["export"]:
            check = result["export"]["self_check"]
            print(f"Exported to {result['export']['path']} (self-check {'passed' if check['passed'] else 'FAILED'})")
    return code


def _check_distributed_args(args) -> None:
    if not args.distributed:
        for flag in ("port", "token"):
            if getattr(args, flag) is not None:
                raise UserError(f"--{flag} needs --distributed")
        if args.local_workers:
            raise UserError("--local-workers needs --distributed")
        return
    if args.in_process:
        raise UserError("--distributed trains in workers: drop --in-process")
    if args.port is not None and not 0 <= args.port < 65536:
        raise UserError("--port must be from 0 to 65535")
    if args.local_workers < 0:
        raise UserError("--local-workers must be 0 or more")


def _run_chief(args, config, listener, cancel, workdir):
    from app.core.distributed import DEFAULT_PORT
    from app.core.distributed.chief import run_distributed_search

    token = args.token or os.environ.get("TUNESTUDIO_TOKEN") or None
    port = DEFAULT_PORT if args.port is None else args.port

    def announce(event):
        if event["type"] == "search_started":
            print(f"Chief listening on {event['chief_address']}"
                  + (" (workers need the token)" if token else " (no token: anyone who can reach it can join)"),
                  file=sys.stderr)
        listener(event)

    return run_distributed_search(config, announce, cancel=cancel, search_dir=workdir, resume=args.resume,
                                  host=args.host, port=port, token=token, local_workers=args.local_workers)


def cmd_worker(args) -> int:
    from app.core.distributed.worker import WorkerError, run_worker

    cancel = threading.Event()

    def on_interrupt(signum, frame):
        print("\nLeaving after the current batch; the trial goes back to the chief's queue...", file=sys.stderr)
        cancel.set()

    previous_handler = signal.signal(signal.SIGINT, on_interrupt)
    progress = TerminalProgress(enabled=sys.stderr.isatty())
    try:
        result = run_worker(args.chief, token=args.token or os.environ.get("TUNESTUDIO_TOKEN") or None,
                            data=args.data, workdir=args.workdir, name=args.name, listener=progress, cancel=cancel,
                            connect_wait=args.wait)
    except WorkerError as exc:
        print(f"tunestudio worker: error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        signal.signal(signal.SIGINT, previous_handler)
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        print(f"Worker {result['worker']}: {result['status']}, {result['trials_done']} trial(s) completed here.",
              file=sys.stderr)
    return EXIT_OK if result["status"] == "completed" else EXIT_FAILED


def main(argv: list[str] | None = None) -> int:
    import multiprocessing

    # A frozen (PyInstaller) build re-enters here in spawned children (training, scan workers).
    multiprocessing.freeze_support()
    argv = sys.argv[1:] if argv is None else argv
    if not argv:
        from app.display_check import display_problem

        problem = display_problem()  # before Qt loads: its own abort names one library and dumps core
        if problem:
            print(f"tunestudio: {problem}", file=sys.stderr)
            return EXIT_FAILED
        from app.gui.app import run_app

        return run_app(sys.argv[:1])
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    parser = build_parser()
    args = parser.parse_args(argv)
    from app.export_cli import cmd_export

    handlers = {"scan": cmd_scan, "search": cmd_search, "export": cmd_export, "worker": cmd_worker}
    if args.command in handlers:
        try:
            return handlers[args.command](args)
        except (UserError, OSError) as exc:
            return _error(str(exc))
    # history, doctor and the playbook commands carry their own handler.
    if hasattr(args, "func"):
        return args.func(args)
    parser.print_help()
    return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
