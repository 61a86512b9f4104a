"""``tunestudio search`` and ``tunestudio worker``: a search (local, in a child, or as a distributed chief)."""
from __future__ import annotations

import json
import os
import signal
import sys
import threading
from pathlib import Path

from app.cli_common import EXIT_FAILED, EXIT_OK, UserError, _error
from app.cli_options import config_from_args
from app.cli_progress import TerminalProgress


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
            config = config_from_args(args)
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
    from app.weights_cli import ensure_search_weights

    ensure_search_weights(config, args.allow_download)  # declined: the search's own notice says what is lost

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
    from app.core import events as ev
    from app.core.distributed import DEFAULT_PORT
    from app.core.distributed.chief import run_distributed_search

    token = args.token or os.environ.get("TUNESTUDIO_TOKEN") or None
    port = DEFAULT_PORT if args.port is None else args.port

    def announce(event):
        if ev.is_type(event, ev.SEARCH_STARTED):
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
