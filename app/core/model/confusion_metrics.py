"""Per-class precision, recall and F1 from a confusion matrix, and the check that a matrix is sound.

Plain Python on lists of counts (no Qt, no NumPy): the window's confusion view and anything else
that reads a stored matrix share these rules.
"""
from __future__ import annotations

import math


def classification_metrics(matrix: list[list[int]]) -> dict:
    """Per-class precision, recall, F1 and support, plus accuracy and averages.

    ``matrix[i][j]`` counts images of true class ``i`` predicted as ``j``. A value is None where
    it is undefined: precision of a class never predicted, recall of a class with no images,
    F1 where either is undefined, accuracy of an empty matrix. Macro averages skip undefined
    values; weighted averages weight by support.
    """
    n = len(matrix)
    row_sums = [sum(row) for row in matrix]
    col_sums = [sum(matrix[i][j] for i in range(n)) for j in range(n)]
    total = sum(row_sums)
    per_class = []
    for k in range(n):
        tp = matrix[k][k]
        precision = tp / col_sums[k] if col_sums[k] else None
        recall = tp / row_sums[k] if row_sums[k] else None
        if precision is None or recall is None:
            f1 = None
        elif precision + recall == 0:
            f1 = 0.0
        else:
            f1 = 2 * precision * recall / (precision + recall)
        per_class.append({"precision": precision, "recall": recall, "f1": f1,
                          "support": row_sums[k]})

    def macro(key: str) -> float | None:
        values = [c[key] for c in per_class if c[key] is not None]
        return sum(values) / len(values) if values else None

    def weighted(key: str) -> float | None:
        pairs = [(c[key], c["support"]) for c in per_class if c[key] is not None]
        weight = sum(s for _, s in pairs)
        return sum(v * s for v, s in pairs) / weight if weight else None

    return {
        "per_class": per_class,
        "accuracy": sum(matrix[k][k] for k in range(n)) / total if total else None,
        "correct": sum(matrix[k][k] for k in range(n)),
        "total": total,
        "macro": {key: macro(key) for key in ("precision", "recall", "f1")},
        "weighted": {key: weighted(key) for key in ("precision", "recall", "f1")},
    }


def validate_matrix(matrix, class_names) -> list[list[int]]:
    """The matrix as a list of int rows, or ValueError saying what is wrong with it."""
    if not isinstance(class_names, (list, tuple)) or not class_names:
        raise ValueError("class names are missing")
    if not isinstance(matrix, (list, tuple)) or not all(isinstance(r, (list, tuple)) for r in matrix):
        raise ValueError("the confusion matrix must be a list of rows")
    n = len(class_names)
    if len(matrix) != n or any(len(row) != n for row in matrix):
        shape = f"{len(matrix)}x{len(matrix[0]) if matrix else 0}"
        raise ValueError(f"the confusion matrix is {shape} but there are {n} class names")
    rows = []
    for row in matrix:
        out = []
        for value in row:
            if isinstance(value, bool) or not isinstance(value, (int, float)) \
                    or not math.isfinite(value) or value < 0 or value != int(value):
                raise ValueError(f"confusion counts must be whole numbers from 0 up (got {value!r})")
            out.append(int(value))
        rows.append(out)
    return rows
