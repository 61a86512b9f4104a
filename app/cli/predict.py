"""``tunestudio predict MODEL_OR_SEARCH_DIR PATH... [--top K] [--csv FILE] [--json]``.

Runs any model TuneStudio makes (a search folder's final model or ``--trial``, an export folder, a
SavedModel, ``.keras``, ``.tflite`` or ``.onnx``) on image files and folders, recursively and
streaming: one line an image on stdout (or one JSON object at the end with ``--json``), progress
on stderr, one CSV row an image with ``--csv``. Unreadable files are listed with their reason and
never stop the run. Ctrl+C stops after the current batch and still prints what was done (a second
Ctrl+C quits at once). Exit code 0, 1 when stopped, 2 for user errors.
"""
from __future__ import annotations

import argparse
import json
import signal
import sys
import threading

from app.cli.common import EXIT_FAILED, EXIT_OK, user_error


def add_predict_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    predict = sub.add_parser("predict", help="run a model on image files or folders (top classes, decision, "
                                             "accuracy when the folders are named after the classes)")
    predict.add_argument("model", help="a search folder, an export folder, a SavedModel, or a .keras, .tflite "
                                       "or .onnx file")
    predict.add_argument("paths", nargs="+", metavar="PATH", help="image files or folders (searched recursively)")
    predict.add_argument("--trial", help="in a search folder: this trial instead of the final model")
    predict.add_argument("--top", type=int, default=3, metavar="K", help="classes to show per image (default 3)")
    predict.add_argument("--threshold", type=float, metavar="P",
                         help="answer 'unknown' below this confidence (default: the model's own, else 0)")
    predict.add_argument("--csv", metavar="FILE", help="write one row an image to FILE")
    predict.add_argument("--json", action="store_true", help="print one JSON object at the end")
    predict.set_defaults(func=cmd_predict)
    return predict


def add_calibration_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    calibration = sub.add_parser("calibration", help="a search's temperature, calibration error before and after, "
                                                     "and the confidence threshold (set it with --threshold)")
    calibration.add_argument("search_dir", help="the search folder")
    calibration.add_argument("--trial", help="this trial instead of the final model")
    calibration.add_argument("--threshold", type=float, metavar="P",
                             help="store this confidence threshold with the search (export and predict use it)")
    calibration.add_argument("--json", action="store_true", help="print the whole record (reliability diagram, "
                                                                 "coverage curve) as JSON")
    calibration.set_defaults(func=cmd_calibration)
    return calibration


def cmd_calibration(args) -> int:
    from app.core.search.calibration import search_calibration, set_threshold
    from app.core.search.search_dir import SearchError

    try:
        if args.threshold is not None:
            set_threshold(args.search_dir, args.threshold)
        record = search_calibration(args.search_dir, args.trial)
    except (SearchError, ValueError) as exc:
        return user_error(str(exc))
    if args.json:
        print(json.dumps(record, indent=2, ensure_ascii=False))
        return EXIT_OK
    print(f"temperature {record['temperature']:.3f} on {record['images']} validation image(s); expected calibration "
          f"error {record['ece_before']:.4f} before, {record['ece_after']:.4f} after; threshold "
          f"{record['threshold']:.2f}")
    point = min(record["coverage"], key=lambda p: abs(p["threshold"] - record["threshold"]))
    if point["accuracy"] is not None:
        print(f"at the threshold: {point['coverage']:.0%} answered, accuracy of the answers {point['accuracy']:.4f}")
    return EXIT_OK


def _line(result: dict) -> str:
    if result.get("error"):
        return f"{result['file']}\tunreadable: {result['error']}"
    tops = ", ".join(f"{t['class']} {t['probability']:.3f}" for t in result["top"])
    truth = f"\ttrue: {result['true_class']}" if result.get("true_class") else ""
    return f"{result['file']}\t{result['decision']}\t({tops}){truth}"


def _print_summary(summary: dict, cancelled: bool) -> None:
    print(f"{summary['predicted']} of {summary['images']} image(s) predicted"
          + (f", {len(summary['unreadable'])} unreadable" if summary["unreadable"] else "")
          + (" (stopped)" if cancelled else ""))
    for item in summary["unreadable"]:
        print(f"unreadable: {item['file']}: {item['reason']}")
    if summary.get("labelled"):
        answered = summary.get("answered_accuracy")
        print(f"accuracy {summary['accuracy']:.4f} on {summary['labelled']} labelled image(s); "
              f"threshold {summary['threshold']:.2f}: answered {summary['coverage']:.0%}"
              + (f", accuracy of the answers {answered:.4f}" if answered is not None else ""))
        confusion = summary["confusion"]
        width = max(len(c) for c in confusion["rows"] + confusion["columns"] + ["true\\decision"])
        print("true\\decision".ljust(width) + "  " + "  ".join(c.rjust(width) for c in confusion["columns"]))
        for name, row in zip(confusion["rows"], confusion["matrix"]):
            print(name.ljust(width) + "  " + "  ".join(str(v).rjust(width) for v in row))


def cmd_predict(args) -> int:
    from app.core.export.model_predictor import ModelError, open_model
    from app.core.export.predict_folder import RESULT, SUMMARY, CsvWriter, predict_stream

    if args.top < 1:
        return user_error("--top must be 1 or more")
    try:
        predictor = open_model(args.model, trial_id=args.trial, threshold=args.threshold)
    except ModelError as exc:
        return user_error(str(exc))
    writer = None
    if args.csv:
        try:
            writer = CsvWriter(args.csv, min(args.top, len(predictor.classes)))
        except OSError as exc:
            return user_error(f"--csv: cannot write {args.csv}: {exc.strerror or exc}")
    cancel = threading.Event()

    def on_interrupt(_signum, _frame) -> None:
        cancel.set()
        signal.signal(signal.SIGINT, signal.default_int_handler)  # a second Ctrl+C quits at once
        print("\nstopping after the current batch… (Ctrl+C again to quit now)", file=sys.stderr)

    previous = signal.signal(signal.SIGINT, on_interrupt)
    results, final = [], {}
    progress = sys.stderr.isatty()
    try:
        for event in predict_stream(predictor, args.paths, top=args.top, cancel=cancel):
            if event["type"] == RESULT:
                result = event["result"]
                if writer:
                    writer.write(result)
                if args.json:
                    results.append(result)
                else:
                    print(_line(result), flush=True)
                if progress:
                    print(f"\r{event['done']}/{event['total']} image(s)", end="", file=sys.stderr, flush=True)
            elif event["type"] == SUMMARY:
                final = event
    finally:
        signal.signal(signal.SIGINT, previous)
        if writer:
            writer.close()
        if progress:
            print(file=sys.stderr)
    if args.json:
        print(json.dumps({"model": predictor.describe(), "results": results, "summary": final["summary"],
                          "cancelled": final["cancelled"], "csv": args.csv}, indent=2, ensure_ascii=False))
    else:
        _print_summary(final["summary"], final["cancelled"])
    return EXIT_FAILED if final["cancelled"] else EXIT_OK
