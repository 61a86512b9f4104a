"""The main window's export: which trial to export, the export dialog, and what it reports.

A mixin for :class:`~app.gui.window.main_window.MainWindow`, which supplies ``session``, ``model``,
``dialogs``, ``results``, ``history_view``, ``status_label``, ``_set_state`` and the lazy pages.
The export itself runs in a child process behind :class:`~app.gui.dialogs.export_dialog.ExportDialog`.
"""
from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import Qt

from app.gui import settings


class WindowExport:
    """Export the selected trial, or the final model; see the module docstring."""

    def selected_trial(self) -> tuple[str | None, str]:
        """(trial id, why not) of the selected trial to export; None for the best."""
        if not self._training_page.built:
            return None, ""
        trial_id = self.training.trial_table.selected_trial_id()
        trial = self.model.state.trials.get(str(trial_id)) if trial_id is not None else None
        if trial is None:
            return None, ""
        if trial.status != "COMPLETED":
            return None, self.tr("Trial {n} did not complete; exporting the final model instead.").format(
                n=trial.number or trial_id)
        return trial.trial_id, ""

    def export_model(self) -> None:
        """Ask for a folder, then export the selected (or best) trial off the GUI thread."""
        if self.is_running or not self.search_dir:
            self.status_label.setText(self.tr("Export needs a finished search."))
            return
        start = settings.read("search/last_search_dir") or str(Path.home())
        folder = self.dialogs.choose_folder(self.tr("Export the model into folder"), str(Path(start).parent))
        if not folder:
            return
        trial_id, note = self.selected_trial()
        if note:
            self.status_label.setText(note)
        search_dir = self.search_dir
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
        dialog = ExportDialog(search_dir, out_dir, trial_id, parent=self)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.export_finished.connect(lambda final: self._on_export_final(out_dir, final))
        self.export_dialog = dialog
        dialog.show()

    def _on_export_final(self, out_dir: Path, final: dict) -> None:
        if final.get("status") == "completed":
            self._on_export_done(out_dir, final.get("card") or {})
            return
        self._set_state("idle")
        if final.get("status") == "cancelled":
            self.results.export_label.setText(self.tr("Export stopped; nothing was written."))
            self.status_label.setText(self.tr("Export stopped."))
            return
        message = str(final.get("error") or "unknown error")
        self.results.export_label.setText(self.tr("<span style='color:#b00020'>Export failed: {message}</span>").format(
            message=html.escape(message)))
        self.dialogs.error(self.tr("Export failed"), message, details=final.get("details") or None)

    def _on_export_done(self, out_dir: Path, card: dict) -> None:
        self._set_state("idle")
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
        self.results.export_label.setText(self.tr("Exported to <a href='{url}'>{out_dir}</a><br>{verdict}").format(
            url=url, out_dir=html.escape(str(out_dir)), verdict=verdict))
        self.status_label.setText(self.tr("Exported to {out_dir}").format(out_dir=out_dir))
        if self.session.recorder is not None and self.session.recorder.export(
                dict(card, path=card.get("path", str(out_dir))), Path(self.search_dir or "").name or None):
            if self._history_page.built:
                self.history_view.export_recorded()
        self.export_finished.emit(self.last_export)

    def _on_trial_selected(self, trial_id: str) -> None:
        if not self.is_running and self.final_event:
            trial = self.model.state.trials.get(str(trial_id))
            if trial is not None and trial.status == "COMPLETED":
                self.results.set_export_target(trial.number or trial_id, selected=True)
