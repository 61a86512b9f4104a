"""The main window's export controller: which trial to export, the export dialog, and what it reports.

An object the main window owns (``window.exporter``); what it needs of the window is
:class:`ExportHost`. The export itself runs in a child process behind
:class:`~app.gui.dialogs.export_dialog.ExportDialog`; ``finished`` carries what was exported.
"""
from __future__ import annotations

import html
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QLabel, QWidget

from app.gui import settings
from app.gui.dialogs.questions import Dialogs
from app.gui.session.search_model import SearchModel
from app.gui.session.search_session import SearchSession


class ExportHost(Protocol):
    """What the export controller needs of its window (a QWidget: the dialog's parent)."""

    session: SearchSession
    model: SearchModel
    dialogs: Dialogs

    @property
    def is_running(self) -> bool: ...

    @property
    def search_dir(self) -> str | None: ...

    @property
    def final_event(self) -> dict | None: ...

    @property
    def results(self) -> QWidget: ...  # the Results page (built when first asked for)

    def built_page(self, name: str) -> QWidget | None: ...  # "training" or "history", None when not built

    def show_status(self, text: str) -> None: ...

    def set_state(self, state: str) -> None: ...


class WindowExport(QObject):
    """Export the selected trial, or the final model; see the module docstring."""

    finished = Signal(dict)  # {"out_dir": ..., "card": ...} after an export that completed

    def __init__(self, window: ExportHost | QWidget) -> None:
        super().__init__(window)
        self._window = window
        self.last_export: dict | None = None
        self.dialog = None  # the open export dialog (app.gui.dialogs.export_dialog)

    def selected_trial(self) -> tuple[str | None, str]:
        """(trial id, why not) of the selected trial to export; None for the best."""
        training = self._window.built_page("training")
        if training is None:
            return None, ""
        trial_id = training.trial_table.selected_trial_id()
        trial = self._window.model.state.trials.get(str(trial_id)) if trial_id is not None else None
        if trial is None:
            return None, ""
        if trial.status != "COMPLETED":
            return None, self.tr("Trial {n} did not complete; exporting the final model instead.").format(
                n=trial.number or trial_id)
        return trial.trial_id, ""

    def export_model(self) -> None:
        """Ask for a folder, then export the selected (or best) trial off the GUI thread."""
        window = self._window
        if window.is_running or not window.search_dir:
            window.show_status(self.tr("Export needs a finished search."))
            return
        start = settings.read("search/last_search_dir") or str(Path.home())
        folder = window.dialogs.choose_folder(self.tr("Export the model into folder"), str(Path(start).parent))
        if not folder:
            return
        trial_id, note = self.selected_trial()
        if note:
            window.show_status(note)
        search_dir = window.search_dir
        name = Path(search_dir).name + (f"-trial-{trial_id}" if trial_id else "-best")
        out_dir = Path(folder) / name
        suffix = 2
        while out_dir.exists():  # export refuses non-empty folders: never reuse an earlier one
            out_dir = Path(folder) / f"{name}-{suffix}"
            suffix += 1
        # Imported here, not at the top: the dialog's format table brings numpy (~120 ms), which
        # the window need not load before its first export.
        from app.gui.dialogs.export_dialog import ExportDialog

        # The dialog chooses the formats, runs the export in a child process and shows each file's proof.
        dialog = ExportDialog(search_dir, out_dir, trial_id, parent=window)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.export_finished.connect(lambda final: self._on_export_final(out_dir, final))
        self.dialog = dialog
        dialog.show()

    def _on_export_final(self, out_dir: Path, final: dict) -> None:
        if final.get("status") == "completed":
            self._on_export_done(out_dir, final.get("card") or {})
            return
        self._window.set_state("idle")
        if final.get("status") == "cancelled":
            self._export_label().setText(self.tr("Export stopped; nothing was written."))
            self._window.show_status(self.tr("Export stopped."))
            return
        message = str(final.get("error") or "unknown error")
        self._export_label().setText(self.tr("<span style='color:#b00020'>Export failed: {message}</span>").format(
            message=html.escape(message)))
        self._window.dialogs.error(self.tr("Export failed"), message, details=final.get("details") or None)

    def _on_export_done(self, out_dir: Path, card: dict) -> None:
        window = self._window
        window.set_state("idle")
        card = card if isinstance(card, dict) else {}
        self.last_export = {"out_dir": str(out_dir), "card": card}
        check = card.get("self_check") or {}
        formats = [a.get("format") for a in card.get("artifacts") or []]
        if check.get("passed"):
            verdict = self.tr("<span style='color:#1a7f37'>✔ self-check passed</span> ({count} format(s) reproduce "
                              "the trained model on {images} validation images)").format(
                count=len(formats), images=check.get("images", "?"))
        else:
            verdict = self.tr("<span style='color:#b00020'>✘ self-check failed</span> ({failed})").format(
                failed=html.escape(", ".join(check.get("failed") or [])))
        url = Path(out_dir).resolve().as_uri()
        self._export_label().setText(self.tr("Exported to <a href='{url}'>{out_dir}</a><br>{verdict}").format(
            url=url, out_dir=html.escape(str(out_dir)), verdict=verdict))
        window.show_status(self.tr("Exported to {out_dir}").format(out_dir=out_dir))
        recorder = window.session.recorder
        if recorder is not None and recorder.export(
                dict(card, path=card.get("path", str(out_dir))), Path(window.search_dir or "").name or None):
            history = window.built_page("history")
            if history is not None:
                history.export_recorded()
        self.finished.emit(self.last_export)

    def on_trial_selected(self, trial_id: str) -> None:
        """A trial clicked in the Training tab: the Results tab's button names it."""
        window = self._window
        if not window.is_running and window.final_event:
            trial = window.model.state.trials.get(str(trial_id))
            if trial is not None and trial.status == "COMPLETED":
                window.results.set_export_target(trial.number or trial_id, selected=True)

    def _export_label(self) -> QLabel:
        return self._window.results.export_label
