"""The "Other machines" panel: its runner hook, and the workers table fed by worker_status events."""
import os
import time
from pathlib import Path

from PySide6.QtWidgets import QVBoxLayout, QWidget

from app.core.search.events import make_event
from app.gui.training import workers_panel as wp

# Like the window's screenshots: saved only when asked for, so a test run leaves docs/ untouched.
SHOTS = os.environ.get("TUNESTUDIO_SCREENSHOTS")


def status(name, **fields):
    return make_event("worker_status", worker=name, **{"host": "box", "device": "CPU: test", "status": "idle",
                                                         "trial_id": None, "number": None,
                                                         "last_seen": time.time(), **fields})


def test_sharing_off_keeps_the_local_runner(qtbot):
    panel = wp.WorkersPanel()
    qtbot.addWidget(panel)
    local = object()
    assert panel.wrap_runner(local) is local
    panel.show()
    assert not panel.warning.isVisible() and not panel.settings.isVisible()


def test_sharing_on_runs_the_search_as_chief_with_the_settings(qtbot, monkeypatch):
    panel = wp.WorkersPanel()
    qtbot.addWidget(panel)
    panel.show()
    panel.enabled_box.setChecked(True)
    panel.host_edit.setText("0.0.0.0")
    panel.port_spin.setValue(9123)
    panel.token_edit.setText("s3cret")
    panel.local_spin.setValue(2)
    assert panel.warning.isVisible() and "needs a token" in panel.warning.text()
    assert "--chief 127.0.0.1:9123 --token" in panel.command.text()
    calls = []
    import app.core.distributed.chief as chief

    monkeypatch.setattr(chief, "run_distributed_search", lambda config, listener, **kw: calls.append(kw) or {"ok": 1})
    runner = panel.wrap_runner(None)
    assert runner("CONFIG", print, cancel=None, search_dir="/s", resume=True) == {"ok": 1}
    assert len(calls[0].pop("tls")["fingerprint"]) == 64  # beyond loopback: TLS, certificate made once
    assert calls == [{"cancel": None, "search_dir": "/s", "resume": True, "host": "0.0.0.0", "port": 9123,
                      "token": "s3cret", "local_workers": 2}]
    panel.token_edit.setText("")
    final = panel.wrap_runner(None)("CONFIG", print, cancel=None, search_dir="/s", resume=False)
    assert final["status"] == "failed" and "--token" in final["error"] and len(calls) == 1


def test_workers_table_follows_worker_status_events(qtbot):
    panel = wp.WorkersPanel()
    qtbot.addWidget(panel)
    panel.resize(900, 330)
    panel.show()
    panel.enabled_box.setChecked(True)
    panel.handle_event(make_event("search_started", distributed=True, chief_address="192.168.1.5:8765",
                                  token_required=True))
    assert panel.table.isVisible() and not panel.settings.isEnabled() and not panel.enabled_box.isEnabled()
    assert "Anyone who can reach 192.168.1.5:8765 can join this search if they know the token" in panel.warning.text()
    assert "--chief 192.168.1.5:8765 --token TOKEN" in panel.command.text()
    panel.handle_event(status("lab-pc-1", status="training", trial_id="3", number=4, device="GPU 0: RTX 4090"))
    panel.handle_event(status("lab-pc-2", status="idle", last_seen=time.time() - 30))
    panel.handle_event(status("lab-pc-1", status="training", trial_id="5", number=6, device="GPU 0: RTX 4090"))
    panel.handle_event(status("old-laptop", status="lost", trial_id=None, last_seen=time.time() - 75))
    rows = [[panel.table.item(r, c).text() for c in range(len(wp.COLUMNS))] for r in range(panel.table.rowCount())]
    assert [r[0] for r in rows] == ["lab-pc-1", "lab-pc-2", "old-laptop"]
    assert rows[0][2:5] == ["GPU 0: RTX 4090", "training", "#6"]
    assert rows[1][5] == "30 s ago" and rows[2][3] == "lost"
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        panel.grab().save(str(Path(SHOTS) / "panel_workers.png"))
    panel.handle_event(make_event("search_finished", status="completed"))
    assert panel.settings.isEnabled()
    panel.handle_event(make_event("search_started", distributed=False))
    assert not panel.group.isVisible()
    panel.reset()
    assert panel.table.rowCount() == 0 and not panel.table.isVisible()


def test_after_a_search_the_settings_come_back_when_the_page_is_hidden_not_under_the_plots(qtbot, monkeypatch):
    monkeypatch.setattr(wp, "SETTINGS_BACK_MS", 50)
    page = QWidget()
    panel = wp.WorkersPanel(page)
    QVBoxLayout(page).addWidget(panel)
    qtbot.addWidget(page)
    page.show()
    panel.handle_event(make_event("search_started", distributed=False))
    assert not panel.group.isVisible()
    panel.handle_event(make_event("search_finished", status="completed"))
    assert not panel.group.isVisibleTo(panel)  # the shown page does not move at the search's end
    page.hide()  # the window opens the Results tab
    assert panel.group.isVisibleTo(panel)
    # On a page that stays shown (a stopped search), they come back after a while.
    page.show()
    panel.handle_event(make_event("search_started", distributed=False))
    panel.handle_event(make_event("search_finished", status="cancelled"))
    assert not panel.group.isVisibleTo(panel)
    qtbot.waitUntil(lambda: panel.group.isVisibleTo(panel), timeout=2000)
    # A search started meanwhile keeps them hidden.
    panel.handle_event(make_event("search_finished", status="cancelled"))
    panel.handle_event(make_event("search_started", distributed=False))
    qtbot.wait(120)
    assert not panel.group.isVisibleTo(panel)
