"""Side-by-side comparison of stored trials, from one search or several.

``CompareView.set_trials(trials)`` takes trial dicts as :meth:`HistoryStore.get_trials` returns
them (``search_name``, ``trial_id``, ``number``, ``status``, ``score``, ``hyperparameters``,
``history``, ``confusion``, ``class_names``) and shows:

* validation curves overlaid: one colour per trial, the validation accuracy and loss plots;
* a table with one column per trial and one row per hyperparameter (plus score, status and
  epochs); rows whose values differ are marked, so what changed between trials stands out;
* the trials' final confusion matrices side by side.
"""
from __future__ import annotations

import html
import json
import math
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QAbstractItemView, QFrame, QHBoxLayout, QHeaderView, QLabel, QScrollArea,
                               QSplitter, QTableView, QTableWidget, QTableWidgetItem, QVBoxLayout,
                               QWidget)

from app.core.util.formatting import format_score, format_value
from app.core.search.search_state import lower_is_better
from app.gui.paint import theme

from app.gui.training.confusion_model import ConfusionModel

# Okabe-Ito hues plus a few distinct extras: trial colours that stay apart for colour-blind
# readers. Black and pale yellow are left out: each vanishes on one of the two window themes.
TRIAL_COLORS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#7F3C8D",
                "#8C8C8C", "#B8860B", "#8C564B")
VALIDATION_METRICS = ("val_accuracy", "val_loss")


def trial_label(trial: dict, with_search: bool = True) -> str:
    """A short human name for a trial: ``search · #3 (trial 02)``."""
    number = trial.get("number")
    name = (f"#{number}" if number is not None
            else QCoreApplication.translate("CompareView", "trial {n}").format(n=trial.get("trial_id")))
    if with_search and trial.get("search_name"):
        return f"{trial['search_name']} · {name}"
    return name


def _compact_matrix(matrix: list[list[int]], class_names: list[str]) -> QTableView:
    """A small confusion heatmap (the shared ``ConfusionModel``: same shading as the Trials tab)."""
    names = list(class_names or []) or [str(i) for i in range(len(matrix))]
    model = ConfusionModel()
    model.set_matrix(matrix, names[:len(matrix)])
    view = QTableView()
    model.setParent(view)
    view.setModel(model)
    view.setObjectName("compareMatrix")
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setMinimumSectionSize(28)
    view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    view.resizeColumnsToContents()
    view.resizeRowsToContents()
    # Show the whole matrix: the row of matrices scrolls as one instead of each matrix on its own.
    frame = 2 * view.frameWidth()
    view.setFixedSize(view.verticalHeader().sizeHint().width() + view.horizontalHeader().length() + frame,
                      view.horizontalHeader().sizeHint().height() + view.verticalHeader().length() + frame)
    return view


