"""The window's side of the prediction child: requests on a Python thread, answers as Qt signals.

The child (``app.core.export.predict_process``) holds TensorFlow and the model; this object only
sends requests and relays plain data (dicts, lists, numpy arrays) to the GUI thread through
queued signals. One client per panel; they share the one warm child.
"""
from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Signal


class PredictClient(QObject):
    """``opened(dict)``, ``predicted(list)``, ``folder_event(dict)``, ``folder_done()`` and ``failed(str)``."""

    opened = Signal(dict)
    predicted = Signal(list)
    folder_event = Signal(dict)
    folder_done = Signal()
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.source: str | None = None
        self.trial_id: str | None = None
        self.threshold: float | None = None
        self.busy = False

    def set_model(self, source: str | None, trial_id: str | None = None) -> None:
        self.source, self.trial_id = source, trial_id

    def _run(self, command: str, done, **fields) -> None:
        from app.core.export.predict_process import PredictError, service

        source, trial_id, threshold = self.source, self.trial_id, self.threshold
        if source is None:
            self.failed.emit(self.tr("Choose a model first."))
            return
        self.busy = True

        def work() -> None:
            try:
                value = service().request(command, source, trial_id=trial_id, threshold=threshold,
                                          on_event=self.folder_event.emit, **fields)
                done(value)
            except PredictError as exc:
                self.failed.emit(str(exc).split("\n", 1)[0])
            except Exception as exc:  # noqa: BLE001 - the window must hear of any failure
                self.failed.emit(f"{type(exc).__name__}: {exc}")
            finally:
                self.busy = False

        threading.Thread(target=work, name=f"tunestudio-{command}", daemon=True).start()

    def open(self) -> None:
        self._run("open", self.opened.emit)

    def predict(self, files: list[str], top: int = 3) -> None:
        self._run("predict", self.predicted.emit, files=list(files), top=top)

    def predict_folder(self, paths: list[str], top: int = 3) -> None:
        self._run("folder", lambda _none: self.folder_done.emit(), paths=list(paths), top=top)

    def cancel(self) -> None:
        from app.core.export.predict_process import service

        service().cancel()
