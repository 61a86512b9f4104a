"""The Training tab's "Other machines" panel: share the next search with workers, and see them.

Settings (used when the next search starts): whether other machines may train its trials, the
address and port the chief listens on, an optional token, and how many workers train on this
machine. While a distributed search runs, a table lists every worker from the chief's
``worker_status`` events: name, host, device, status, the trial it runs and when it was last
heard from. Like the other live panels it follows the search through its hooks (``handle_event``
dispatches an event to them).

``wrap_runner(runner)`` is the window's single hook for starting searches: unchanged when
sharing is off, otherwise a runner that makes this process the chief.
"""
from __future__ import annotations

import secrets
import time
from functools import partial

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, QTimer
from PySide6.QtWidgets import (QCheckBox, QFormLayout, QGroupBox, QHBoxLayout, QHeaderView, QLabel,
                               QLineEdit, QPushButton, QSpinBox, QTableWidgetItem,
                               QVBoxLayout, QWidget)

from app.core.distributed import DEFAULT_PORT
from app.core.search.events import SearchListener, dispatch
from app.gui.text import core_text
from app.gui.widgets.widget_kit import read_only_table

SETTINGS_BACK_MS = 5000  # after a search the sharing settings return when hidden, or this much later
COLUMNS = ("Worker", "Host", "Device", "Status", "Trial", "Last seen")
COLUMN_TITLES = (QT_TRANSLATE_NOOP("WorkersPanel", "Worker"), QT_TRANSLATE_NOOP("WorkersPanel", "Host"),
                 QT_TRANSLATE_NOOP("WorkersPanel", "Device"), QT_TRANSLATE_NOOP("WorkersPanel", "Status"),
                 QT_TRANSLATE_NOOP("WorkersPanel", "Trial"), QT_TRANSLATE_NOOP("WorkersPanel", "Last seen"))
WARNING = QT_TRANSLATE_NOOP(
    "WorkersPanel", "127.0.0.1 keeps the search to this machine. Another address opens it to that network: "
    "it then needs a token, and the connection is encrypted; workers check this machine's certificate "
    "by the fingerprint shown when the search starts.")


def _tr(text: str) -> str:
    return QCoreApplication.translate("WorkersPanel", text)


def _ago(seconds: float) -> str:
    if seconds < 2:
        return QCoreApplication.translate("WorkersPanel", "just now")
    if seconds < 120:
        return QCoreApplication.translate("WorkersPanel", "{seconds} s ago").format(seconds=f"{seconds:.0f}")
    return QCoreApplication.translate("WorkersPanel", "{minutes} min ago").format(minutes=f"{seconds / 60:.0f}")


def distributed_runner(host: str, port: int, token: str | None, local_workers: int,
                       config, listener, cancel=None, search_dir=None, resume=False) -> dict:
    """The window's runner for a shared search (imported on first use: gRPC loads only then).
    Beyond loopback the channel is TLS; a missing token fails the search with the reason."""
    from app.core.distributed import security
    from app.core.distributed.chief import run_distributed_search
    from app.core.search.events import FAILED, SEARCH_FINISHED, make_event
    from app.core.util.paths import home

    try:
        tls = None if security.is_loopback(host) else security.chief_certificate(home() / "tls")
        security.check_chief(host, token, tls)
        return run_distributed_search(config, listener, cancel=cancel, search_dir=search_dir, resume=resume,
                                      host=host, port=port, token=token, local_workers=local_workers, tls=tls)
    except security.SecurityError as exc:
        return make_event(SEARCH_FINISHED, status=FAILED, error=str(exc), best_trial_id=None, best_score=None,
                          best_hyperparameters={}, trials=[], duration=None, search_dir=search_dir)


