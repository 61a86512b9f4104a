"""The device line of the window's action bar: which device a search would train on.

Before the first search TensorFlow is asked once, in a child process, when the options' Search tab is
first shown (the mixed-precision choice depends on a GPU); a running search reports its device
in ``search_started``. The answer goes to the label and to the options panel.
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QLabel

from app.gui.options.options_panel import OptionsPanel
from app.gui.session.search_worker import run_in_background


class DeviceLine(QObject):
    """Asks for the device once (``probe`` runs in a child process) and shows what it learns."""

    def __init__(self, probe: Callable[[], dict], label: QLabel, options_panel: OptionsPanel,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.probe = probe
        self._label = label
        self._options_panel = options_panel
        self._requested = False
        self.device: dict | None = None  # what the probe or the search said

    def detect(self) -> None:
        """Ask TensorFlow once, in a child process, which device would train (only needed before
        the first search: a running search reports its device in ``search_started``)."""
        if self._requested:
            return
        self._requested = True

        def on_error(_message: str, _traceback: str) -> None:
            if self.device is None:
                self._label.setText(self.tr("Device: unknown"))

        run_in_background(self.probe, self.show, on_error, receiver=self)

    def on_search_started(self, event: dict) -> None:
        if event.get("device"):
            gpus = [str(d) for d in event.get("devices") or [] if str(d).upper().startswith("GPU")]
            self.show({"device": event["device"], "gpus": gpus, "mixed_precision_available": bool(gpus)})

    def show(self, info: dict) -> None:
        self.device = info
        self._label.setText(self.tr("Device: {device}").format(device=info.get('device', 'unknown')))
        self._options_panel.set_gpu_available(bool(info.get("mixed_precision_available")))
