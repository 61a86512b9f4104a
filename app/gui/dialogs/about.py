"""What the window knows about its surroundings without importing TensorFlow: package versions
for the About box, and the training device, asked of TensorFlow in a child process."""
from __future__ import annotations

import html
import multiprocessing
import platform
from concurrent.futures import ProcessPoolExecutor
from importlib import metadata

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QCoreApplication, qVersion
from PySide6.QtWidgets import QMessageBox, QWidget

from app import __version__
from app.core.search.devices import describe_devices


def package_versions() -> dict[str, str]:
    """Versions for the About box, read from package metadata (no TensorFlow import)."""
    out = {}
    for label, dist in (("TensorFlow", "tensorflow"), ("Keras", "keras"), ("Keras Tuner", "keras-tuner"),
                        ("pyqtgraph", "pyqtgraph")):
        try:
            out[label] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[label] = "not installed"
    out["Qt"] = qVersion()
    out["PySide6"] = pyside_version
    out["Python"] = platform.python_version()
    return out


def probe_devices_in_child(timeout: float = 180.0) -> dict:
    """``app.core.search.devices.describe_devices()`` run in a spawned child process (blocking).

    Measured: importing TensorFlow in a thread of the window's process holds the GIL long enough
    to freeze the window for a third of a second; in a child it costs the window nothing.
    """
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(describe_devices).result(timeout=timeout)


def about_box(parent: QWidget | None, icon_pixmap=None) -> QMessageBox:
    rows = "".join(f"<tr><td>{html.escape(k)}</td><td>&nbsp;{html.escape(v)}</td></tr>"
                   for k, v in package_versions().items())
    box = QMessageBox(QMessageBox.Icon.NoIcon, QCoreApplication.translate("About", "About TuneStudio"),
                      QCoreApplication.translate("About", "<h3>TuneStudio {version}</h3><p>Tune an image classifier "
                                                          "with Keras Tuner, without "
                                                               "writing code.</p><table>{rows}</table>").format(
                                                                   version=__version__,
                                                                   rows=rows), QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("aboutBox")
    if icon_pixmap is not None:
        box.setIconPixmap(icon_pixmap)
    return box
