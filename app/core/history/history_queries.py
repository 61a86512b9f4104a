"""Reading the history: searches, trials and tasks as plain dicts, and trials as CSV."""
from __future__ import annotations

import csv
import io
import sqlite3
from typing import Any, Iterable

from app.core.history.history_rows import csv_value, load_json
from app.core.history.history_schema import HistoryError, SORTABLE_COLUMNS


def _where(conditions: list[tuple[str, Any]]) -> tuple[str, list]:
    """`` WHERE a AND b`` and its arguments from (clause, value) pairs; a None value leaves its
    clause out, a list value fills a clause with several ``?``."""
    clauses, args = [], []
    for clause, value in conditions:
        if value is None:
            continue
        clauses.append(clause)
        args.extend(value if isinstance(value, list) else [value])
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), args


class Queries:
    """The history's queries (reads only), on the store's connection."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def require(self, search_id: str) -> sqlite3.Row:
        """The search's row; HistoryError when there is none."""
        row = self.conn.execute("SELECT * FROM searches WHERE id = ?", (search_id,)).fetchone()
        if row is None:
            raise HistoryError(f"no search with id {search_id!r}")
        return row

    @staticmethod
    def export_dict(row: sqlite3.Row) -> dict:
        data = dict(row)
        data["formats"] = load_json(data.pop("formats_json"), [])
        data["self_check"] = load_json(data.pop("self_check_json"))
        return data

    def list_tasks(self, search_id: str | None = None, kind: str | None = None) -> list[dict]:
        """Recorded playbook tasks, newest first (of one search, of one kind, or all)."""
        where, args = _where([("search_id = ?", search_id), ("kind = ?", kind)])
        sql = "SELECT * FROM tasks" + where + " ORDER BY id DESC"
        out = []
        for row in self.conn.execute(sql, args):
            data = dict(row)
            data["params"] = load_json(data.pop("params_json"), {})
            data["result"] = load_json(data.pop("result_json"))
            out.append(data)
        return out

    def list_searches(self, text: str = "", status: str | None = None, dataset: str | None = None,
                      since: float | None = None, until: float | None = None,
                      order_by: str = "started_at", descending: bool = True,
                      limit: int | None = None) -> list[dict]:
        """Searches, newest first by default. ``text`` matches name, dataset, notes or id."""
        if order_by not in SORTABLE_COLUMNS:
            raise HistoryError(f"cannot sort by {order_by!r}; use one of {', '.join(SORTABLE_COLUMNS)}")
        # Empty text, status or dataset means "any", as None does.
        where, args = _where([
            ("(s.name LIKE ? OR s.data_dir LIKE ? OR s.notes LIKE ? OR s.id LIKE ?)",
             [f"%{text}%"] * 4 if text else None),
            ("s.status = ?", status or None),
            ("s.data_dir LIKE ?", f"%{dataset}%" if dataset else None),
            ("s.started_at >= ?", since),
            ("s.started_at <= ?", until),
        ])
        sql = (
            "SELECT s.*, (SELECT COUNT(*) FROM trials t WHERE t.search_id = s.id) AS trial_count, "
            "(SELECT COUNT(*) FROM trials t WHERE t.search_id = s.id AND t.status = 'COMPLETED') "
            "AS completed_trials FROM searches s"
        ) + where
        sql += f" ORDER BY {order_by} {'DESC' if descending else 'ASC'}, s.id"
        if limit:
            sql += f" LIMIT {int(limit)}"
        return [self._search_dict(row) for row in self.conn.execute(sql, args)]

    def _search_dict(self, row: sqlite3.Row) -> dict:
        data = dict(row)
        data["config"] = load_json(data.pop("config_json"), {})
        data["classes"] = load_json(data.pop("classes_json"), [])
        data["versions"] = load_json(data.pop("versions_json"), {})
        data["dataset"] = data["data_dir"]
        if data.get("started_at") and data.get("ended_at"):
            data["duration"] = data["ended_at"] - data["started_at"]
        else:
            data["duration"] = None
        return data

    def resolve_id(self, search_id: str) -> str:
        """The full id for ``search_id`` or a unique prefix of it (handy on the command line)."""
        row = self.conn.execute("SELECT id FROM searches WHERE id = ?", (search_id,)).fetchone()
        if row:
            return row["id"]
        rows = self.conn.execute("SELECT id FROM searches WHERE id LIKE ? ESCAPE '\\'",
                                 (search_id.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%",)
                                 ).fetchall()
        if len(rows) == 1:
            return rows[0]["id"]
        if not rows:
            raise HistoryError(f"no search with id {search_id!r}")
        raise HistoryError(f"{search_id!r} matches {len(rows)} searches; give more of the id")

    def get_search(self, search_id: str) -> dict:
        """One search with its trials (each with per-epoch history), exports and notices."""
        row = self.conn.execute(
            "SELECT s.*, (SELECT COUNT(*) FROM trials t WHERE t.search_id = s.id) AS trial_count, "
            "(SELECT COUNT(*) FROM trials t WHERE t.search_id = s.id AND t.status = 'COMPLETED') "
            "AS completed_trials FROM searches s WHERE s.id = ?", (search_id,)).fetchone()
        if row is None:
            raise HistoryError(f"no search with id {search_id!r}")
        search = self._search_dict(row)
        search["trials"] = self.get_trials(search_id)
        search["exports"] = [self.export_dict(r) for r in self.conn.execute(
            "SELECT * FROM exports WHERE search_id = ? ORDER BY created_at", (search_id,))]
        search["tasks"] = self.list_tasks(search_id)
        search["notices"] = [dict(r) for r in self.conn.execute(
            "SELECT time, level, message FROM notices WHERE search_id = ? ORDER BY rowid", (search_id,))]
        best = next((t for t in search["trials"] if t["trial_id"] == search.get("best_trial_id")), None)
        search["best_hyperparameters"] = dict(best["hyperparameters"]) if best else {}
        return search

    def get_trials(self, search_id: str) -> list[dict]:
        """Trials of a search in the order they ran, shaped like ``trial_ended`` events plus
        ``epochs`` (list of per-epoch logs), ``failure_reason`` and ``checkpoint_path``."""
        search = self.conn.execute("SELECT name, classes_json FROM searches WHERE id = ?", (search_id,)).fetchone()
        classes = load_json(search["classes_json"], []) if search else []
        epochs: dict[str, list[dict]] = {}
        for row in self.conn.execute(
                "SELECT trial_id, epoch, logs_json FROM epochs WHERE search_id = ? ORDER BY trial_id, epoch",
                (search_id,)):
            epochs.setdefault(row["trial_id"], []).append({"epoch": row["epoch"], **load_json(row["logs_json"], {})})
        trials = []
        for row in self.conn.execute(
                "SELECT * FROM trials WHERE search_id = ? ORDER BY COALESCE(number, 1e9), started_at, trial_id",
                (search_id,)):
            trial_epochs = epochs.get(row["trial_id"], [])
            history: dict[str, list] = {}
            for entry in trial_epochs:
                for key in entry:
                    if key != "epoch":
                        history.setdefault(key, [])
            for entry in trial_epochs:
                for key in history:
                    history[key].append(entry.get(key))
            names = load_json(row["class_names_json"], []) or classes
            trials.append({
                "search_id": search_id,
                "search_name": search["name"] if search else search_id,
                "trial_id": row["trial_id"],
                "number": row["number"],
                "status": row["status"],
                "score": row["score"],
                "best_step": row["best_step"],
                "duration": row["duration"],
                "message": row["failure_reason"],
                "failure_reason": row["failure_reason"],
                "hyperparameters": load_json(row["hyperparameters_json"], {}),
                "batch_size": row["batch_size"],
                "history": history,
                "epochs": trial_epochs,
                "confusion": load_json(row["confusion_json"]),
                "class_names": names,
                "checkpoint_path": row["checkpoint_path"],
                "predictions_path": row["predictions_path"],
                "checkpoint_removed": bool(row["checkpoint_removed"]),
                "started_at": row["started_at"],
                "ended_at": row["ended_at"],
            })
        return trials

    def trials_csv(self, search_ids: Iterable[str]) -> str:
        """A CSV table of the trials of the given searches, one hyperparameter per column."""
        rows, hp_names, metric_names = [], [], []
        for search_id in search_ids:
            self.require(search_id)
            for trial in self.get_trials(search_id):
                rows.append(trial)
                for name in trial["hyperparameters"]:
                    if name not in hp_names:
                        hp_names.append(name)
                for name in trial["history"]:
                    if name not in metric_names:
                        metric_names.append(name)
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["search_id", "search_name", "trial_id", "number", "status", "score", "best_step",
                         "epochs", "duration_s", *[f"final_{m}" for m in metric_names], *hp_names,
                         "failure_reason", "checkpoint_path"])
        for trial in rows:
            history = trial["history"]
            finals = [(history.get(m) or [None])[-1] for m in metric_names]
            writer.writerow([trial["search_id"], trial["search_name"], trial["trial_id"], trial["number"],
                             trial["status"], trial["score"], trial["best_step"], len(trial["epochs"]),
                             None if trial["duration"] is None else round(trial["duration"], 3),
                             *finals, *[csv_value(trial["hyperparameters"].get(h)) for h in hp_names],
                             trial["failure_reason"], trial["checkpoint_path"] or ""])
        return out.getvalue()


