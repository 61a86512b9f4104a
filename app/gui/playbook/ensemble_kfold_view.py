"""Ensemble the best k trials, and k-fold cross-validation of a trial, from the window.

Both run in the training process (``app.core.playbook.ensemble``, ``app.core.playbook.kfold``). The ensemble panel
shows its validation (and test) accuracy beside the best single trial's and exports it; the k-fold
panel draws every fold's validation curve live and gives mean ± standard deviation.
"""
from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtWidgets import QComboBox, QLabel

from app.gui.paint import theme
from app.gui.session.playbook_tasks import TaskPanel
from app.gui.widgets.widget_kit import FolderField, field_values, param_fields

_PENS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000", "#999999", "#882255")


class EnsemblePanel(TaskPanel):
    task = "ensemble"

    def __init__(self, search_dir: str, parent=None, runner=None, history=None):
        super().__init__(parent, runner=runner, history=history)
        self.search_dir = str(search_dir)
        self.fields = param_fields(self.task, "top")
        self.top_box = self.fields["top"]
        self.out_field = FolderField(self.tr("a new or empty folder"), self.tr("Export the ensemble to"))
        self.out_edit = self.out_field.edit
        self.add_form([(self.tr("Members (best k trials):"), self.top_box), (self.tr("Export to:"), self.out_field)],
                      self.tr("Build Ensemble"))
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        self.body.addWidget(self.summary)
        self.body.addStretch(1)

    def params(self) -> dict | None:
        out = self.out_edit.text().strip()
        if not out:
            self.status.setText(self.tr("Choose the folder to export the ensemble to."))
            return None
        return {"search_dir": self.search_dir, **field_values(self.fields), "out": out}

    def on_result(self, result: dict) -> None:
        def pct(v):
            return "–" if v is None else f"{v:.1%}"

        lines = [self.tr("Ensemble of trials {members}: validation accuracy {accuracy} (best single trial "
                         "{best}).").format(
            members=", ".join(result["members"]), accuracy=pct(result["val_accuracy"]),
            best=pct(result["best_single_val_accuracy"]))]
        if result.get("test_accuracy") is not None:
            lines.append(self.tr("Test accuracy {accuracy} (best single trial {best}).").format(
                accuracy=pct(result["test_accuracy"]), best=pct(result.get("best_single_test_accuracy"))))
        if result.get("path"):
            lines.append(self.tr("Exported to {path}.").format(path=result["path"]))
        self.summary.setText("\n".join(lines))


class KFoldPanel(TaskPanel):
    task = "kfold"

    def __init__(self, search_dir: str, trial_ids: list[str], parent=None, runner=None, history=None):
        super().__init__(parent, runner=runner, history=history)
        self.search_dir = str(search_dir)
        self.trial_box = QComboBox()
        for trial_id in trial_ids:
            self.trial_box.addItem(self.tr("Trial {trial}").format(trial=trial_id), trial_id)
        self.fields = param_fields(self.task, "folds")
        self.folds_box = self.fields["folds"]
        self.add_form([(self.tr("Configuration of:"), self.trial_box), (self.tr("Folds:"), self.folds_box)],
                      self.tr("Cross-validate"))
        colors = theme.colors()
        self.plot = pg.PlotWidget(background=colors.background)
        self.plot.setLabel("bottom", self.tr("epoch"))
        self.plot.setLabel("left", self.tr("held-out objective"))
        self.plot.addLegend()
        self.curves: dict[str, pg.PlotDataItem] = {}
        self.values: dict[str, list[float]] = {}
        self.summary = QLabel("")
        self.body.addWidget(self.plot, 1)
        self.body.addWidget(self.summary)

    def params(self) -> dict | None:
        if self.trial_box.currentData() is None:
            self.status.setText(self.tr("This search has no completed trial."))
            return None
        return {"search_dir": self.search_dir, "trial_id": self.trial_box.currentData(), **field_values(self.fields)}

    def start(self, task: str | None = None, params: dict | None = None) -> None:
        self.plot.clear()
        self.curves, self.values = {}, {}
        super().start(task, params)

    def on_task_epoch(self, event: dict) -> None:
        run = str(event.get("run"))
        value = (event.get("logs") or {}).get("val_accuracy", (event.get("logs") or {}).get("val_loss"))
        if value is None:
            return
        self.values.setdefault(run, []).append(value)
        if run not in self.curves:
            pen = pg.mkPen(_PENS[len(self.curves) % len(_PENS)], width=2)
            self.curves[run] = self.plot.plot([], [], pen=pen, name=run)
        ys = self.values[run]
        self.curves[run].setData(list(range(1, len(ys) + 1)), ys)

    def on_result(self, result: dict) -> None:
        scores = ", ".join("–" if f["score"] is None else f"{f['score']:.3f}" for f in result["folds"])
        self.summary.setText(self.tr("{objective} over {k} folds: {mean:.4f} ± {std:.4f} (folds: {scores})").format(
            objective=result["objective"], k=result["folds_count"], mean=result["mean"] or 0.0, std=result["std"],
            scores=scores))
