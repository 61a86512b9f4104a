"""``tunestudio export``: export a trial to every runtime and print each artifact's proof.

``tunestudio export SEARCH_DIR OUT [--trial ID] [--format LIST|all] [--json] [--subprocess]``;
with ``--json`` one object whose ``artifacts`` list holds, per format: format, path, size_bytes,
val_accuracy, agreement, max_prob_diff, ms_per_image, passed (the table of ``model_card.json``).
Exit code 0 when every artifact passed, 1 when one failed its check, 2 for user errors.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from app.cli.common import EXIT_FAILED, EXIT_OK, UserError, user_error
from app.cli.progress import TerminalProgress
from app.core.history.recorder import HistoryRecorder


def add_export_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    export = sub.add_parser("export", help="export a trial of a finished search to every runtime, each "
                                           "artifact checked on the validation images")
    export.add_argument("search_dir", help="the search folder (printed by 'search')")
    export.add_argument("out", help="the export folder (new or empty)")
    export.add_argument("--trial", help="trial id (default: the best)")
    export.add_argument("--format", dest="formats", metavar="LIST",
                        help="comma list of saved_model, keras, tflite, tflite-fp16, tflite-int8, onnx, or all "
                             "(default: every format this installation can write)")
    export.add_argument("--overwrite", action="store_true", help="replace an earlier export in OUT")
    export.add_argument("--subprocess", action="store_true",
                        help="run the export in a child process, as the window does")
    export.add_argument("--json", action="store_true", help="print one JSON object with the artifacts table")
    return export


def chosen_formats(text: str | None, flag: str) -> list[str] | None:
    """The formats a ``--format`` list names (None when not given); UserError says what is wrong or
    what to install."""
    from app.core.export.export_formats import FormatError, missing_requirement, parse_formats

    if text is None:
        return None
    try:
        formats = parse_formats(text)
    except FormatError as exc:
        raise UserError(f"{flag}: {exc}") from None
    for fmt in formats:
        problem = missing_requirement(fmt)
        if problem:
            raise UserError(problem)
    return formats


def _export_result(card: dict) -> dict:
    """The ``export --json`` object: where, which trial, verdict, and the artifacts table."""
    out = Path(card["path"])
    artifacts = [dict(a, path=str(out / a["path"])) for a in card["artifacts"]]
    return {"path": card["path"], "trial_id": card["trial_id"], "passed": card["self_check"]["passed"],
            "artifacts": artifacts, "reproduce": (card.get("reproduce") or {}).get("command")}


def _print_artifacts(card: dict) -> None:
    rows = [[a["format"], f"{a['size_bytes'] / 1024:.0f} KiB", f"{a['val_accuracy']:.4f}", f"{a['agreement']:.4f}",
             f"{a['max_prob_diff']:.2g}", f"{a['ms_per_image']:.2f}", "passed" if a["passed"] else "FAILED"]
            for a in card["artifacts"]]
    header = ["FORMAT", "SIZE", "VAL ACC", "AGREEMENT", "MAX |dP|", "MS/IMAGE", "CHECK"]
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for r in [header, *rows]:
        print("  ".join(str(v).ljust(w) for v, w in zip(r, widths)).rstrip())


def cmd_export(args) -> int:
    from app.core.export.export import ExportError, export_trial
    from app.core.export.export_formats import FORMATS, available_formats, missing_requirement

    search_dir = Path(args.search_dir).expanduser()
    if not (search_dir / "search.json").is_file():
        return user_error(f"{search_dir}: not a TuneStudio search folder")
    formats = chosen_formats(args.formats, "--format")
    if formats is None:
        formats = available_formats()
        for fmt in FORMATS:
            if fmt not in formats:
                print(f"note: {fmt} skipped: {missing_requirement(fmt)}", file=sys.stderr)
    if args.subprocess:
        from app.core.search import events as ev
        from app.core.export.export_process import run_export_in_subprocess

        progress = TerminalProgress(enabled=sys.stderr.isatty())
        final = run_export_in_subprocess(search_dir, args.out, trial_id=args.trial, formats=formats,
                                         overwrite=args.overwrite, listener=progress)
        if final["status"] != ev.COMPLETED:
            return user_error(final["error"])
        card = final["card"]
    else:
        try:
            card = export_trial(search_dir, args.out, trial_id=args.trial, overwrite=args.overwrite, formats=formats)
        except ExportError as exc:
            return user_error(str(exc))
    HistoryRecorder().export(card, Path(search_dir).name)
    if args.json:
        print(json.dumps(_export_result(card), indent=2, ensure_ascii=False, default=str))
    else:
        print(f"Exported trial {card['trial_id']} to {card['path']}")
        _print_artifacts(card)
        failed = card["self_check"]["failed"]
        if failed:
            print(f"FAILED: {', '.join(failed)} disagree with the trained model beyond the tolerance "
                  "(see model_card.json, 'tolerances')")
        print(f"Reproduce this trial: {card['reproduce']['command']}")
    return EXIT_OK if card["self_check"]["passed"] else EXIT_FAILED
