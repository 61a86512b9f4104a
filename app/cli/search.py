"""``tunestudio search`` and ``tunestudio worker``: a search (local, in a child, or as a distributed chief)."""
from __future__ import annotations

import json
import os
import signal
import sys
import threading
from pathlib import Path

from app.cli.common import EXIT_FAILED, EXIT_OK, UserError, user_error
from app.cli.options import add_option_flags, config_from_args
from app.cli.progress import TerminalProgress
from app.cli.weights import ensure_search_weights


def _hint_unfinished(data_dir: str, unfinished: list[dict]) -> None:
    """Point at an interrupted search of the same folder, which the user may rather resume."""
    target = str(Path(data_dir).expanduser().resolve())
    for info in unfinished:
        if info.get("data_root") == target:
            print(f"note: an unfinished search of this folder exists ({info['search_id']}); "
                  f"resume it with: tunestudio search --resume --workdir {info['search_dir']}", file=sys.stderr)
            return


def add_search_parser(sub) -> None:
    """``tunestudio search``: its folder, every option flag of the option table, and the distributed flags."""
    from app.core.distributed import DEFAULT_PORT

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


def add_worker_parser(sub) -> None:
    """``tunestudio worker``: join a distributed search's chief."""
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


def cmd_search(args) -> int:
    from app.core.history.recorder import HistoryRecorder

    try:
        config, workdir = _config_and_folder(args)
        export_formats = _export_formats(args)
        access = chief_access(args) if args.distributed else None
    except UserError as exc:
        return user_error(str(exc))
    ensure_search_weights(config, args.allow_download)  # declined: the search's own notice says what is lost
    progress = TerminalProgress(enabled=sys.stderr.isatty())
    history = HistoryRecorder()
    if history.store is None:  # opened here, so a problem is said before the search starts
        print(f"warning: history not recorded ({history.store_error})", file=sys.stderr)

    def listener(event):
        progress(event)
        history(event)

    try:
        final = _run_with_ctrl_c(args, config, listener, workdir, access)
    except KeyboardInterrupt:
        print("Aborted.", file=sys.stderr)
        return 130
    result, code = _result(final)
    if code == EXIT_OK and args.export:
        code = _export_after(args, final, export_formats, history, result)
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        _print_result(config, final, result)
    return code


def _config_and_folder(args):
    """(config, search folder or None) of a new search or the one to resume; UserError says why not."""
    from app.core.options.config import SearchConfig
    from app.core.options.validation import ConfigError
    from app.core.search.search_dir import SearchError, find_resumable, load_search_info

    workdir = Path(args.workdir).expanduser() if args.workdir else None
    _check_distributed_args(args)
    try:
        if args.resume:
            if workdir is None:
                unfinished = find_resumable()
                if not unfinished:
                    raise UserError("no unfinished search to resume")
                workdir = Path(unfinished[0]["search_dir"])
            return SearchConfig.from_dict(load_search_info(workdir)["config"]), workdir
        config = config_from_args(args)
        _hint_unfinished(config.data_dir, find_resumable())
        if workdir is not None and (workdir / "search.json").exists():
            raise UserError(f"{workdir} already holds a search: use --resume to continue it, or choose a new folder")
        return config, workdir
    except ConfigError as exc:
        raise UserError(f"{exc.field}: {exc.message}") from None
    except SearchError as exc:
        raise UserError(str(exc)) from None


def _export_formats(args) -> list[str] | None:
    """The formats ``--export`` writes when the search completes, checked before it starts."""
    if not args.export:
        return None
    out = Path(args.export).expanduser()
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise UserError(f"--export {out}: choose a new or empty folder")
    from app.cli.export import chosen_formats

    return chosen_formats(args.export_format, "--export-format")


def _run_with_ctrl_c(args, config, listener, workdir, access) -> dict:
    """Run the search (as chief, in this process or in a child); the first Ctrl+C stops it after the
    current batch, the second aborts."""
    cancel = threading.Event()
    interrupts = {"count": 0}

    def on_interrupt(signum, frame):
        interrupts["count"] += 1
        if interrupts["count"] > 1:
            raise KeyboardInterrupt
        print("\nStopping after the current batch (Ctrl+C again to abort)...", file=sys.stderr)
        cancel.set()

    previous_handler = signal.signal(signal.SIGINT, on_interrupt)
    try:
        if args.distributed:
            return _run_chief(args, config, listener, cancel, workdir, access)
        if args.in_process:
            from app.core.search.runner import run_search

            return run_search(config, listener, cancel=cancel, search_dir=workdir, resume=args.resume)
        from app.core.search.process import run_search_in_subprocess

        return run_search_in_subprocess(config, listener, cancel=cancel, search_dir=workdir, resume=args.resume)
    finally:
        signal.signal(signal.SIGINT, previous_handler)


