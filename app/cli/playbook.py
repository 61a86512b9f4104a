"""The tuning playbook on the command line: ``lr-find``, ``mislabels``, ``relabel``, ``ensemble``,
``distill`` and ``kfold``.

Each task runs in the training child process (as ``search`` does), prints its progress on
stderr, is recorded in the history, stops cleanly on Ctrl+C, and with ``--json`` prints one JSON
object. User errors print one line and exit with code 2; a task that fails or is stopped exits with 1.
The tasks' flags come from their parameter table (:mod:`app.core.playbook.task_params`).
"""
from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from pathlib import Path

from app.core.playbook.task_params import TASK_PARAMS, task_param

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
COMMANDS = ("lr-find", "mislabels", "relabel", "ensemble", "distill", "kfold")


def add_playbook_parsers(sub: argparse._SubParsersAction) -> None:
    """Add the playbook commands; each sets ``func``."""
    lr = sub.add_parser("lr-find", help="learning-rate range finder: loss against an exponentially rising LR")
    lr.add_argument("folder", help="image folder")
    _add_task_flags(lr, "lr_find")
    lr.set_defaults(func=_guarded(cmd_lr_find))

    ml = sub.add_parser("mislabels", help="rank images whose label the best trials disagree with")
    ml.add_argument("search_dir")
    _add_task_flags(ml, "mislabels")
    ml.set_defaults(func=_guarded(cmd_mislabels))

    rl = sub.add_parser("relabel", help="move images to another class folder or out of the dataset (undoable)")
    rl.add_argument("dataset", help="the dataset folder")
    rl.add_argument("files", nargs="*", help="image files inside the dataset")
    target = rl.add_mutually_exclusive_group()
    target.add_argument("--to", metavar="CLASS", help="move to this class folder")
    target.add_argument("--exclude", action="store_true", help="move to <dataset>.excluded beside the dataset")
    target.add_argument("--undo", nargs="?", const="", metavar="BATCH", help="undo the last (or that) batch of moves")
    target.add_argument("--log", action="store_true", help="show the move log")
    rl.set_defaults(func=_guarded(cmd_relabel))

    en = sub.add_parser("ensemble", help="average the best k trials into one model and export it")
    en.add_argument("search_dir")
    en.add_argument("out", help="export folder (new or empty)")
    _add_task_flags(en, "ensemble")
    en.set_defaults(func=_guarded(cmd_ensemble))

    ds = sub.add_parser("distill", help="distil a trial or an ensemble into a smaller student")
    ds.add_argument("search_dir")
    _add_task_flags(ds, "distill")
    ds.set_defaults(func=_guarded(cmd_distill))

    kf = sub.add_parser("kfold", help="stratified k-fold cross-validation of a trial's configuration")
    kf.add_argument("search_dir")
    _add_task_flags(kf, "kfold")
    kf.set_defaults(func=_guarded(cmd_kfold))

    for parser in (lr, ml, en, ds, kf, rl):
        parser.add_argument("--json", action="store_true", help="print one JSON object")


def _add_task_flags(parser: argparse.ArgumentParser, task: str) -> None:
    """A flag for each parameter of the task's table row that has one; its value lands under the
    parameter's name (``args.student_arch``), read back by :func:`_task_params`."""
    for param in TASK_PARAMS[task]:
        if not param.flag:
            continue
        extra = {"help": param.help} if param.help else {}
        if param.kind is bool:
            parser.add_argument(param.flag, dest=param.name, action="store_true", **extra)
            continue
        metavar = param.metavar or param.flag.lstrip("-").replace("-", "_").upper()
        parser.add_argument(param.flag, dest=param.name, metavar=metavar, required=param.required,
                            default=param.default, **({"type": param.kind} if param.kind is not str else {}), **extra)


def _task_params(args, task: str, **given) -> dict:
    """The task's parameters from its flags, plus ``given`` (positional arguments, checked paths)."""
    params = {p.name: getattr(args, p.name) for p in TASK_PARAMS[task] if p.flag}
    params.update(given)
    return params


def _error(message: str) -> int:
    print(f"tunestudio: error: {message}", file=sys.stderr)
    return EXIT_USAGE


class _Usage(Exception):
    """A user error: one line on stderr, exit code 2."""


def _guarded(command):
    def run_command(args) -> int:
        try:
            return command(args)
        except _Usage as exc:
            return _error(str(exc))
    return run_command


def _search_dir(path: str) -> Path:
    folder = Path(path).expanduser().resolve()
    if not (folder / "search.json").is_file():
        raise _Usage(f"{path}: not a TuneStudio search folder")
    return folder


def run(task: str, params: dict, as_json: bool) -> tuple[int, dict | None]:
    """Run a task in the training child, with progress on stderr, history, and Ctrl+C to stop."""
    from app.core.history.recorder import HistoryRecorder
    from app.core.playbook.task_process import run_task_in_subprocess
    from app.core.search.events import TASK_PROGRESS, is_type

    cancel = threading.Event()

    def on_interrupt(signum, frame):
        print("\nStopping...", file=sys.stderr)
        cancel.set()

    history = HistoryRecorder()
    last = {"message": ""}

    def listener(event: dict) -> None:
        history(event)
        if is_type(event, TASK_PROGRESS) and event.get("message") != last["message"]:
            last["message"] = event["message"]
            print(f"[{event['fraction'] * 100:3.0f}%] {event['message']}", file=sys.stderr)

    previous = signal.signal(signal.SIGINT, on_interrupt)
    try:
        final = run_task_in_subprocess(task, params, listener, cancel=cancel)
    finally:
        signal.signal(signal.SIGINT, previous)
    if final["status"] != "completed":
        reason = final.get("error") or "stopped"
        print(f"tunestudio: {task.replace('_', '-')} {final['status']}: {reason}", file=sys.stderr)
        if as_json:
            print(json.dumps({"status": final["status"], "error": final.get("error")}))
        return EXIT_FAILED, None
    return EXIT_OK, final["result"]


