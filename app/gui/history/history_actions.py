"""What the History tab does to a search: the row of buttons under the list, and its menu.

Open, re-run (``rerunRequested(dict)`` carries the config for the options panel), resume,
rename, notes, delete with its files (after confirmation), trials to CSV, prune checkpoints to
the best k (and whether to do so after each search), and TensorBoard in the browser.

An action applies to the selected search, else to the opened one (:meth:`target_search`). It
reads and edits through the view's :class:`HistoryStore` and asks the user through the view's
injectable ``dialogs``; afterwards the view reloads (``refresh``).
"""
from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QPushButton, QSpinBox, QTableView, QWidget

from app.core.history.history_schema import OutsideHomeError
from app.core.history.recorder import AUTO_PRUNE, DEFAULT_KEEP_BEST, KEEP_BEST, STORE_ERRORS, read_preference
from app.gui.history.history_table import human_bytes
from app.gui.history.history_tensorboard import TensorBoards


log = logging.getLogger(__name__)
MAX_NAMES_LISTED = 10  # the delete confirmation names this many searches, then "…"


class HistoryActions(QWidget):
    """The History tab's action buttons and what they do."""

    def __init__(self, view: QWidget) -> None:  # the HistoryView that owns this bar
        super().__init__(view)
        self.view = view
        self.open_button = QPushButton(self.tr("Open"))
        self.rerun_button = QPushButton(self.tr("Re-run…"))
        self.rerun_button.setToolTip(self.tr("Load this search's options to edit and start again"))
        self.resume_button = QPushButton(self.tr("Resume"))
        self.resume_button.setToolTip(self.tr("Continue a stopped or interrupted search where it left off"))
        self.rename_button = QPushButton(self.tr("Rename…"))
        self.notes_button = QPushButton(self.tr("Notes…"))
        self.delete_button = QPushButton(self.tr("Delete…"))
        self.csv_button = QPushButton(self.tr("Export CSV…"))
        self.csv_button.setToolTip(self.tr("Save the trials of the selected searches as a table"))
        self.keep_spin = QSpinBox()
        self.keep_spin.setObjectName("keepBest")
        self.keep_spin.setRange(0, 1000)
        self.keep_spin.setValue(self._preference(KEEP_BEST, DEFAULT_KEEP_BEST, int))
        self.keep_spin.setPrefix(self.tr("keep best "))
        self.keep_spin.setToolTip(self.tr("How many trials keep their checkpoint when pruning"))
        self.auto_prune_check = QCheckBox(self.tr("after each search"))
        self.auto_prune_check.setObjectName("autoPrune")
        self.auto_prune_check.setToolTip(self.tr("When a search completes, keep only the checkpoints "
                                                 "of its best trials"))
        self.auto_prune_check.setChecked(self._preference(AUTO_PRUNE, False, bool))
        self.prune_button = QPushButton(self.tr("Prune checkpoints…"))
        self.prune_button.setToolTip(self.tr("Delete the weights of all but the best trials to free disk space"))
        self.tensorboard_button = QPushButton(self.tr("TensorBoard"))
        self.tensorboard_button.setToolTip(self.tr("Start TensorBoard on 127.0.0.1 for this search and open it"))
        self.tensorboards = TensorBoards(self)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for button in (self.open_button, self.rerun_button, self.resume_button, self.rename_button,
                       self.notes_button, self.delete_button, self.csv_button):
            row.addWidget(button)
        row.addStretch(1)
        for widget in (self.keep_spin, self.auto_prune_check, self.prune_button, self.tensorboard_button):
            row.addWidget(widget)

        for button, slot in ((self.open_button, view.open_selected), (self.rerun_button, self.rerun_current),
                             (self.resume_button, self.resume_current), (self.rename_button, self.rename_current),
                             (self.notes_button, self.annotate_current), (self.delete_button, self.delete_selected),
                             (self.csv_button, self.export_csv), (self.prune_button, self.prune_current),
                             (self.tensorboard_button, self.open_tensorboard)):
            button.clicked.connect(slot)
        self.keep_spin.valueChanged.connect(lambda value: self._set_preference(KEEP_BEST, value))
        self.auto_prune_check.toggled.connect(lambda on: self._set_preference(AUTO_PRUNE, on))

    def add_context_menu(self, table: QTableView) -> None:
        """Right-click on the searches table does what the buttons do."""
        for text, slot in ((self.tr("Open\tEnter"), self.view.open_selected),
                           (self.tr("Re-run…"), self.rerun_current),
                           (self.tr("Rename…\tF2"), self.rename_current),
                           (self.tr("Notes…"), self.annotate_current),
                           (self.tr("Export CSV…"), self.export_csv),
                           (self.tr("Prune checkpoints…"), self.prune_current),
                           (self.tr("TensorBoard"), self.open_tensorboard),
                           (self.tr("Delete…\tDel"), self.delete_selected)):
            action = QAction(text, table)
            action.triggered.connect(slot)
            table.addAction(action)
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)

    # ------------------------------------------------------------------ state

    @Slot()
    def update_buttons(self, *_args) -> None:
        view = self.view
        selected = view.selected_ids()
        has_target = view.store is not None and bool(selected or view.current_id)
        self.open_button.setEnabled(bool(selected))
        for button in (self.rerun_button, self.rename_button, self.notes_button, self.delete_button,
                       self.csv_button, self.prune_button):
            button.setEnabled(has_target)
        target = view.searches.get(selected[0] if selected else view.current_id or "")
        self.resume_button.setEnabled(has_target and target is not None and self.resumable(target))
        starting = self.tensorboard_button.text() != self.tr("TensorBoard")
        self.tensorboard_button.setEnabled(has_target and not starting)

    def target_search(self) -> dict | None:
        """The search an action applies to: the selected one, else the opened one."""
        view = self.view
        if view.store is None:
            self._error(self.tr("History"), self.tr("The history database cannot be opened: {error}")
                        .format(error=view.store_error))
            return None
        ids = view.selected_ids()
        search_id = ids[0] if ids else view.current_id
        if not search_id:
            view.dialogs.inform(self.tr("History"), self.tr("Select a search first."))
            return None
        search = view.opened.get(search_id) or view.searches.get(search_id)
        if search is None:
            try:
                search = view.store.get_search(search_id)
            except STORE_ERRORS as exc:
                self._error(self.tr("History"), str(exc))
                return None
        return search

    def resumable(self, search: dict) -> bool:
        return (search.get("status") in ("cancelled", "running") and not self.view.is_live(search)
                and bool(search.get("search_dir")) and (Path(search["search_dir"]) / "search.json").is_file())

    # ------------------------------------------------------------------ actions

    @Slot()
    def rerun_current(self) -> None:
        search = self.target_search()
        if search is None:
            return
        config = dict(search.get("config") or {})
        if not config:
            self._error(self.tr("Re-run"), self.tr("This search has no stored options to re-run."))
            return
        base = config.get("name") or search.get("name") or ""
        config["name"] = f"{base} (re-run)".strip()
        self.view.rerunRequested.emit(config)

    @Slot()
    def resume_current(self) -> None:
        search = self.target_search()
        if search is None:
            return
        if not self.resumable(search):
            self._error(self.tr("Resume"), self.tr("Only a stopped or interrupted search whose folder "
                                                   "still exists can be resumed."))
            return
        self.view.resumeRequested.emit(str(search["search_dir"]))

    @Slot()
    def rename_current(self) -> None:
        self._edit_text(self.tr("Rename search"), lambda search: self.tr("Name:"), "name",
                        lambda search_id, text: self.view.store.rename_search(search_id, text))

    @Slot()
    def annotate_current(self) -> None:
        self._edit_text(self.tr("Notes"), lambda search: self.tr("Notes for {name}:").format(
                            name=search.get("name") or search["id"]), "notes",
                        lambda search_id, text: self.view.store.annotate_search(search_id, text),
                        multiline=True)

    def _edit_text(self, title: str, prompt: Callable[[dict], str], field: str,
                   save: Callable[[str, str], Any], multiline: bool = False) -> None:
        """Ask for a new value of one text field of the target search, save it, reload."""
        search = self.target_search()
        if search is None:
            return
        text = self.view.dialogs.ask_text(title, prompt(search), search.get(field) or "", multiline=multiline)
        if text is None:
            return
        try:
            save(search["id"], text)
        except STORE_ERRORS as exc:
            self._error(title, str(exc))
            return
        self.view.refresh()

    @Slot()
    def delete_selected(self) -> None:
        view = self.view
        ids = view.selected_ids() or ([view.current_id] if view.current_id else [])
        if not ids or view.store is None:
            return
        if any(view.is_live(view.searches.get(i) or {"id": i}) for i in ids):
            self._error(self.tr("Delete"), self.tr("That search is still running; stop it first."))
            return
        names = [view.searches.get(i, {}).get("name") or i for i in ids]
        size = sum(view.searches.get(i, {}).get("disk_bytes") or 0 for i in ids)
        text = (self.tr("Delete {count} search(es) and their files ({size})?").format(
            count=len(ids), size=human_bytes(size))
                + "\n\n" + "\n".join(names[:MAX_NAMES_LISTED]) + ("\n…" if len(names) > MAX_NAMES_LISTED else "")
                + "\n\n" + self.tr("Checkpoints, logs and the record of every trial are removed. "
                                   "This cannot be undone."))
        if not view.dialogs.confirm(self.tr("Delete searches"), text):
            return
        for search_id in ids:
            try:
                try:
                    view.store.delete_search(search_id)
                except OutsideHomeError as exc:
                    # A folder chosen by the user (e.g. `search --workdir`): never deleted from here.
                    if not view.dialogs.confirm(self.tr("Delete searches"), str(exc) + "\n\n" + self.tr(
                            "Remove the search from the history and keep its folder?")):
                        continue
                    view.store.delete_search(search_id, delete_files=False)
            except STORE_ERRORS as exc:
                self._error(self.tr("Delete"), str(exc))
                continue
            view.opened.pop(search_id, None)
            view.searchDeleted.emit(search_id)
        view.refresh()

    @Slot()
    def export_csv(self) -> None:
        view = self.view
        ids = view.selected_ids() or list(view.opened)
        if view.store is None:
            return
        if not ids:
            view.dialogs.inform(self.tr("Export CSV"), self.tr("Select one or more searches first."))
            return
        name = re.sub(r"[^\w.-]+", "-", view.searches.get(ids[0], {}).get("name") or "search").strip("-.")
        default = str(Path.home() / f"{name or 'search'}-trials.csv")
        path = view.dialogs.save_file(self.tr("Export trials as CSV"), default, self.tr("CSV files (*.csv)"))
        if not path:
            return
        try:
            text = view.store.trials_csv(ids)
            Path(path).write_text(text, encoding="utf-8")
        except STORE_ERRORS as exc:
            self._error(self.tr("Export CSV"), str(exc))
        except OSError as exc:
            self._error(self.tr("Export CSV"), self.tr("Cannot write {path}: {error}").format(
                        path=path, error=exc.strerror or str(exc)))

    @Slot()
    def prune_current(self) -> None:
        search = self.target_search()
        if search is None:
            return
        keep = self.keep_spin.value()
        text = self.tr("Keep the checkpoints of the best {count} trial(s) of “{name}” and delete the others' weights?"
                       ).format(count=keep, name=search.get("name") or search["id"])
        if search.get("status") != "completed":
            text += "\n\n" + self.tr("This search has not completed: a Hyperband search continues from "
                                      "these checkpoints when resumed.")
        if not self.view.dialogs.confirm(self.tr("Prune checkpoints"), text):
            return
        try:
            result = self.view.store.prune_checkpoints(search["id"], keep_best=keep)
        except STORE_ERRORS as exc:
            self._error(self.tr("Prune checkpoints"), str(exc))
            return
        self.view.refresh()
        self.view.dialogs.inform(
            self.tr("Prune checkpoints"),
            self.tr("Removed {count} checkpoint(s), freed {size}.").format(
                count=len(result["removed"]), size=human_bytes(result["freed_bytes"])))

    @Slot()
    def open_tensorboard(self) -> None:
        search = self.target_search()
        if search is None:
            return
        if not search.get("search_dir") or not Path(search["search_dir"]).is_dir():
            self._error(self.tr("TensorBoard"), self.tr("The folder of this search no longer exists."))
            return
        if self.tensorboards.open(search["search_dir"], self._reset_tensorboard_button,
                                  self._on_tensorboard_failed):
            self.tensorboard_button.setEnabled(False)
            self.tensorboard_button.setText(self.tr("Starting TensorBoard…"))

    def _on_tensorboard_failed(self, message: str) -> None:
        self._reset_tensorboard_button()
        self._error(self.tr("TensorBoard"), message)

    def _reset_tensorboard_button(self) -> None:
        self.tensorboard_button.setText(self.tr("TensorBoard"))
        self.update_buttons()

    # ------------------------------------------------------------------ helpers

    def _preference(self, key: str, default: Any, kind: type) -> Any:
        return read_preference(self.view.store, key, default, kind)

    def _set_preference(self, key: str, value: Any) -> None:
        if self.view.store is not None:
            try:
                self.view.store.set_preference(key, value)
            except STORE_ERRORS as exc:
                log.warning("history preference %s not saved: %s", key, exc)

    def _error(self, title: str, message: str) -> None:
        self.view.dialogs.error(title, message)
