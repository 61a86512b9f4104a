"""Weight files and a loopback HTTP server that serves them, for the weights tests.

ImageNet weights cannot be downloaded here, so the tests make their own: a Keras Applications
backbone built with ``weights=None``, written in Keras's legacy HDF5 layout (the layout of the
files Keras publishes; ``model.save_weights`` only writes the newer ``.weights.h5`` one), loads with
``weights=PATH`` exactly as a published file does.
"""
from __future__ import annotations

import http.server
import socket
import threading
import time
from pathlib import Path

MOBILENET_96 = "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_96_no_top.h5"


def write_legacy_weights(name: str, size: int, path: str | Path) -> Path:
    """Fresh (random) weights of ``keras.applications.<name>`` (no top) at ``size`` px, in Keras's legacy h5 layout."""
    import h5py
    import keras
    from keras.src.legacy.saving import legacy_h5_format

    model = getattr(keras.applications, name)(include_top=False, weights=None, input_shape=(size, size, 3))
    with h5py.File(str(path), "w") as fh:
        legacy_h5_format.save_weights_to_hdf5_group(fh, model)
    keras.backend.clear_session()
    return Path(path)


def make_mobilenet_file(folder: str | Path) -> Path:
    """The MobileNetV2 96 px no-top file, under its Keras name in ``folder`` (a second or two)."""
    Path(folder).mkdir(parents=True, exist_ok=True)
    return write_legacy_weights("MobileNetV2", 96, Path(folder) / MOBILENET_96)


def make_mobilenet_file_in_child(folder: str | Path) -> Path:
    """:func:`make_mobilenet_file` in a spawned child, so the calling (window) process never imports TensorFlow."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(make_mobilenet_file, str(folder)).result(timeout=300)


class WeightsServer:
    """``http.server`` on 127.0.0.1 (a free port) in a thread. ``files``: URL path -> bytes; a path under
    ``/stall/`` sends its headers and 1 kB, then nothing until the server stops; anything else is a 404."""

    def __init__(self, files: dict[str, bytes] | None = None):
        self.files = dict(files or {})
        self.requests: list[str] = []
        self.stop_stalling = threading.Event()
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                server.requests.append(self.path)
                name = self.path.split("/")[-1]
                body = server.files.get(name)
                if body is None:
                    self.send_error(404, "Not Found")
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/octet-stream")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.path.startswith("/stall/"):
                    self.wfile.write(body[:1024])
                    self.wfile.flush()
                    server.stop_stalling.wait(30)
                    return
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client cancelled

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self) -> WeightsServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop_stalling.set()
        self.httpd.shutdown()
        self.httpd.server_close()


def refused_url() -> str:
    """A loopback URL nothing listens on: connecting is refused at once, as on a machine without network."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    time.sleep(0.01)
    return f"http://127.0.0.1:{port}"