def _print(result: dict, as_json: bool, text) -> None:
    if as_json:
        print(json.dumps(result, indent=2, ensure_ascii=False, default=float))
    else:
        text(result)


def run_and_print(task: str, params: dict, as_json: bool, text) -> int:
    """:func:`run`, then the result as JSON or through ``text``; the exit code."""
    code, result = run(task, params, as_json)
    if result is not None:
        _print(result, as_json, text)
    return code


def cmd_lr_find(args) -> int:
    folder = Path(args.folder).expanduser()
    if not folder.is_dir():
        return _error(f"{folder}: folder not found")
    params = _task_params(args, "lr_find", data_dir=str(folder.resolve()))
    return run_and_print("lr_find", params, args.json, lambda r: print(
        f"Suggested learning rate range: {r['suggested']['min']:.2e} to {r['suggested']['max']:.2e} "
        f"(steepest descent at {r['steepest_lr']:.2e}, lowest loss at {r['lowest_loss_lr']:.2e}).\n"
        f"Search it with: --learning-rate {r['suggested']['min']:.2e}:{r['suggested']['max']:.2e}:log"))


def cmd_mislabels(args) -> int:
    folder = _search_dir(args.search_dir)

    def text(r: dict) -> None:
        print(f"{len(r['suspects'])} suspected label(s), scored by {r['method']}.")
        if r.get("note"):
            print(f"note: {r['note']}")
        for s in r["suspects"]:
            print(f"{s['score']:.3f}  {s['given']} -> {s['suggested']}  {s['path']}")

    return run_and_print("mislabels", _task_params(args, "mislabels", search_dir=str(folder)), args.json, text)


def cmd_relabel(args) -> int:
    from app.core.playbook.mislabels import move_files, read_log, undo
    from app.core.playbook.tasks import TaskError

    dataset = Path(args.dataset).expanduser()
    if not dataset.is_dir():
        return _error(f"{dataset}: folder not found")
    try:
        if args.log:
            result = {"batches": read_log(dataset)}
        elif args.undo is not None:
            result = undo(dataset, args.undo or None)
        else:
            if not args.files or not (args.to or args.exclude):
                return _error("give the files and --to CLASS or --exclude (or --undo, --log)")
            result = move_files(dataset, [{"path": f, "to": None if args.exclude else args.to} for f in args.files])
    except TaskError as exc:
        return _error(str(exc))
    _print(result, args.json, lambda r: print(json.dumps(r, indent=2, ensure_ascii=False)))
    return EXIT_OK


def cmd_ensemble(args) -> int:
    folder = _search_dir(args.search_dir)
    out = Path(args.out).expanduser()
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not args.overwrite)):
        return _error(f"{out}: choose a new or empty folder (or --overwrite an earlier export)")
    params = _task_params(args, "ensemble", search_dir=str(folder), out=str(out.absolute()))
    return run_and_print("ensemble", params, args.json, lambda r: print(
        f"Ensemble of trials {', '.join(r['members'])}: val accuracy {r['val_accuracy']:.4f} "
        f"(best single trial {r['best_single_val_accuracy']:.4f}). Exported to {r['path']}."))


def cmd_distill(args) -> int:
    folder = _search_dir(args.search_dir)
    params = _task_params(args, "distill", search_dir=str(folder),
                          export=str(Path(args.export).expanduser().absolute()) if args.export else None)

    def text(r: dict) -> None:
        rows = [("", "teacher", "student")]
        for key in ("params", "size_bytes", "ms_per_image", "val_accuracy", "test_accuracy"):
            if r["teacher"].get(key) is not None:
                rows.append((key, _fmt(r["teacher"][key]), _fmt(r["student"].get(key))))
        for row in rows:
            print(f"{row[0]:<14}{row[1]:>14}{row[2]:>14}")
        if r.get("path"):
            print(f"Student exported to {r['path']}")

    return run_and_print("distill", params, args.json, text)


def cmd_kfold(args) -> int:
    folder = _search_dir(args.search_dir)
    folds = task_param("kfold", "folds")
    if not folds.low <= args.folds <= folds.high:
        return _error(f"--folds: choose between {folds.low} and {folds.high} (got {args.folds})")
    trial = args.trial_id
    if trial == "best":
        from app.core.playbook.tasks import TaskError, top_trial_ids

        try:
            trial = top_trial_ids(folder, 1)[0]
        except TaskError as exc:
            return _error(str(exc))
    params = _task_params(args, "kfold", search_dir=str(folder), trial_id=trial)
    return run_and_print("kfold", params, args.json, lambda r: print(
        f"Trial {r['trial_id']}, {r['folds_count']}-fold {r['objective']}: {r['mean']:.4f} +/- {r['std']:.4f} "
        f"(folds: {', '.join(_fmt(f['score']) for f in r['folds'])}; the trial scored {_fmt(r['trial_score'])})"))


def _fmt(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)
