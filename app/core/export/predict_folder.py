"""Predicting many files: the recursive listing, the streamed results, the CSV and the summary.

``tunestudio predict`` and the window's "Predict Folder…" both run :func:`predict_stream`: it lists
the given files and folders (recursively, hidden files left out), then decodes and predicts them
in small batches, yielding one event per image as soon as its batch is done, so progress shows
and a cancel takes effect within a batch. A file that cannot be used is a result with its reason;
the run goes on. When a folder's subfolders are named after the model's classes, each image under
one is labelled by it, and the summary gets the accuracy and a confusion matrix (rows: true
class; columns: the decision, ``unknown`` last).
"""
from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import Iterable, Iterator

import numpy as np

from app.core.export.model_predictor import ImageResult, Predictor, decode_file
from app.core.search.calibration import UNKNOWN

BATCH = 16
LISTED, RESULT, SUMMARY = "predict_listed", "predict_result", "predict_summary"


def _hidden(name: str) -> bool:
    return name.startswith(".") or name in ("Thumbs.db", "desktop.ini", "__MACOSX")


def list_files(paths: Iterable[str | Path], classes: list[str]) -> list[tuple[str, str | None]]:
    """(file, true class or None) for every file under ``paths``, folders walked in name order.
    Files under a subfolder named after a class (directly inside a given folder) get that class."""
    out: list[tuple[str, str | None]] = []
    known = set(classes)
    for given in paths:
        root = Path(given).expanduser()
        if not root.is_dir():
            out.append((str(root), None))
            continue
        for folder, dirs, files in os.walk(root, followlinks=False):
            dirs[:] = sorted(d for d in dirs if not _hidden(d))
            relative = Path(folder).relative_to(root).parts
            label = relative[0] if relative and relative[0] in known else None
            out.extend((os.path.join(folder, f), label) for f in sorted(files) if not _hidden(f))
    return out


class Summary:
    """Counts, accuracy and the confusion matrix of a folder prediction, built result by result."""

    def __init__(self, classes: list[str], threshold: float):
        self.classes, self.threshold = list(classes), threshold
        self.columns = self.classes + [UNKNOWN]
        self.confusion = np.zeros((len(classes), len(self.columns)), int)
        self.images = self.predicted = self.labelled = self.top1_right = 0
        self.unreadable: list[dict] = []
        self.decisions: dict[str, int] = {}

    def add(self, result: ImageResult) -> None:
        self.images += 1
        if result.error:
            self.unreadable.append({"file": result.file, "reason": result.error})
            return
        self.predicted += 1
        self.decisions[result.decision] = self.decisions.get(result.decision, 0) + 1
        if result.true_class is None or result.true_class not in self.classes:
            return
        self.labelled += 1
        self.top1_right += int(result.top[0][0] == result.true_class)
        self.confusion[self.classes.index(result.true_class), self.columns.index(result.decision)] += 1

    def to_dict(self) -> dict:
        answered = int(self.confusion[:, :-1].sum())
        right = int(np.trace(self.confusion[:, :-1]))
        out = {"images": self.images, "predicted": self.predicted, "unreadable": self.unreadable,
               "decisions": dict(sorted(self.decisions.items())), "threshold": self.threshold,
               "labelled": self.labelled}
        if self.labelled:
            out.update(accuracy=self.top1_right / self.labelled, coverage=answered / self.labelled,
                       answered_accuracy=right / answered if answered else None,
                       confusion={"rows": self.classes, "columns": self.columns,
                                  "matrix": self.confusion.tolist()})
        return out


def predict_stream(predictor: Predictor, paths: Iterable[str | Path], top: int = 3, cancel=None,
                   batch: int = BATCH) -> Iterator[dict]:
    """Events: one ``predict_listed`` (``total``), a ``predict_result`` per file (``done``, ``total``,
    ``result``), then one ``predict_summary`` (``summary``, ``cancelled``). ``cancel`` (anything with
    ``is_set()``) stops between batches; the summary then covers what was done."""
    files = list_files(paths, predictor.classes)
    yield {"type": LISTED, "total": len(files)}
    summary = Summary(predictor.classes, predictor.threshold)
    done, cancelled = 0, False
    for start in range(0, len(files), batch):
        if cancel is not None and cancel.is_set():
            cancelled = True
            break
        chunk = files[start:start + batch]
        decoded = [decode_file(f, predictor.image_size) for f, _ in chunk]
        good = [i for i, (image, _) in enumerate(decoded) if image is not None]
        answers = predictor.answer([chunk[i][0] for i in good], np.stack([decoded[i][0] for i in good]), top) \
            if good else []
        by_index = dict(zip(good, answers))
        for i, ((file, label), (_, reason)) in enumerate(zip(chunk, decoded)):
            result = by_index.get(i) or ImageResult(file=file, error=reason)
            result.true_class = label
            summary.add(result)
            done += 1
            yield {"type": RESULT, "done": done, "total": len(files), "result": result.to_dict()}
    yield {"type": SUMMARY, "summary": summary.to_dict(), "cancelled": cancelled, "done": done,
           "total": len(files)}


class CsvWriter:
    """One row an image, written as results arrive (a cancelled run keeps what was done)."""

    def __init__(self, path: str | Path, top: int):
        self.top = top
        self._fh = open(path, "w", newline="", encoding="utf-8")  # noqa: SIM115 - closed by close()
        self._writer = csv.writer(self._fh)
        header = ["file", "true_class", "decision"]
        for k in range(1, top + 1):
            header += [f"class_{k}", f"probability_{k}"]
        self._writer.writerow(header + ["error"])

    def write(self, result: dict) -> None:
        row = [result["file"], result.get("true_class") or "", result.get("decision") or ""]
        tops = result.get("top") or []
        for k in range(self.top):
            row += [tops[k]["class"], f"{tops[k]['probability']:.6f}"] if k < len(tops) else ["", ""]
        self._writer.writerow(row + [result.get("error") or ""])
        self._fh.flush()

    def close(self) -> None:
        self._fh.close()