def _result(final: dict) -> tuple[dict, int]:
    """The ``--json`` summary of a finished search and the exit code its status gives."""
    from app.core.search import events as ev

    result = {
        "status": final["status"], "error": final.get("error") or None, "search_dir": final["search_dir"],
        "best_trial_id": final["best_trial_id"], "best_score": final["best_score"],
        "best_hyperparameters": final["best_hyperparameters"], "trials": final["trials"],
        "duration": final.get("duration"), "export": None, "reason": final.get("reason"),
        "test_accuracy": final.get("test_accuracy"), "time_budget": final.get("time_budget"),
        "elapsed": final.get("elapsed"), "final_model": final.get("final_model"),
    }
    if final["status"] == ev.FAILED:
        print(f"tunestudio: search failed: {final['error']}", file=sys.stderr)
        return result, EXIT_FAILED
    if final["status"] == ev.CANCELLED:
        print(f"Search stopped. Resume with: tunestudio search --resume --workdir {final['search_dir']}",
              file=sys.stderr)
        return result, EXIT_FAILED
    return result, EXIT_OK


def _export_after(args, final: dict, export_formats, history, result: dict) -> int:
    """``--export``: export the completed search's final model and record it in the history."""
    from app.core.export.export import ExportError, export_trial

    try:
        card = export_trial(final["search_dir"], args.export, formats=export_formats)
    except ExportError as exc:
        print(f"tunestudio: export failed: {exc}", file=sys.stderr)
        return EXIT_FAILED
    result["export"] = {"path": card["path"], "trial_id": card["trial_id"], "self_check": card["self_check"],
                        "artifacts": card["artifacts"]}
    history.export(card, Path(final["search_dir"]).name)
    return EXIT_OK


def _print_result(config, final: dict, result: dict) -> None:
    from app.core.util.formatting import format_value

    if final["best_score"] is not None:
        print(f"Best trial {final['best_trial_id']}: {config.objective} {final['best_score']:.4f}")
        for k, v in (final["best_hyperparameters"] or {}).items():
            print(f"  {k} = {format_value(v)}")
        if (final.get("final_model") or {}).get("kind") == "ensemble":
            from app.core.search.final_model import describe

            print(describe(final["final_model"]))
    print(f"Search folder: {final['search_dir']}")
    if result["export"]:
        check = result["export"]["self_check"]
        print(f"Exported to {result['export']['path']} (self-check {'passed' if check['passed'] else 'FAILED'})")


def _check_distributed_args(args) -> None:
    if not args.distributed:
        for flag in ("port", "token", "tls_cert", "tls_key"):
            if getattr(args, flag) is not None:
                raise UserError(f"--{flag.replace('_', '-')} needs --distributed")
        if args.tls:
            raise UserError("--tls needs --distributed")
        if args.local_workers:
            raise UserError("--local-workers needs --distributed")
        return
    if args.in_process:
        raise UserError("--distributed trains in workers: drop --in-process")
    if args.port is not None and not 0 <= args.port < 65536:
        raise UserError("--port must be from 0 to 65535")
    if args.local_workers < 0:
        raise UserError("--local-workers must be 0 or more")


def chief_access(args) -> tuple[str | None, dict | None, bool]:
    """(token, TLS certificate, whether the token was made here) of a chief; UserError says why not."""
    from app.core.distributed import security
    from app.core.util.paths import home

    token = args.token or os.environ.get("TUNESTUDIO_TOKEN") or None
    made = token == "new"
    if made:
        token = security.new_token()
    try:
        tls = None
        if args.tls or args.tls_cert or args.tls_key or not security.is_loopback(args.host):
            tls = security.chief_certificate(home() / "tls", args.tls_cert, args.tls_key)
        security.check_chief(args.host, token, tls)
    except security.SecurityError as exc:
        raise UserError(str(exc)) from None
    return token, tls, made


def _run_chief(args, config, listener, cancel, workdir, access):
    from app.core.search import events as ev
    from app.core.distributed import DEFAULT_PORT
    from app.core.distributed.chief import run_distributed_search

    token, tls, made = access
    port = DEFAULT_PORT if args.port is None else args.port

    def announce(event):
        if ev.is_type(event, ev.SEARCH_STARTED):
            print(f"Chief listening on {event['chief_address']}"
                  + (" (TLS)" if tls else "") + (" (workers need the token)" if token else " (no token)"),
                  file=sys.stderr)
            # Printed once, here only: the token is in no file and no event.
            print("Workers join with: tunestudio worker --chief " + event["chief_address"]
                  + (f" --fingerprint {tls['fingerprint']}" if tls else "")
                  + (f" --token {token}" if made else " --token TOKEN" if token else ""), file=sys.stderr)
        listener(event)

    return run_distributed_search(config, announce, cancel=cancel, search_dir=workdir, resume=args.resume,
                                  host=args.host, port=port, token=token, local_workers=args.local_workers, tls=tls)


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
                            connect_wait=args.wait, fingerprint=args.fingerprint, allow=args.allow)
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