def stored_search_events(search: dict) -> list[dict]:
    """A search kept in the history store (``HistoryStore.get_search``) as the events a live
    search would have sent, so stored and live searches reach the views by the same path."""
    trials = [dict(t, type="trial_ended") for t in search.get("trials") or []]
    config = dict(search.get("config") or {})
    config.setdefault("objective", search.get("objective") or "val_accuracy")
    events = [{"type": "search_started", "time": search.get("started_at"), "search_id": search.get("id"),
               "search_dir": search.get("search_dir"), "config": config,
               "classes": list(search.get("classes") or []), "max_trials": config.get("max_trials"),
               "resumed": False, "completed_trials": 0}]
    events += [{"type": "notice", "time": n.get("time"), "level": n.get("level", "info"),
                "message": n.get("message", "")} for n in search.get("notices") or []]
    events += trials
    if str(search.get("status") or "running") != "running":
        events.append({"type": "search_finished", "time": search.get("ended_at"), "status": search["status"],
                       "error": search.get("error") or "", "best_trial_id": search.get("best_trial_id"),
                       "best_score": search.get("best_score"),
                       "best_hyperparameters": dict(search.get("best_hyperparameters") or {}),
                       "trials": trials, "search_dir": search.get("search_dir"),
                       "duration": search.get("duration")})
    return events