class CompareView(QWidget):
    """Overlaid validation curves, a hyperparameter table with differences marked, and
    confusion matrices side by side, for two or more trials."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("compareView")
        self._trials: list[dict] = []
        self._curves: dict[str, list[pg.PlotDataItem]] = {m: [] for m in VALIDATION_METRICS}
        self._differing_rows: list[str] = []

        self._hint = QLabel(self.tr("Select two or more trials and press Compare."))
        self._hint.setObjectName("compareHint")
        self._hint.setWordWrap(True)

        self._graphics = pg.GraphicsLayoutWidget()
        self._graphics.setMinimumHeight(200)
        self._plots = {
            "val_accuracy": self._graphics.addPlot(row=0, col=0, title=self.tr("validation accuracy")),
            "val_loss": self._graphics.addPlot(row=0, col=1, title=self.tr("validation loss")),
        }
        for plot in self._plots.values():
            plot.showGrid(x=True, y=True, alpha=0.15)
            plot.setLabel("bottom", self.tr("epoch"))
        self._legend = self._plots["val_accuracy"].addLegend(offset=(-10, -10), labelTextSize="8pt")

        self._table = QTableWidget()
        self._table.setObjectName("compareTable")
        self._table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self._table.setAlternatingRowColors(True)
        self._table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self._table.setToolTip(self.tr("Rows marked ≠ differ between the compared trials"))

        self._matrices = QWidget()
        self._matrices_layout = QHBoxLayout(self._matrices)
        self._matrices_layout.setContentsMargins(0, 0, 0, 0)
        matrices_scroll = QScrollArea()
        matrices_scroll.setWidgetResizable(True)
        matrices_scroll.setFrameShape(QFrame.Shape.NoFrame)
        matrices_scroll.setWidget(self._matrices)
        self._matrix_widgets: list[QWidget] = []

        lower = QSplitter(Qt.Orientation.Horizontal)
        lower.addWidget(self._table)
        lower.addWidget(matrices_scroll)
        lower.setSizes([400, 600])
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self._graphics)
        splitter.addWidget(lower)
        splitter.setSizes([450, 400])

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._hint)
        layout.addWidget(splitter, 1)
        self._apply_theme()

    # ------------------------------------------------------------------ public API

    def set_trials(self, trials: list[dict]) -> None:
        """Compare these trials (dicts as ``HistoryStore.get_trials`` returns them)."""
        self._trials = [t for t in trials or [] if isinstance(t, dict)]
        several_searches = len({t.get("search_id") for t in self._trials}) > 1
        self._labels = [trial_label(t, with_search=several_searches) for t in self._trials]
        if len(self._trials) < 2:
            self._hint.setText(self.tr("Select two or more trials and press Compare."))
        else:
            self._hint.setText(self.tr("Comparing {count} trials. Rows marked ≠ differ.").format(
                count=len(self._trials)))
        self._update_curves()
        self._update_table()
        self._update_matrices()

    def trials(self) -> list[dict]:
        return list(self._trials)

    def differing_rows(self) -> list[str]:
        """Names of the table rows whose values are not all equal (for tests and tooltips)."""
        return list(self._differing_rows)

    def curve_data(self, metric: str, index: int) -> tuple[list, list]:
        """(x, y) drawn for trial ``index`` on the ``metric`` plot."""
        x, y = self._curves[metric][index].getData()
        return ([] if x is None else list(x)), ([] if y is None else list(y))

    def matrix_count(self) -> int:
        return len(self._matrix_widgets)

    # ------------------------------------------------------------------ drawing

    def _update_curves(self) -> None:
        self._legend.clear()
        for metric, plot in self._plots.items():
            curves = self._curves[metric]
            # Curves are reused across comparisons; only missing ones are created.
            while len(curves) < len(self._trials):
                curves.append(plot.plot(antialias=True, symbol="o", symbolSize=5))
            for index, curve in enumerate(curves):
                if index >= len(self._trials):
                    curve.setData([], [])
                    curve.hide()
                    continue
                values = (self._trials[index].get("history") or {}).get(metric) or []
                points = [(i + 1, float(v)) for i, v in enumerate(values)
                          if isinstance(v, (int, float)) and math.isfinite(v)]
                color = QColor(TRIAL_COLORS[index % len(TRIAL_COLORS)])
                curve.setPen(pg.mkPen(color, width=2))
                curve.setSymbolBrush(color)
                curve.setSymbolPen(color)
                curve.setData([p[0] for p in points], [p[1] for p in points])
                curve.show()
                if metric == "val_accuracy":
                    self._legend.addItem(curve, html.escape(self._labels[index]))  # legends render HTML

    def _update_table(self) -> None:
        trials = self._trials
        rows: list[tuple[str, list[Any]]] = [
            (self.tr("score"), [t.get("score") for t in trials]),
            (self.tr("status"), [str(t.get("status") or "").lower() for t in trials]),
            (self.tr("epochs"), [len(t.get("epochs") or next(iter((t.get("history") or {}).values()), []))
                                 for t in trials]),
        ]
        names: list[str] = []
        for trial in trials:
            names += [n for n in (trial.get("hyperparameters") or {}) if n not in names]
        rows += [(name, [(t.get("hyperparameters") or {}).get(name) for t in trials]) for name in names]

        self._table.clear()
        self._table.setColumnCount(len(trials))
        self._table.setRowCount(len(rows))
        # Two-line headers ("search" over "#3") keep the columns narrow.
        self._table.setHorizontalHeaderLabels([label.replace(" · ", "\n") for label in self._labels])
        c = theme.colors(self.palette())
        marked = QColor(c.validation)
        marked.setAlpha(60)
        self._differing_rows = []
        best_index = self._best_index()
        for r, (name, values) in enumerate(rows):
            differs = len(trials) > 1 and len({json.dumps(v, sort_keys=True, default=str) for v in values}) > 1
            header = QTableWidgetItem(("≠ " if differs else "") + name)
            if differs:
                self._differing_rows.append(name)
                header.setFont(theme.bold(header.font()))
                header.setToolTip(self.tr("differs between the trials"))
            self._table.setVerticalHeaderItem(r, header)
            for col, value in enumerate(values):
                text = format_value(value) if name != self.tr("score") else format_score(value)
                item = QTableWidgetItem(text)
                if differs:
                    item.setBackground(QBrush(marked))
                    item.setFont(theme.bold(item.font()))
                if name == self.tr("score") and col == best_index:
                    item.setForeground(QBrush(c.best))
                    item.setFont(theme.bold(item.font()))
                    item.setToolTip(self.tr("best of the compared trials"))
                self._table.setItem(r, col, item)
        for col in range(len(trials)):
            header = self._table.horizontalHeaderItem(col)
            if header is not None:
                header.setForeground(QBrush(QColor(TRIAL_COLORS[col % len(TRIAL_COLORS)])))
        self._table.resizeColumnsToContents()

    def _best_index(self) -> int | None:
        scored = [(i, t.get("score")) for i, t in enumerate(self._trials)
                  if isinstance(t.get("score"), (int, float)) and t.get("status") == "COMPLETED"]
        if not scored:
            return None
        objective = next((t.get("objective") for t in self._trials if t.get("objective")), "val_accuracy")
        return min(scored, key=lambda pair: pair[1] if lower_is_better(objective) else -pair[1])[0]

    def _update_matrices(self) -> None:
        for widget in self._matrix_widgets:
            widget.setParent(None)
            widget.deleteLater()
        self._matrix_widgets = []
        while self._matrices_layout.count():
            item = self._matrices_layout.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        for index, trial in enumerate(self._trials):
            box = QWidget()
            box_layout = QVBoxLayout(box)
            box_layout.setContentsMargins(2, 2, 2, 2)
            title = QLabel(self._labels[index])
            title.setTextFormat(Qt.TextFormat.PlainText)  # a search name is never markup
            title.setStyleSheet(f"color: {TRIAL_COLORS[index % len(TRIAL_COLORS)]}; font-weight: bold;")
            box_layout.addWidget(title)
            confusion = trial.get("confusion")
            if confusion:
                correct = sum(confusion[i][i] for i in range(len(confusion)) if i < len(confusion[i]))
                total = sum(sum(row) for row in confusion)
                if total:
                    title.setText(f"{self._labels[index]}  ·  {correct}/{total} "
                                  + self.tr("correct") + f" ({correct / total:.1%})")
                box_layout.addWidget(_compact_matrix(confusion, trial.get("class_names") or []))
                box_layout.addStretch(1)
            else:
                box_layout.addWidget(QLabel(self.tr("no confusion matrix recorded")), 1)
            self._matrices_layout.addWidget(box)
            self._matrix_widgets.append(box)
        self._matrices_layout.addStretch(1)

    # ------------------------------------------------------------------ theme

    def _apply_theme(self) -> None:
        c = theme.colors(self.palette())
        self._graphics.setBackground(c.background)
        self._legend.setLabelTextColor(c.foreground)
        for plot in self._plots.values():
            for axis in ("left", "bottom"):
                plot.getAxis(axis).setTextPen(c.foreground)
                plot.getAxis(axis).setPen(c.foreground)
            plot.setTitle(plot.titleLabel.text, color=c.foreground.name())

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.PaletteChange:
            self._apply_theme()
            if self._trials:
                self.set_trials(self._trials)
        super().changeEvent(event)
