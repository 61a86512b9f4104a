"""Every question and message the window and the History tab put to the user, in one object.

Views call ``self.dialogs.confirm(...)`` and friends instead of Qt's static dialog functions, so a
test replaces one object (``view.dialogs = ScriptedDialogs(...)``) rather than patching
``QMessageBox.question`` and its cousins. Errors are shown without blocking (non-modal boxes) and
listed in ``errors_shown`` so tests can assert what the user was told.
"""
from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QInputDialog, QLineEdit, QMessageBox, QWidget


class Dialogs:
    """Qt dialogs parented to ``parent`` (the window)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        self.parent = parent
        self.errors_shown: list[tuple[str, str]] = []  # (title, text) of every error, in order
        self._open_boxes: list[QMessageBox] = []

    def error(self, title: str, text: str, details: str | None = None) -> QMessageBox:
        """Tell about a problem without blocking the window."""
        self.errors_shown.append((title, text))
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, self.parent)
        if details:
            box.setDetailedText(details)
        return self._show(box)

    def inform(self, title: str, text: str) -> QMessageBox:
        return self._show(QMessageBox(QMessageBox.Icon.Information, title, text,
                                      QMessageBox.StandardButton.Ok, self.parent))

    def message(self, box: QMessageBox) -> QMessageBox:
        """Show a prepared box (e.g. About) without blocking."""
        return self._show(box)

    def confirm(self, title: str, question: str) -> bool:
        """Yes/No (Cancel), No by default."""
        answer = QMessageBox.question(self.parent, title, question,
                                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                                      QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Yes

    def choose_folder(self, title: str, start: str = "") -> str:
        """A folder, or "" when the user cancelled."""
        return QFileDialog.getExistingDirectory(self.parent, title, start)

    def open_file(self, title: str, start: str, file_filter: str) -> str:
        """An existing file, or "" when the user cancelled."""
        path, _chosen_filter = QFileDialog.getOpenFileName(self.parent, title, start, file_filter)
        return path

    def save_file(self, title: str, default: str, file_filter: str) -> str:
        path, _chosen_filter = QFileDialog.getSaveFileName(self.parent, title, default, file_filter)
        return path

    def choose_item(self, title: str, label: str, items: list[str]) -> str | None:
        item, ok = QInputDialog.getItem(self.parent, title, label, items, 0, False)
        return item if ok else None

    def ask_text(self, title: str, label: str, text: str = "", multiline: bool = False) -> str | None:
        """The text typed, or None when the user cancelled."""
        if multiline:
            value, ok = QInputDialog.getMultiLineText(self.parent, title, label, text)
        else:
            value, ok = QInputDialog.getText(self.parent, title, label, QLineEdit.EchoMode.Normal, text)
        return value if ok else None

    def close_all(self) -> None:
        for box in list(self._open_boxes):
            box.close()

    def _show(self, box: QMessageBox) -> QMessageBox:
        box.setModal(False)
        box.finished.connect(lambda _result, b=box: self._forget(b))
        self._open_boxes.append(box)
        box.show()
        return box

    def _forget(self, box: QMessageBox) -> None:
        # Not WA_DeleteOnClose: Qt would delete the box under the Python reference kept here.
        if box in self._open_boxes:
            self._open_boxes.remove(box)
            box.deleteLater()
