"""How far to trust the model: calibration error before and after temperature scaling, the
reliability diagram, and the confidence threshold with its live coverage-vs-accuracy curve.

Draws a calibration record (``app.core.search.calibration.fit``: numbers and lists only). Moving the
threshold slider moves the line on the curve at once and emits ``threshold_changed``; the Results
page stores it in the search (``set_threshold``), where export and predictions read it.
"""
from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSlider, QVBoxLayout, QWidget


class CalibrationView(QWidget):
    threshold_changed = Signal(float)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("calibrationView")
        self.record: dict | None = None
        self.summary = QLabel(self.tr("Calibration is fitted on the validation split when a search ends."))
        self.summary.setObjectName("calibrationSummary")
        self.summary.setWordWrap(True)
        self.reliability = pg.PlotWidget()
        self.reliability.setObjectName("reliabilityDiagram")
        self.reliability.setBackground("w")
        self.reliability.setTitle(self.tr("Reliability diagram (validation)"), color="#333")
        self.reliability.setLabel("bottom", self.tr("confidence"))
        self.reliability.setLabel("left", self.tr("accuracy"))
        self.reliability.setXRange(0, 1)
        self.reliability.setYRange(0, 1)
        self.reliability.addLegend(offset=(10, 10))
        self.coverage = pg.PlotWidget()
        self.coverage.setObjectName("coverageCurve")
        self.coverage.setBackground("w")
        self.coverage.setTitle(self.tr("Threshold: coverage and accuracy (validation)"), color="#333")
        self.coverage.setLabel("bottom", self.tr("confidence threshold"))
        self.coverage.setXRange(0, 1)
        self.coverage.setYRange(0, 1.02)
        self.coverage.addLegend(offset=(10, 10))
        self.threshold_line = pg.InfiniteLine(0.0, angle=90, pen=pg.mkPen("#b00020", width=2))
        self.coverage.addItem(self.threshold_line)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setObjectName("thresholdSlider")
        self.slider.setRange(0, 100)
        self.slider.valueChanged.connect(self._on_slider)
        self.threshold_label = QLabel()
        self.threshold_label.setObjectName("thresholdLabel")
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Answer \"unknown\" below")))
        row.addWidget(self.slider, 1)
        row.addWidget(self.threshold_label)
        plots = QHBoxLayout()
        plots.addWidget(self.reliability)
        plots.addWidget(self.coverage)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(plots, 1)
        layout.addLayout(row)
        self.setEnabled(False)

    def set_record(self, record: dict | None) -> None:
        """Draw a calibration record (None clears the view)."""
        self.record = record
        self.reliability.clear()
        self.coverage.clear()
        self.coverage.addItem(self.threshold_line)
        self.setEnabled(bool(record and record.get("coverage")))
        if not record or not record.get("coverage"):
            self.summary.setText(self.tr("Calibration is fitted on the validation split when a search ends."))
            return
        self.summary.setText(self.tr(
            "Temperature {t:.2f} fitted on {n} validation images. Expected calibration error {before:.1%} "
            "before, {after:.1%} after: the confidence shown is the calibrated one.").format(
            t=record["temperature"], n=record.get("images", 0), before=record["ece_before"],
            after=record["ece_after"]))
        self.reliability.plot([0, 1], [0, 1], pen=pg.mkPen("#999", style=Qt.PenStyle.DashLine),
                              name=self.tr("perfect"))
        for key, colour, name in (("reliability_before", "#d29922", self.tr("before")),
                                  ("reliability_after", "#1f6feb", self.tr("after"))):
            bins = [b for b in record.get(key) or [] if b["count"]]
            self.reliability.plot([b["confidence"] for b in bins], [b["accuracy"] for b in bins],
                                  pen=pg.mkPen(colour, width=2), symbol="o", symbolBrush=colour, symbolSize=7,
                                  name=name)
        curve = record["coverage"]
        xs = [p["threshold"] for p in curve]
        self.coverage.plot(xs, [p["coverage"] for p in curve], pen=pg.mkPen("#1a7f37", width=2),
                           name=self.tr("coverage"))
        answered = [(p["threshold"], p["accuracy"]) for p in curve if p["accuracy"] is not None]
        self.coverage.plot([a for a, _ in answered], [b for _, b in answered], pen=pg.mkPen("#1f6feb", width=2),
                           name=self.tr("accuracy of the answers"))
        self.set_threshold(float(record.get("threshold") or 0.0), emit=False)

    def set_threshold(self, threshold: float, emit: bool = True) -> None:
        self.slider.blockSignals(not emit)
        self.slider.setValue(int(round(threshold * 100)))
        self.slider.blockSignals(False)
        self._show_threshold(threshold)

    def threshold(self) -> float:
        return self.slider.value() / 100.0

    def point(self, threshold: float) -> dict | None:
        """The coverage curve's point at ``threshold``."""
        curve = (self.record or {}).get("coverage") or []
        return min(curve, key=lambda p: abs(p["threshold"] - threshold)) if curve else None

    def _show_threshold(self, threshold: float) -> None:
        self.threshold_line.setValue(threshold)
        point = self.point(threshold)
        if point is None:
            self.threshold_label.setText(f"{threshold:.2f}")
            return
        accuracy = "–" if point["accuracy"] is None else f"{point['accuracy']:.1%}"
        self.threshold_label.setText(self.tr("{t:.2f}: answers {coverage:.0%}, accuracy {accuracy}").format(
            t=threshold, coverage=point["coverage"], accuracy=accuracy))

    def _on_slider(self, value: int) -> None:
        self._show_threshold(value / 100.0)
        self.threshold_changed.emit(value / 100.0)
