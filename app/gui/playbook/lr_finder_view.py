"""Learning-rate range finder: loss against learning rate, live, and the suggested range.

The run happens in the training process (``app.core.playbook.lr_finder``); its progress events carry the
new (learning rate, smoothed loss) points, drawn on a log-x plot as they come. When it ends, the
suggested decade is shaded and "Apply Range to the Search" hands it to the options
(``rangeApplied(min, max)``).
"""
from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QPushButton

from app.gui.paint import theme
from app.gui.session.playbook_tasks import TaskPanel
from app.gui.widgets.widget_kit import architecture_combo, field_values, param_fields, row_of


class LRFinderPanel(TaskPanel):
    task = "lr_find"
    rangeApplied = Signal(float, float)

    def __init__(self, data_dir: str, architecture: str = "simple_cnn", image_size: int = 64, parent=None,
                 runner=None, history=None, config: dict | None = None):
        super().__init__(parent, runner=runner, history=history)
        self.data_dir = str(data_dir)
        self.config = config  # the options' search space: the model uses its default values
        self.points: list[list[float]] = []
        self.arch_box = architecture_combo(architecture)
        self.fields = param_fields(self.task, "image_size", "steps", "batch_size", image_size=int(image_size))
        self.size_box, self.steps_box, self.batch_box = (self.fields[n] for n in ("image_size", "steps", "batch_size"))
        self.add_form([(self.tr("Architecture:"), self.arch_box),
                       (self.tr("Image size · steps · batch:"), row_of(self.size_box, self.steps_box, self.batch_box))],
                      self.tr("Find Learning Rate"))

        colors = theme.colors()
        self.plot = pg.PlotWidget(background=colors.background)
        self.plot.setLogMode(x=True, y=False)
        self.plot.setLabel("bottom", self.tr("learning rate"))
        self.plot.getAxis("bottom").enableAutoSIPrefix(False)  # show 1e-3, not "1 (x0.001)"
        self.plot.setLabel("left", self.tr("loss (smoothed)"))
        self.plot.showGrid(x=True, y=True, alpha=0.2)
        self.curve = self.plot.plot([], [], pen=pg.mkPen(colors.train, width=2))
        self.region = pg.LinearRegionItem(movable=False, brush=pg.mkBrush(0, 158, 115, 50))
        self.region.hide()
        self.plot.addItem(self.region)
        self.apply_button = QPushButton(self.tr("Apply Range to the Search"))
        self.apply_button.setEnabled(False)
        self.apply_button.clicked.connect(self.apply_range)
        self.body.addWidget(self.plot, 1)
        self.body.addWidget(self.apply_button)
        self.suggested: dict | None = None

    def params(self) -> dict | None:
        return {"data_dir": self.data_dir, "architecture": self.arch_box.currentData(), **field_values(self.fields),
                "config": self.config}

    def start(self, task: str | None = None, params: dict | None = None) -> None:
        self.points = []
        self.curve.setData([], [])
        self.region.hide()
        self.apply_button.setEnabled(False)
        super().start(task, params)

    def on_task_progress(self, event: dict) -> None:
        super().on_task_progress(event)
        if event.get("points"):
            self.points.extend(event["points"])
            self._draw()

    def _draw(self) -> None:
        self.curve.setData([p[0] for p in self.points], [p[1] for p in self.points])

    def on_result(self, result: dict) -> None:
        self.points = list(result.get("points") or self.points)
        self._draw()
        self.show_suggestion(result["suggested"])

    def show_suggestion(self, suggested: dict) -> None:
        self.suggested = suggested
        self.region.setRegion((math.log10(suggested["min"]), math.log10(suggested["max"])))
        self.region.show()
        self.apply_button.setEnabled(True)
        self.status.setText(self.tr("Suggested learning rate: {low:.2e} to {high:.2e} (where the loss falls fastest, "
                                    "before its minimum).").format(low=suggested["min"], high=suggested["max"]))

    def apply_range(self) -> None:
        if self.suggested:
            self.rangeApplied.emit(float(self.suggested["min"]), float(self.suggested["max"]))
            self.status.setText(self.tr("The search's learning rate is now {low:.2e} to {high:.2e} (log scale).").format(
                low=self.suggested["min"], high=self.suggested["max"]))