class WorkersPanel(QWidget, SearchListener):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("workersPanel")
        self._workers: dict[str, dict] = {}
        self._running = False  # between search_started and search_finished
        self._settings_pending = False  # the settings come back after a search (on_search_finished)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

        self.group = QGroupBox(self.tr("Other machines"))
        self.group.setObjectName("workersGroup")
        form = QFormLayout(self.group)
        self.enabled_box = QCheckBox(self.tr("Let other machines train trials of the next search (distributed search)"))
        self.enabled_box.setObjectName("distributedEnabled")
        form.addRow(self.enabled_box)
        self.settings = QWidget()
        row = QHBoxLayout(self.settings)
        row.setContentsMargins(0, 0, 0, 0)
        self.host_edit = QLineEdit("127.0.0.1")
        self.host_edit.setObjectName("chiefHost")
        self.host_edit.setToolTip(self.tr("The address to listen on: 127.0.0.1 (this machine only), this machine's "
                                          "address on the "
                                          "network, or 0.0.0.0 (every network)"))
        self.port_spin = QSpinBox()
        self.port_spin.setObjectName("chiefPort")
        self.port_spin.setRange(1, 65535)
        self.port_spin.setValue(DEFAULT_PORT)
        self.token_edit = QLineEdit()
        self.token_edit.setObjectName("chiefToken")
        self.token_edit.setPlaceholderText(self.tr("optional token"))
        self.token_edit.setEchoMode(QLineEdit.EchoMode.PasswordEchoOnEdit)
        generate = QPushButton(self.tr("New token"))
        generate.setObjectName("newToken")
        generate.clicked.connect(lambda: self.token_edit.setText(secrets.token_urlsafe(16)))
        self.local_spin = QSpinBox()
        self.local_spin.setObjectName("localWorkers")
        self.local_spin.setRange(0, 16)
        self.local_spin.setValue(1)
        self.local_spin.setToolTip(self.tr("Workers that train on this machine too (each is its own training process)"))
        for label, widget in ((self.tr("Listen on"), self.host_edit), (":", self.port_spin),
                              (self.tr("Token"), self.token_edit), (None, generate),
                              (self.tr("Workers here"), self.local_spin)):
            if label:
                row.addWidget(QLabel(label))
            row.addWidget(widget)
        form.addRow(self.settings)
        self.warning = QLabel(_tr(WARNING))
        self.warning.setObjectName("distributedWarning")
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("color: #8a4b00;")
        form.addRow(self.warning)
        self.command = QLabel()
        self.command.setObjectName("workerCommand")
        self.command.setWordWrap(True)
        self.command.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow(self.command)
        layout.addWidget(self.group)

        self.table = read_only_table("workersTable", [_tr(c) for c in COLUMN_TITLES])
        self.table.horizontalHeader().setSectionResizeMode(COLUMNS.index("Device"), QHeaderView.ResizeMode.Stretch)
        self.table.setMaximumHeight(150)
        self.table.hide()
        layout.addWidget(self.table)

        self._ticker = QTimer(self)
        self._ticker.setInterval(1000)
        self._ticker.timeout.connect(self._refresh_ages)
        for signal in (self.enabled_box.toggled, self.host_edit.textChanged, self.port_spin.valueChanged,
                       self.token_edit.textChanged):
            signal.connect(self._update_texts)
        self._update_texts()

    # ------------------------------------------------------------------ settings

    @property
    def sharing(self) -> bool:
        return self.enabled_box.isChecked()

    def host(self) -> str:
        return self.host_edit.text().strip() or "127.0.0.1"

    def _update_texts(self) -> None:
        on = self.sharing
        self.warning.setText(_tr(WARNING))
        self.settings.setVisible(on)
        self.warning.setVisible(on)
        self.command.setVisible(on)
        from app.core.distributed.protocol import connect_host, join_address

        address = join_address(connect_host(self.host()), self.port_spin.value())
        token = " --token TOKEN" if self.token_edit.text().strip() else ""
        self.command.setText(self.tr("On each other machine: <code>tunestudio worker --chief {address}{token}</code> "
                                     "(it must "
                                     "see the search folder at the same path, and the images).").format(
                                         address=address, token=token))

    def _lock(self, running: bool) -> None:
        """Settings apply to the next search: fixed while one runs."""
        self.enabled_box.setEnabled(not running)
        self.settings.setEnabled(not running)

    def wrap_runner(self, runner):
        """``runner`` as it is, or, with sharing on, a runner that makes this window the chief."""
        if not self.sharing:
            return runner
        return partial(distributed_runner, self.host(), self.port_spin.value(),
                       self.token_edit.text().strip() or None, self.local_spin.value())

    # ------------------------------------------------------------------ live

    def reset(self) -> None:
        self._running = False
        self._settings_pending = False
        self._workers.clear()
        self.table.setRowCount(0)
        self.table.hide()
        self.group.setVisible(True)
        self._lock(False)
        self._ticker.stop()

    def handle_event(self, event: dict) -> None:
        dispatch(event, self)

    def on_search_started(self, event: dict) -> None:  # SearchModel hooks (app.core.search.events.HOOKS)
        self._running = True
        self._settings_pending = False
        distributed = bool(event.get("distributed"))
        self.table.setVisible(distributed)
        self.group.setVisible(distributed)  # a local search has nothing to show here
        self._lock(True)
        if distributed:
            token = event.get("token_required")
            pin = f" --fingerprint {event['tls_fingerprint']}" if event.get("tls_fingerprint") else ""
            self.command.setText(self.tr("Workers join with <code>tunestudio worker --chief "
                                         "{chief_address}{value2}</code>").format(
                                             chief_address=event.get('chief_address'),
                                             value2=pin + (' --token TOKEN' if token else '')))
            self.warning.setText(self.tr("Anyone who can reach {chief_address} can join this search{value3}.").format(
                chief_address=event.get('chief_address'),
                value3=self.tr(' if they know the token') if token else ''))
            self.command.setVisible(True)
            self._ticker.start()

    def on_search_finished(self, event: dict) -> None:
        self._lock(False)
        self._ticker.stop()
        self._update_texts()
        # The settings come back once this page is hidden (a completed search opens the Results tab
        # once its child process has ended): showing the group on the visible Training page would
        # move and repaint that whole page (plots, tables: 15-20 ms) just before it is hidden, and
        # the plots would jump. On a page the user stays on (a stopped search), after a while.
        self._running = False
        self._settings_pending = True
        if not self.isVisible():
            self._show_settings_when_idle()
        else:
            QTimer.singleShot(SETTINGS_BACK_MS, self, self._show_settings_when_idle)

    def hideEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().hideEvent(event)
        if self._settings_pending:
            self._show_settings_when_idle()

    def _show_settings_when_idle(self) -> None:
        if self._settings_pending:  # on_search_started clears it: not when another search has started
            self._settings_pending = False
            self.group.setVisible(True)

    def on_worker_status(self, event: dict) -> None:
        if event.get("worker"):
            self._workers[str(event["worker"])] = event
            self._render()

    def _render(self) -> None:
        self.table.setRowCount(len(self._workers))
        for row, name in enumerate(sorted(self._workers)):
            w = self._workers[name]
            trial = f"#{w['number']}" if w.get("number") else (str(w["trial_id"]) if w.get("trial_id") else "")
            values = (name, w.get("host") or "", w.get("device") or "", core_text.status_word(w.get("status")), trial,
                      _ago(time.time() - float(w.get("last_seen") or time.time())))
            for col, text in enumerate(values):
                item = self.table.item(row, col)
                if item is None:
                    item = QTableWidgetItem()
                    self.table.setItem(row, col, item)
                item.setText(text)

    def _refresh_ages(self) -> None:
        last = COLUMNS.index("Last seen")
        for row, name in enumerate(sorted(self._workers)):
            item = self.table.item(row, last)
            if item is not None:
                item.setText(_ago(time.time() - float(self._workers[name].get("last_seen") or time.time())))
