"""``tunestudio history``: the experiment history on the command line.

* ``tunestudio history [--json] [--status S] [--filter TEXT]`` lists searches, newest first;
* ``tunestudio history show ID [--json]`` shows one search with its trials (ID may be a prefix);
* ``tunestudio history csv ID [ID ...] [-o FILE]`` writes its trials as a CSV table;
* ``tunestudio history import SEARCH_DIR`` rebuilds a search from its ``events.jsonl``;
* ``tunestudio history prune ID [--keep K]`` keeps the checkpoints of the best K trials only;
* ``tunestudio history delete ID --yes`` deletes a search with its folder.

User errors print one line to stderr and exit with code 2.
"""
from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from app.core.util.formatting import format_score, format_value
from app.core.history.history_schema import SEARCH_STATUSES, HistoryError
from app.core.history.history import HistoryStore

USER_ERROR = 2


def add_history_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``history`` command; it sets ``func`` to :func:`history_command`."""
    parser = subparsers.add_parser("history", help="list past searches and their trials",
                                   description="List past searches, or show one with its trials.")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--status", choices=SEARCH_STATUSES, help="only searches with this status")
    parser.add_argument("--filter", default="", metavar="TEXT",
                        help="only searches whose name, dataset or notes contain TEXT")
    parser.add_argument("--db", help=argparse.SUPPRESS)  # another history file (tests, support)
    actions = parser.add_subparsers(dest="history_action", metavar="{show,csv,import,prune,delete}")
    show = actions.add_parser("show", help="one search with its trials")
    show.add_argument("search_id", metavar="ID", help="search id (a unique prefix is enough)")
    show.add_argument("--json", action="store_true", help="print JSON instead of text")
    table = actions.add_parser("csv", help="trials of one or more searches as CSV")
    table.add_argument("search_ids", metavar="ID", nargs="+")
    table.add_argument("-o", "--output", help="file to write (default: standard output)")
    rebuild = actions.add_parser("import", help="rebuild a search from its folder's events.jsonl")
    rebuild.add_argument("search_dir", metavar="SEARCH_DIR")
    prune = actions.add_parser("prune", help="delete the checkpoints of all but the best trials")
    prune.add_argument("search_id", metavar="ID")
    prune.add_argument("--keep", type=int, default=3, metavar="K", help="trials that keep their checkpoint (default 3)")
    delete = actions.add_parser("delete", help="delete a search and its folder")
    delete.add_argument("search_id", metavar="ID")
    delete.add_argument("--yes", action="store_true", help="really delete (required: this cannot be undone)")
    delete.add_argument("--keep-files", action="store_true", help="forget the search but keep its folder")
    parser.set_defaults(func=history_command)
    return parser


def history_command(args: argparse.Namespace) -> int:
    """Run ``tunestudio history ...``; returns the exit code."""
    try:
        store = HistoryStore(args.db) if getattr(args, "db", None) else HistoryStore()
    except (HistoryError, sqlite3.DatabaseError, OSError) as exc:
        return _fail(f"cannot open the history database: {exc}")
    try:
        action = getattr(args, "history_action", None)
        if action == "show":
            return _show(store, args)
        if action == "csv":
            return _csv(store, args)
        if action == "import":
            search_id = store.import_events_file(args.search_dir)
            print(f"imported {search_id}")
            return 0
        if action == "prune":
            search_id = store.resolve_id(args.search_id)
            result = store.prune_checkpoints(search_id, keep_best=args.keep)
            print(f"kept {len(result['kept'])} checkpoint(s), removed {len(result['removed'])}, "
                  f"freed {_bytes(result['freed_bytes'])}")
            return 0
        if action == "delete":
            search_id = store.resolve_id(args.search_id)
            if not args.yes:
                return _fail(f"add --yes to delete {search_id} and its files (this cannot be undone)")
            store.delete_search(search_id, delete_files=not args.keep_files)
            print(f"deleted {search_id}")
            return 0
        return _list(store, args)
    except HistoryError as exc:
        return _fail(str(exc))
    except sqlite3.DatabaseError as exc:
        return _fail(f"the history database cannot be read: {exc}")
    finally:
        store.close()


def _fail(message: str) -> int:
    print(f"tunestudio history: error: {message}", file=sys.stderr)
    return USER_ERROR


def _list(store: HistoryStore, args: argparse.Namespace) -> int:
    searches = store.list_searches(text=args.filter, status=args.status)
    if args.json:
        keys = ("id", "name", "status", "data_dir", "dataset_fingerprint", "started_at", "ended_at",
                "best_trial_id", "best_score", "objective", "trial_count", "completed_trials", "device",
                "disk_bytes", "notes", "search_dir", "error")
        print(json.dumps([{k: s.get(k) for k in keys} for s in searches], indent=2, ensure_ascii=False))
        return 0
    if not searches:
        print("No searches yet. Run one with `tunestudio search` or from the window.")
        return 0
    rows = [[s["id"], s["name"], s["status"], _date(s["started_at"]), format_score(s["best_score"]),
             f"{s['completed_trials']}/{s['trial_count']}", _bytes(s["disk_bytes"]), s["data_dir"]]
            for s in searches]
    _print_table(["ID", "NAME", "STATUS", "STARTED", "BEST", "TRIALS", "DISK", "DATASET"], rows)
    return 0


def _show(store: HistoryStore, args: argparse.Namespace) -> int:
    search = store.get_search(store.resolve_id(args.search_id))
    if args.json:
        print(json.dumps(search, indent=2, ensure_ascii=False))
        return 0
    lines = [
        f"Search   {search['id']}",
        f"Name     {search['name']}",
        f"Status   {search['status']}" + (f" ({search['error']})" if search.get("error") else ""),
        f"Dataset  {search['data_dir']}  [{search['dataset_fingerprint'] or 'no fingerprint'}]",
        f"Classes  {', '.join(search['classes']) or '-'}",
        f"Started  {_date(search['started_at'])}   ended {_date(search['ended_at'])}",
        f"Device   {search['device'] or '-'}   seed {search['seed'] if search['seed'] is not None else '-'}",
        f"Best     {format_score(search['best_score'])} ({search['objective']}, trial {search['best_trial_id'] or '-'})",
        f"Folder   {search['search_dir'] or '-'}",
    ]
    if search["best_hyperparameters"]:
        lines.append("Best hyperparameters  " + ", ".join(
            f"{k}={format_value(v)}" for k, v in search["best_hyperparameters"].items()))
    if search["notes"]:
        lines.append(f"Notes    {search['notes']}")
    print("\n".join(lines))
    print()
    trials = search["trials"]
    if not trials:
        print("No trials recorded.")
        return 0
    hp_names: list[str] = []
    for trial in trials:
        hp_names += [name for name in trial["hyperparameters"] if name not in hp_names]
    rows = []
    for trial in trials:
        rows.append([trial["number"] if trial["number"] is not None else "", trial["trial_id"], trial["status"],
                     format_score(trial["score"]), len(trial["epochs"]),
                     "" if trial["duration"] is None else f"{trial['duration']:.1f}s",
                     *[format_value(trial["hyperparameters"].get(h)) for h in hp_names]])
    _print_table(["#", "TRIAL", "STATUS", "SCORE", "EPOCHS", "TIME", *hp_names], rows)
    for trial in trials:
        if trial["failure_reason"]:
            print(f"trial {trial['trial_id']}: {trial['failure_reason'].strip().splitlines()[-1]}")
    for export in search["exports"]:
        check = export.get("self_check") or {}
        verdict = "self-check passed" if check.get("passed") else ("self-check FAILED" if check else "")
        print(f"exported trial {export['trial_id']} to {export['folder']} {_date(export['created_at'])} {verdict}")
    for task in search.get("tasks", []):  # playbook runs: ensemble, distillation, k-fold, mislabels
        print(f"{task['kind']} {task['status']} {_date(task['ended_at'])} {task['error']}".rstrip())
    return 0


def _csv(store: HistoryStore, args: argparse.Namespace) -> int:
    text = store.trials_csv([store.resolve_id(i) for i in args.search_ids])
    if not args.output:
        sys.stdout.write(text)
        return 0
    try:
        Path(args.output).write_text(text, encoding="utf-8")
    except OSError as exc:
        return _fail(f"cannot write {args.output}: {exc.strerror or exc}")
    print(f"wrote {args.output}")
    return 0


# --------------------------------------------------------------------------- formatting


def _date(timestamp: float | None) -> str:
    return datetime.fromtimestamp(timestamp).strftime("%Y-%m-%d %H:%M") if timestamp else "-"


def _bytes(count: int | None) -> str:
    if count is None:
        return "-"
    for unit in ("B", "KB", "MB", "GB"):
        if count < 1024 or unit == "GB":
            return f"{count:.0f} {unit}" if unit == "B" else f"{count:.1f} {unit}"
        count /= 1024
    return str(count)


def _print_table(headers: list[str], rows: list[list[Any]]) -> None:
    cells = [headers] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    for row in cells:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip())


def main(argv: list[str] | None = None) -> int:
    """``python -m app.cli.history ...``: the history command on its own."""
    parser = argparse.ArgumentParser(prog="tunestudio")
    add_history_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    raise SystemExit(main())
