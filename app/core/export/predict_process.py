"""Predictions for the window in a spawned child process that stays warm between requests.

The window never imports TensorFlow (see ``app/core/model/preview.py`` for the same pattern): a
:class:`PredictService` starts one child on first use, which keeps the models it opened, so only
the first image pays for TensorFlow's import and the model's load. Requests run one at a time;
call them from a worker thread (they block). A folder prediction streams its events to the
caller's ``on_event`` and stops between batches when ``cancel()`` is called. Results are plain
data: dicts, lists and numpy arrays (the heat map and the decoded pixels of each image).
"""
from __future__ import annotations

import multiprocessing as mp
import os
import queue
import threading
import traceback
from typing import Callable

OPEN, PREDICT, FOLDER = "open", "predict", "folder"
FIRST_TIMEOUT_S = 600.0  # the first request imports TensorFlow and loads the model


class PredictError(RuntimeError):
    """The request failed; the message is for the user."""


def _open(cache: dict, request: dict):
    from app.core.export.model_predictor import open_model

    key = (request["source"], request.get("trial_id"))
    if key not in cache:
        cache.clear()  # one model at a time: a big backbone must not pile up
        cache[key] = open_model(request["source"], trial_id=request.get("trial_id"))
    predictor = cache[key]
    if request.get("threshold") is not None:
        predictor.threshold = float(request["threshold"])
    return predictor


def _predict(predictor, request: dict) -> list[dict]:
    import numpy as np

    from app.core.export.grad_cam import heat_maps
    from app.core.export.model_predictor import ImageResult, decode_file

    out = []
    for file in request["files"]:
        pixels, reason = decode_file(file, predictor.image_size)
        if pixels is None:
            out.append({"result": ImageResult(file=file, error=reason).to_dict(), "pixels": None, "heat": None})
            continue
        result = predictor.answer([file], pixels[None], request.get("top", 3))[0]
        heat, method = None, ""
        model = predictor.gradient_model() if request.get("heat_maps", True) else None
        if model is not None:
            try:
                maps = heat_maps(model, pixels[None])
                heat, method = (maps["maps"][0] * 255).astype(np.uint8), maps["method"]
            except Exception:  # noqa: BLE001 - no heat map is not a failed prediction
                traceback.print_exc()
        entry = result.to_dict()
        entry["probabilities"] = result.probabilities
        out.append({"result": entry, "pixels": pixels, "heat": heat, "method": method})
    return out


def _child(requests: mp.Queue, replies: mp.Queue, cancel) -> None:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    try:
        os.nice(5)  # never slow the window (or a running search) down
    except OSError:
        pass
    from app.core.export.model_predictor import ModelError

    cache: dict = {}
    while True:
        request = requests.get()
        if request is None:
            return
        try:
            predictor = _open(cache, request)
            if request["command"] == OPEN:
                value = {"model": predictor.describe(), "calibration": predictor.calibration}
            elif request["command"] == PREDICT:
                value = _predict(predictor, request)
            else:
                from app.core.export.predict_folder import predict_stream

                for event in predict_stream(predictor, request["paths"], request.get("top", 3), cancel):
                    replies.put(("event", event))
                value = None
            replies.put(("done", value))
        except ModelError as exc:
            replies.put(("error", str(exc)))
        except Exception as exc:  # noqa: BLE001 - reported to the window, the child stays
            replies.put(("error", f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}"))


class PredictService:
    """The warm prediction child; see the module docstring. Thread-safe (one request at a time)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process = None
        self._ctx = mp.get_context("spawn")
        self._cancel = self._ctx.Event()

    def _start(self) -> None:
        if self._process is not None and self._process.is_alive():
            return
        self._requests, self._replies = self._ctx.Queue(), self._ctx.Queue()
        self._process = self._ctx.Process(target=_child, args=(self._requests, self._replies, self._cancel),
                                          name="tunestudio-predict", daemon=True)
        self._process.start()

    def request(self, command: str, source: str, on_event: Callable[[dict], None] | None = None, **fields):
        """Run one request in the child and return its value; raises :class:`PredictError`."""
        with self._lock:
            self._start()
            self._cancel.clear()
            self._requests.put({"command": command, "source": str(source), **fields})
            while True:
                try:
                    kind, value = self._replies.get(timeout=1.0)
                except queue.Empty:
                    if not self._process.is_alive():
                        self._process = None
                        raise PredictError("the prediction process stopped unexpectedly; try again") from None
                    continue
                if kind == "event":
                    if on_event is not None:
                        on_event(value)
                    continue
                if kind == "error":
                    raise PredictError(value)
                return value

    def cancel(self) -> None:
        self._cancel.set()

    def shutdown(self) -> None:
        process, self._process = self._process, None
        if process is not None and process.is_alive():
            try:
                self._requests.put(None)
                process.join(timeout=5)
            finally:
                if process.is_alive():
                    process.kill()


_service: PredictService | None = None


def service() -> PredictService:
    """The one prediction child of this process (the window shares it between its panels)."""
    global _service
    if _service is None:
        _service = PredictService()
    return _service


def shutdown_service() -> None:
    if _service is not None:
        _service.shutdown()
