"""A stand-in for ``app.gui.dialogs.questions.Dialogs``: answers come from a script, nothing is shown."""
from __future__ import annotations


class ScriptedDialogs:
    """``confirm`` returns ``yes``; the others return what was given (None/"" = the user cancelled).

    Every call is logged in ``asked`` as (method, title); errors and messages in ``errors_shown``
    and ``messages``.
    """

    def __init__(self, yes: bool = True, folder: str = "", save_path: str = "", item_index: int | None = 0,
                 text: str | None = None, open_path: str = ""):
        self.yes, self.folder, self.save_path, self.item_index, self.text = yes, folder, save_path, item_index, text
        self.open_path = open_path
        self.asked: list[tuple[str, str]] = []
        self.questions: list[str] = []  # the text of every confirm()
        self.said: list[str] = []  # the text of every error and message, in order
        self.errors_shown: list[tuple[str, str]] = []
        self.messages: list[tuple[str, str]] = []

    def error(self, title, text, details=None):
        self.asked.append(("error", title))
        self.errors_shown.append((title, text))
        self.said.append(text)

    def inform(self, title, text):
        self.asked.append(("inform", title))
        self.messages.append((title, text))
        self.said.append(text)

    def message(self, box):
        self.asked.append(("message", box.windowTitle()))
        return box

    def confirm(self, title, question):
        self.asked.append(("confirm", title))
        self.questions.append(question)
        return self.yes

    def choose_folder(self, title, start=""):
        self.asked.append(("choose_folder", title))
        return self.folder

    def open_file(self, title, start, file_filter):
        self.asked.append(("open_file", title))
        return self.open_path

    def save_file(self, title, default, file_filter):
        self.asked.append(("save_file", title))
        return self.save_path

    def choose_item(self, title, label, items):
        self.asked.append(("choose_item", title))
        return None if self.item_index is None else items[self.item_index]

    def ask_text(self, title, label, text="", multiline=False):
        self.asked.append(("ask_text", title))
        return self.text

    def close_all(self):
        pass
