"""TuneStudio's main window: choose a folder, set options, run the search, watch it, export.

The window only drives the core: scanning, searching and exporting run off the GUI thread
(``SearchWorker`` on its own QThread for the search, the thread pool for short jobs), and every
result comes back as plain Python data through signals. TensorFlow is never imported here.
"""
from __future__ import annotations

import html
import math
import time
from importlib import metadata
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QElapsedTimer, QEvent, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QApplication, QFileDialog, QFrame, QHBoxLayout, QHeaderView, QInputDialog, QLabel, QMainWindow, QMessageBox,
    QProgressBar, QPushButton, QScrollArea, QSizePolicy, QSplitter, QStyle, QTableWidget, QTableWidgetItem,
    QTabWidget, QVBoxLayout, QWidget,
)

from app.core import paths
from app.core.config import ARCHITECTURES, TUNERS, ConfigError, SearchConfig
from app.core.dataset import DatasetError, ScanReport
from app.gui import settings
from app.gui.dataset_panel import DatasetPanel
from app.gui.options_panel import OptionsPanel
from app.gui.worker import Runner, SearchWorker, run_in_background, start_search_thread

STATUS_REFRESH_MS = 1000
MAX_NOTICES_SHOWN = 4
QUIT_WAIT_MS = 60000  # the core kills a child that ignores cancel after 30 s
# Built by build_deferred_tabs() when the window was made with defer_heavy_tabs=True; reading any
# of them before that builds them at once (see MainWindow.__getattr__).
DEFERRED_ATTRIBUTES = frozenset({
    "curves_panel", "confusion_view", "trial_table", "_live_panels", "notice_label", "summary_label",
    "best_hp_table", "best_confusion_view", "best_curves", "results_export_button", "export_label",
    "history_view",
})


DEFERRED_BUILD_FALLBACK_MS = 3000


class _FirstPaintWatcher(QObject):
    """Calls ``callback`` (on a later event-loop turn) when the watched widget is first painted."""

    def __init__(self, parent: QObject, callback: Callable[[], None]):
        super().__init__(parent)
        self._callback = callback

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self._callback)
            self.deleteLater()
        return False


class _PendingPanel(QLabel):
    """Stands in for a live panel whose module is not available (keeps the layout and names)."""

    def __init__(self, object_name: str, what: str):
        super().__init__(f"{what} is not available in this build.")
        self.setObjectName(object_name)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setStyleSheet("color: #777;")

    def handle_event(self, event: dict) -> None:
        pass

    def reset(self) -> None:
        pass


def _live_panel(module: str, class_name: str, object_name: str, what: str) -> QWidget:
    try:
        mod = __import__(f"app.gui.{module}", fromlist=[class_name])
        return getattr(mod, class_name)()
    except (ImportError, AttributeError):
        return _PendingPanel(object_name, what)


def _format_duration(seconds: float | None) -> str:
    if seconds is None or not math.isfinite(seconds) or seconds < 0:
        return "–"
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def _format_value(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def package_versions() -> dict[str, str]:
    """Versions for the About box, read from package metadata (no TensorFlow import)."""
    from PySide6 import __version__ as pyside_version
    from PySide6.QtCore import qVersion

    out = {}
    for label, dist in (("TensorFlow", "tensorflow"), ("Keras", "keras"), ("Keras Tuner", "keras-tuner"),
                        ("pyqtgraph", "pyqtgraph")):
        try:
            out[label] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[label] = "not installed"
    out["Qt"] = qVersion()
    out["PySide6"] = pyside_version
    import platform

    out["Python"] = platform.python_version()
    return out


def probe_devices_in_child(timeout: float = 180.0) -> dict:
    """``app.core.devices.describe_devices()`` run in a spawned child process (blocking)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from app.core.devices import describe_devices

    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(describe_devices).result(timeout=timeout)


class SearchProgress:
    """Plain bookkeeping of a running search for the status line: trial k of N, epoch, ETA."""

    def __init__(self) -> None:
        self.max_trials: int | None = None
        self.trial_number = 0
        self.trials_done = 0
        self.epoch = 0
        self.epochs = 0
        self.batch_fraction = 0.0
        self.trial_started_at: float | None = None
        self.trial_durations: list[float] = []
        self.completed_before = 0

    def handle_event(self, event: dict) -> None:
        kind = event.get("type")
        if kind == "search_started":
            self.max_trials = event.get("max_trials") or None
            self.completed_before = int(event.get("completed_trials") or 0)
            self.trials_done = self.completed_before
        elif kind == "trial_started":
            self.trial_number = int(event.get("number") or self.trials_done + 1)
            self.epoch, self.batch_fraction = 0, 0.0
            self.trial_started_at = time.monotonic()
        elif kind == "batch_ended":
            steps = max(int(event.get("steps") or 1), 1)
            self.epoch = int(event.get("epoch") or 0)
            self.batch_fraction = min((int(event.get("batch") or 0) + 1) / steps, 1.0)
        elif kind == "epoch_ended":
            self.epoch = int(event.get("epoch") or 0) + 1
            self.epochs = int(event.get("epochs") or self.epochs or 0)
            self.batch_fraction = 0.0
        elif kind == "trial_ended":
            self.trials_done += 1
            duration = event.get("duration")
            if isinstance(duration, (int, float)) and math.isfinite(duration):
                self.trial_durations.append(float(duration))
            self.trial_started_at = None

    def trial_fraction(self) -> float:
        """How much of the running trial is done (0 to 1), from epochs and batches."""
        if self.trial_started_at is None or not self.epochs:
            return 0.0
        return min((self.epoch + self.batch_fraction) / self.epochs, 1.0)

    def overall_fraction(self) -> float | None:
        if not self.max_trials:
            return None
        running = self.trial_fraction() if self.trial_started_at is not None else 0.0
        return min((self.trials_done + running) / self.max_trials, 1.0)

    def eta_seconds(self) -> float | None:
        if not self.max_trials:
            return None
        now = time.monotonic()
        fraction = self.trial_fraction()
        current_left = 0.0
        per_trial = sum(self.trial_durations) / len(self.trial_durations) if self.trial_durations else None
        if self.trial_started_at is not None:
            spent = now - self.trial_started_at
            if fraction > 0.05:
                estimate = spent / fraction
                per_trial = per_trial or estimate
                current_left = max(estimate - spent, 0.0)
            elif per_trial is not None:
                current_left = max(per_trial - spent, 0.0)
            else:
                return None
        if per_trial is None:
            return None
        running = 1 if self.trial_started_at is not None else 0
        later = max(self.max_trials - self.trials_done - running, 0)
        return current_left + later * per_trial

    def text(self, elapsed: float) -> str:
        parts = []
        if self.trial_number:
            of = f" of {self.max_trials}" if self.max_trials else ""
            parts.append(f"Trial {self.trial_number}{of}")
        if self.epochs and self.trial_started_at is not None:
            parts.append(f"epoch {min(self.epoch + 1, self.epochs)}/{self.epochs}")
        parts.append(f"elapsed {_format_duration(elapsed)}")
        eta = self.eta_seconds()
        if eta is not None:
            parts.append(f"ETA {_format_duration(eta)}")
        return " · ".join(parts)


class MainWindow(QMainWindow):
    """The TuneStudio window.

    ``runner`` replaces the real search runner and ``device_probe`` the TensorFlow device query
    (tests pass fakes); both default to the real ones.
    """

    search_state_changed = Signal(str)  # "running", "stopping", "idle"
    export_finished = Signal(dict)

    def __init__(self, runner: Runner | None = None, parent: QWidget | None = None,
                 device_probe: Callable[[], dict] | None = None, defer_heavy_tabs: bool = False):
        """``defer_heavy_tabs``: leave the pyqtgraph-based content (Training, Results and History
        tabs, the dataset bar chart) for :meth:`build_deferred_tabs`, so the window can show
        before pyqtgraph is imported. ``run_app`` uses it; by default everything is built here."""
        super().__init__(parent)
        self._heavy_tabs_pending = defer_heavy_tabs
        self._device_probe = device_probe
        self.setObjectName("mainWindow")
        self.setWindowTitle("TuneStudio")
        self.setAcceptDrops(True)
        self._runner = runner
        self.worker: SearchWorker | None = None
        self.thread = None
        self.search_dir: str | None = None
        self.final_event: dict | None = None
        self.last_export: dict | None = None
        self.errors_shown: list[tuple[str, str]] = []  # (title, text) of every error dialog, for tests
        self._message_boxes: list[QMessageBox] = []
        self._resumable: list[dict] = []
        self._trial_events: dict[str, dict] = {}
        self._live_trial_ids: set[str] = set()
        self._launch_count = 0
        self._notices: list[str] = []
        self._classes: list[str] = []
        self._objective = "val_accuracy"
        self._close_when_stopped = False
        self._start_when_scanned = False
        self._error_reported = False
        self._saw_final_event = False
        self._device_requested = False
        self.device: dict | None = None
        self.progress = SearchProgress()
        self._elapsed = QElapsedTimer()
        self._status_timer = QTimer(self)
        self._status_timer.setInterval(STATUS_REFRESH_MS)
        self._status_timer.timeout.connect(self._refresh_status)
        # Hooks tests replace so nothing modal blocks them.
        self.confirm: Callable[[str, str], bool] = self._ask_yes_no
        self.choose_export_folder: Callable[[], str] = self._ask_export_folder
        self.choose_resumable: Callable[[list[dict]], dict | None] = self._ask_resumable

        self._build_actions()
        self._build_ui()
        self._build_menus()
        self._restore_settings()
        self._set_state("idle")
        QTimer.singleShot(0, self._look_for_resumable)
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self._on_about_to_quit)

    def __getattr__(self, name: str):
        # Only reached when normal lookup fails: a deferred widget read before the deferred build
        # (e.g. a search started at once) builds it now rather than failing.
        if name in DEFERRED_ATTRIBUTES and vars(self).get("_heavy_tabs_pending"):
            self.build_deferred_tabs()
            return vars(self)[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    # ------------------------------------------------------------------ construction

    def build_deferred_tabs(self) -> None:
        """Build what ``defer_heavy_tabs`` left out (imports pyqtgraph); does nothing when built."""
        if not vars(self).get("_heavy_tabs_pending"):
            return
        self._heavy_tabs_pending = False
        for label in self._loading_labels:
            label.hide()
            label.deleteLater()
        self._loading_labels = []
        self.dataset_panel.build_chart()
        self._build_training_content(self._training_layout)
        self._build_results_content(self.results_page)
        if self._build_history_view(self._history_scroll) is None:
            unavailable = QLabel("History is not available in this build.")
            unavailable.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self._history_scroll.setWidget(unavailable)
        self.results_export_button.setEnabled(self.export_action.isEnabled())

    def build_deferred_tabs_after_paint(self) -> None:
        """Run :meth:`build_deferred_tabs` once the window has been painted (two event-loop turns
        after its first paint, so the paint reaches the screen first)."""
        if vars(self).get("_heavy_tabs_pending"):
            self.installEventFilter(_FirstPaintWatcher(self, self._build_deferred_next_turn))
            # A window that is never painted (shown minimised) still gets its tabs.
            QTimer.singleShot(DEFERRED_BUILD_FALLBACK_MS, self.build_deferred_tabs)

    def _build_deferred_next_turn(self) -> None:
        QTimer.singleShot(0, self.build_deferred_tabs)

    def _loading_label(self, layout: QVBoxLayout) -> None:
        label = QLabel("Loading…")
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setStyleSheet("color: #777;")
        layout.addWidget(label, 1)
        self._loading_labels.append(label)

    def _build_actions(self) -> None:
        style = self.style()
        self.open_action = QAction(style.standardIcon(QStyle.StandardPixmap.SP_DirOpenIcon), "&Open Folder…", self)
        self.open_action.setShortcut(QKeySequence.StandardKey.Open)
        self.open_action.setStatusTip("Choose an image folder to train on")
        self.open_action.triggered.connect(self._on_open_folder)

        self.start_action = QAction(style.standardIcon(QStyle.StandardPixmap.SP_MediaPlay), "&Start Search", self)
        self.start_action.setShortcut(QKeySequence("Ctrl+R"))
        self.start_action.triggered.connect(self.start_search)

        self.stop_action = QAction(style.standardIcon(QStyle.StandardPixmap.SP_MediaStop), "S&top Search", self)
        self.stop_action.setShortcuts([QKeySequence("Ctrl+."), QKeySequence(Qt.Key.Key_Escape)])
        self.stop_action.triggered.connect(self.stop_search)

        self.resume_action = QAction(style.standardIcon(QStyle.StandardPixmap.SP_BrowserReload), "&Resume Search…", self)
        self.resume_action.setShortcut(QKeySequence("Ctrl+Shift+R"))
        self.resume_action.triggered.connect(lambda: self.resume_search())

        self.export_action = QAction(style.standardIcon(QStyle.StandardPixmap.SP_DialogSaveButton), "&Export Model…", self)
        self.export_action.setShortcut(QKeySequence("Ctrl+E"))
        self.export_action.triggered.connect(self.export_model)

        self.quit_action = QAction("&Quit", self)
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        if self.quit_action.shortcut().isEmpty():
            self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.quit_action.triggered.connect(self.close)

        self.about_action = QAction("&About TuneStudio", self)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.about_action.triggered.connect(self.show_about)
        for action in (self.open_action, self.start_action, self.stop_action, self.resume_action,
                       self.export_action, self.quit_action):
            self.addAction(action)  # shortcuts work even with the menu bar hidden

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        file_menu.addAction(self.open_action)
        file_menu.addAction(self.export_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        search_menu = self.menuBar().addMenu("&Search")
        search_menu.addAction(self.start_action)
        search_menu.addAction(self.stop_action)
        search_menu.addAction(self.resume_action)
        from app.gui.playbook_menu import install_playbook_menu

        install_playbook_menu(self)  # LR finder, mislabels, gallery, ensemble, distillation, k-fold
        help_menu = self.menuBar().addMenu("&Help")
        help_menu.addAction(self.about_action)

    def _button(self, action: QAction, object_name: str, text: str, primary: bool = False) -> QPushButton:
        button = QPushButton(action.icon(), text)
        button.setObjectName(object_name)
        button.setToolTip(f"{action.text().replace('&', '').rstrip('…')} ({action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)})")
        button.clicked.connect(action.trigger)
        button.setMinimumHeight(30)
        if primary:
            button.setDefault(False)
            button.setStyleSheet(
                "QPushButton { background: #1f6feb; color: white; border: none; border-radius: 4px;"
                " padding: 4px 18px; font-weight: 600; }"
                "QPushButton:hover { background: #388bfd; }"
                "QPushButton:disabled { background: #a9c4ee; color: #eef3fb; }")
        return button

    def _build_ui(self) -> None:
        self.dataset_panel = DatasetPanel(defer_chart=self._heavy_tabs_pending)
        self.dataset_panel.scan_finished.connect(self._on_scan_finished)
        self.dataset_panel.scan_failed.connect(self._on_scan_failed)
        self.options_panel = OptionsPanel()
        self.options_panel.sample_paths_provider = self.dataset_panel.sample_paths
        # The device query loads TensorFlow (in a child): only when someone looks at the hardware
        # options before a search, never at start-up; a search reports its own device.
        self.options_panel.tabs.currentChanged.connect(self._on_option_tab_changed)

        # Action bar: the few buttons that drive everything.
        self.start_button = self._button(self.start_action, "startButton", "Start", primary=True)
        self.stop_button = self._button(self.stop_action, "stopButton", "Stop")
        self.resume_button = self._button(self.resume_action, "resumeButton", "Resume…")
        self.export_button = self._button(self.export_action, "exportButton", "Export…")
        self.device_label = QLabel("Device: shown when training starts")
        self.device_label.setObjectName("deviceLabel")
        self.device_label.setStyleSheet("color: #555;")
        action_bar = QHBoxLayout()
        action_bar.setContentsMargins(8, 6, 8, 2)
        for button in (self.start_button, self.stop_button, self.resume_button, self.export_button):
            action_bar.addWidget(button)
        action_bar.addSpacing(12)
        self.options_toggle = QPushButton("Options")
        self.options_toggle.setObjectName("optionsToggle")
        self.options_toggle.setCheckable(True)
        self.options_toggle.setChecked(True)
        self.options_toggle.setToolTip("Show or hide the options column (hidden while a search runs, "
                                       "to give the live views room)")
        self.options_toggle.toggled.connect(self._set_options_visible)
        action_bar.addWidget(self.options_toggle)
        action_bar.addStretch(1)
        action_bar.addWidget(self.device_label)

        training_page = QWidget()
        self._training_layout = QVBoxLayout(training_page)
        self._training_layout.setContentsMargins(4, 4, 4, 4)
        self.results_page = QWidget()
        self._loading_labels: list[QLabel] = []
        if self._heavy_tabs_pending:
            self._loading_label(self._training_layout)
            self._loading_label(QVBoxLayout(self.results_page))
        else:
            self._build_training_content(self._training_layout)
            self._build_results_content(self.results_page)

        self.view_tabs = QTabWidget()
        self.view_tabs.setObjectName("viewTabs")
        self.dataset_tab_index = self.view_tabs.addTab(self.dataset_panel, "1 · Dataset")
        self.training_tab_index = self.view_tabs.addTab(training_page, "2 · Training")
        self.results_tab_index = self.view_tabs.addTab(self.results_page, "3 · Results")
        if self._heavy_tabs_pending:
            self._history_scroll = self._new_history_scroll()
            loading = QLabel("Loading…")
            loading.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self._history_scroll.setWidget(loading)
            self.view_tabs.addTab(self._history_scroll, "History")
        else:
            history_scroll = self._build_history_view(None)
            if history_scroll is not None:
                self.view_tabs.addTab(history_scroll, "History")

        options_frame = self.options_frame = QFrame()
        options_frame.setObjectName("optionsFrame")
        options_layout = QVBoxLayout(options_frame)
        options_layout.setContentsMargins(8, 4, 4, 4)
        options_title = QLabel("<b>Options</b>")
        options_layout.addWidget(options_title)
        options_layout.addWidget(self.options_panel, 1)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(options_frame)
        self.splitter.addWidget(self.view_tabs)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        options_frame.setMinimumWidth(340)
        self.splitter.setSizes([400, 880])
        self.view_tabs.currentChanged.connect(self._on_view_tab_changed)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 4, 0)
        layout.setSpacing(2)
        layout.addLayout(action_bar)
        layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)

        self.status_label = QLabel("Ready.")
        self.status_label.setObjectName("statusText")
        self.progress_bar = QProgressBar()
        self.progress_bar.setObjectName("progressBar")
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.setValue(0)
        self.progress_bar.setFormat("%p%")
        self.progress_bar.setFixedWidth(220)
        self.progress_bar.setAccessibleName("Search progress")
        self.statusBar().addWidget(self.status_label, 1)
        self.statusBar().addPermanentWidget(self.progress_bar)

    def _build_training_content(self, training_layout: QVBoxLayout) -> None:
        # Live panels (another engineer's widgets; each consumes events via handle_event).
        self.curves_panel = _live_panel("curves_panel", "CurvesPanel", "curvesPlot", "Live curves")
        self.confusion_view = _live_panel("confusion_view", "ConfusionView", "confusionView", "Confusion matrix")
        self.trial_table = _live_panel("trial_table", "TrialTable", "trialTable", "Trial table")
        self._live_panels = (self.curves_panel, self.confusion_view, self.trial_table)
        # Clicking a trial anywhere shows it everywhere.
        trial_clicked = getattr(self.curves_panel, "trialClicked", None)
        if trial_clicked is not None and hasattr(self.trial_table, "select_trial"):
            trial_clicked.connect(self.trial_table.select_trial)
        trial_selected = getattr(self.trial_table, "trialSelected", None)
        if trial_selected is not None:
            trial_selected.connect(self._on_trial_selected)

        self.notice_label = QLabel()
        self.notice_label.setObjectName("noticeLabel")
        self.notice_label.setWordWrap(True)
        self.notice_label.setStyleSheet("background: #fff4d6; color: #5c4400; padding: 4px 8px; border-radius: 3px;")
        self.notice_label.hide()

        live_top = QSplitter(Qt.Orientation.Horizontal)
        live_top.setObjectName("liveSplitter")
        live_top.addWidget(self.curves_panel)
        live_top.addWidget(self.confusion_view)
        live_top.setStretchFactor(0, 1)
        live_top.setStretchFactor(1, 1)
        live_top.setSizes([620, 650])  # the matrix and its per-class table need the room
        live_top.setChildrenCollapsible(False)
        live = QSplitter(Qt.Orientation.Vertical)
        live.setObjectName("trainingSplitter")
        live.addWidget(live_top)
        live.addWidget(self.trial_table)
        live.setStretchFactor(0, 3)
        live.setStretchFactor(1, 2)
        live.setChildrenCollapsible(False)
        training_layout.addWidget(self.notice_label)
        training_layout.addWidget(live, 1)

    @staticmethod
    def _new_history_scroll() -> QScrollArea:
        # In a scroll area, so the history view's minimum width cannot force the whole window wider.
        history_scroll = QScrollArea()
        history_scroll.setObjectName("historyScroll")
        history_scroll.setWidgetResizable(True)
        history_scroll.setFrameShape(QFrame.Shape.NoFrame)
        return history_scroll

    def _build_history_view(self, history_scroll: QScrollArea | None) -> QScrollArea | None:
        """The history engineer's HistoryView (app/gui/history_view.py) in a scroll area, when present."""
        try:
            from app.gui.history_view import HistoryView

            self.history_view = HistoryView()
        except ImportError:
            self.history_view = None
            return None
        # Its own curves/confusion/trial widgets carry the live panels' names: keep those unique.
        for name in ("curvesPlot", "confusionView", "trialTable"):
            for widget in self.history_view.findChildren(QWidget, name):
                widget.setObjectName("history" + name[0].upper() + name[1:])
        history_scroll = history_scroll or self._new_history_scroll()
        history_scroll.setWidget(self.history_view)
        self.history_view.rerunRequested.connect(self._on_history_rerun)
        self.history_view.resumeRequested.connect(self._on_history_resume)
        return history_scroll

    def _build_results_content(self, page: QWidget) -> None:
        layout = page.layout() if page.layout() is not None else QVBoxLayout(page)
        layout.setContentsMargins(12, 10, 12, 10)
        self.summary_label = QLabel("No finished search yet. Start one, then the best trial is summarised here.")
        self.summary_label.setObjectName("bestTrialSummary")
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.summary_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.summary_label.setFont(font)
        layout.addWidget(self.summary_label)

        self.best_hp_table = QTableWidget(0, 2)
        self.best_hp_table.setObjectName("bestHyperparameters")
        self.best_hp_table.setHorizontalHeaderLabels(["Hyperparameter", "Value"])
        self.best_hp_table.verticalHeader().hide()
        self.best_hp_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.best_hp_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.best_hp_table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.best_hp_table.setAlternatingRowColors(True)

        self.best_confusion_view = _live_panel("confusion_view", "ConfusionView", "bestConfusionView",
                                               "Confusion matrix")
        self.best_confusion_view.setObjectName("bestConfusionView")
        self.best_curves = _live_panel("curves_panel", "CurvesPanel", "bestCurvesPlot", "Curves")
        self.best_curves.setObjectName("bestCurvesPlot")
        left = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(self.best_hp_table)
        left.addWidget(self.best_curves)
        left.setStretchFactor(0, 1)
        left.setStretchFactor(1, 2)
        left.setChildrenCollapsible(False)
        left.setSizes([210, 360])
        body = QSplitter(Qt.Orientation.Horizontal)
        body.addWidget(left)
        body.addWidget(self.best_confusion_view)
        body.setStretchFactor(0, 1)
        body.setStretchFactor(1, 1)
        body.setChildrenCollapsible(False)
        body.setSizes([540, 720])
        layout.addWidget(body, 1)

        export_box = QFrame()
        export_box.setObjectName("exportBox")
        export_box.setFrameShape(QFrame.Shape.StyledPanel)
        export_layout = QHBoxLayout(export_box)
        self.results_export_button = QPushButton(self.export_action.icon(), "Export best trial…")
        self.results_export_button.setObjectName("resultsExportButton")
        self.results_export_button.clicked.connect(self.export_model)
        self.export_label = QLabel("Export writes a SavedModel, a .keras file, labels.txt and a model card.")
        self.export_label.setObjectName("exportResult")
        self.export_label.setWordWrap(True)
        self.export_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.export_label.setOpenExternalLinks(True)
        self.export_label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        export_layout.addWidget(self.results_export_button)
        export_layout.addWidget(self.export_label, 1)
        layout.addWidget(export_box)

    def _on_option_tab_changed(self, index: int) -> None:
        if index == getattr(self.options_panel, "search_tab_index", -1):
            self._detect_device()

    def _set_options_visible(self, visible: bool) -> None:
        self.options_frame.setVisible(visible)
        if self.options_toggle.isChecked() != visible:
            self.options_toggle.setChecked(visible)

    def _on_view_tab_changed(self, index: int) -> None:
        if index != self.dataset_tab_index:
            self.build_deferred_tabs()  # someone looks before the idle-time build: build now
        # Choosing data goes with choosing options; the live views want the room.
        if index == self.dataset_tab_index and not self.is_running:
            self._set_options_visible(True)

    # ------------------------------------------------------------------ settings

    def _restore_settings(self) -> None:
        store = settings.open_settings()
        geometry = settings.read("window/geometry", store)
        if geometry.isEmpty() or not self.restoreGeometry(geometry):
            self.resize(1280, 800)
        self._keep_on_screen()
        splitter_state = settings.read("window/splitter", store)
        if not splitter_state.isEmpty():
            self.splitter.restoreState(splitter_state)
        data = settings.read_config_dict()
        if data:
            try:
                self.options_panel.set_config(SearchConfig.from_dict(data))
            except (ValueError, TypeError):
                pass  # settings from another version: keep the defaults

    def _keep_on_screen(self) -> None:
        """A window saved on a screen that is gone would open out of reach: move it back."""
        center = self.frameGeometry().center()
        if QGuiApplication.screenAt(center) is None:
            screen = QGuiApplication.primaryScreen()
            if screen is not None:
                available = screen.availableGeometry()
                self.resize(min(self.width(), available.width()), min(self.height(), available.height()))
                self.move(available.center() - self.rect().center())

    def save_settings(self) -> None:
        store = settings.open_settings()
        settings.write("window/geometry", self.saveGeometry(), store)
        settings.write("window/splitter", self.splitter.saveState(), store)
        config, _errors = self.options_panel.collect(self.dataset_panel.folder)
        if config is not None:
            settings.write("options/last_config", config.to_json(), store)
        if self.search_dir:
            settings.write("search/last_search_dir", self.search_dir, store)

    def open_initial_dataset(self) -> None:
        """Scan the last folder used, or the bundled sample data on a first run."""
        last = settings.read("dataset/last_folder")
        folder = last if last and Path(last).is_dir() else str(paths.sample_dataset_dir())
        if Path(folder).is_dir():
            self.dataset_panel.set_folder(folder)

    # ------------------------------------------------------------------ dataset

    def _on_open_folder(self) -> None:
        self.view_tabs.setCurrentIndex(self.dataset_tab_index)
        self.dataset_panel.browse()

    def dragEnterEvent(self, event) -> None:  # noqa: N802 - Qt override
        if self.is_running:  # the dataset cannot change under a running search
            event.ignore()
            return
        self.dataset_panel.dragEnterEvent(event)

    def dropEvent(self, event) -> None:  # noqa: N802 - Qt override
        if self.is_running:
            event.ignore()
            return
        self.view_tabs.setCurrentIndex(self.dataset_tab_index)
        self.dataset_panel.dropEvent(event)

    def _on_scan_finished(self, report: ScanReport) -> None:
        if self._start_when_scanned:
            self._start_when_scanned = False
            if not self.is_running and self.start_search():
                return
        name = Path(report.root).name
        self.setWindowTitle(f"{name} – TuneStudio")
        if not self.is_running:
            self.status_label.setText(f"Scanned {report.root}: {len(report.images)} images in "
                                      f"{len(report.usable_classes)} classes. Press Start (Ctrl+R) to search.")

    def _on_scan_failed(self, message: str) -> None:
        self._start_when_scanned = False
        if not self.is_running:
            self.status_label.setText(f"Cannot use that folder: {message}")

    # ------------------------------------------------------------------ search lifecycle

    @property
    def is_running(self) -> bool:
        return self.worker is not None

    def _set_state(self, state: str) -> None:
        running = state in ("running", "stopping")
        self.start_action.setEnabled(not running)
        self.stop_action.setEnabled(state == "running")
        self.resume_action.setEnabled(not running and bool(self._resume_target()))
        can_export = (not running and bool(self.search_dir)
                      and bool(self.final_event and self.final_event.get("best_trial_id") is not None))
        self.export_action.setEnabled(can_export)
        if "results_export_button" in vars(self):  # not yet built when deferred
            self.results_export_button.setEnabled(can_export)
        for button, action in ((self.start_button, self.start_action), (self.stop_button, self.stop_action),
                               (self.resume_button, self.resume_action), (self.export_button, self.export_action)):
            button.setEnabled(action.isEnabled())
        self.dataset_panel.setEnabled(not running)
        self.options_panel.setEnabled(not running)
        self.search_state_changed.emit(state)

    def _resume_target(self) -> str | None:
        if self.final_event and self.final_event.get("status") in ("cancelled", "failed") and self.search_dir:
            return self.search_dir
        return self._resumable[0]["search_dir"] if self._resumable else None

    def start_search(self) -> bool:
        """Validate the options and the dataset, then run a new search. False when refused."""
        if self.is_running:
            return False
        panel = self.dataset_panel
        if panel.is_scanning or panel.typed_folder_differs():
            # Start means "train on what the field shows": scan it first, then start.
            self._start_when_scanned = True
            if not panel.is_scanning:
                panel.scan(panel.path_edit.text().strip())
            self.status_label.setText("Scanning the folder first; the search starts when the scan is done…")
            return False
        report = panel.report
        if report is None:
            self._refuse("Choose an image folder first (File ▸ Open Folder, or type its path and press Enter).",
                         dataset=True)
            return False
        try:
            report.check_trainable()
        except DatasetError as exc:
            self._refuse(str(exc), dataset=True)
            return False
        config, errors = self.options_panel.collect(report.root)
        if errors:
            self.status_label.setText(f"Cannot start: {len(errors)} option(s) need fixing (marked in red).")
            return False
        settings.write("options/last_config", config.to_json())
        self._launch(config, search_dir=None, resume=False)
        return True

    @Slot(dict)
    def _on_history_rerun(self, config_data: dict) -> None:
        """History's Re-run: load that search's options (to edit) and its folder; Start runs it."""
        try:
            config = SearchConfig.from_dict(config_data)
        except ConfigError as exc:
            self.show_error("Cannot load that search's options", str(exc))
            return
        self.options_panel.set_config(config)
        if config.data_dir and not self.is_running:
            self.dataset_panel.set_folder(config.data_dir)
        self.view_tabs.setCurrentIndex(self.dataset_tab_index)
        self.status_label.setText("Loaded that search's options: change what you like, then press Start.")

    @Slot(str)
    def _on_history_resume(self, search_dir: str) -> None:
        if self.is_running:
            self.status_label.setText("A search is running: stop it before resuming another.")
            return
        self.resume_search(target=search_dir)

    def resume_search(self, target: str | None = None) -> bool:
        """Continue a stopped or interrupted search (``target``, or the latest) where it left off."""
        if self.is_running:
            return False
        if target:
            pass
        elif self.final_event and self.final_event.get("status") in ("cancelled", "failed") and self.search_dir:
            target = self.search_dir
        else:
            self._resumable = self._find_resumable()
            if self._resumable:
                choice = self._resumable[0] if len(self._resumable) == 1 else self.choose_resumable(self._resumable)
                target = choice["search_dir"] if choice else None
        if not target:
            self.status_label.setText("There is no unfinished search to resume.")
            self._set_state("idle")
            return False
        try:
            from app.core.runner import load_search_info

            info = load_search_info(target)
            config = SearchConfig.from_dict(info["config"])
        except Exception as exc:  # noqa: BLE001 - a damaged search folder is reported, not raised
            self.show_error("Cannot resume", f"{target}: {exc}")
            return False
        self.options_panel.set_config(config)
        self._launch(config, search_dir=target, resume=True)
        return True

    def _launch(self, config: SearchConfig, search_dir: str | None, resume: bool) -> None:
        self._launch_count += 1
        for panel in self._live_panels:
            panel.reset()
        self.notice_label.hide()
        self.notice_label.clear()
        self._notices = []
        self._trial_events.clear()
        self._live_trial_ids = set()
        self._objective = config.objective
        self._classes = []
        self._error_reported = False
        self._saw_final_event = False
        self.final_event = None
        self.search_dir = search_dir
        self.progress = SearchProgress()
        self.progress.max_trials = config.max_trials if config.tuner not in ("hyperband", "grid") else None
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.setValue(0)
        self.worker = SearchWorker(config, search_dir=search_dir, resume=resume, runner=self._runner)
        # Bound methods of this QObject: Qt queues these calls onto the GUI thread.
        self.worker.event_received.connect(self._on_search_event)
        self.worker.failed.connect(self._on_worker_failed)
        self.worker.finished.connect(self._on_worker_finished)
        self.thread = start_search_thread(self.worker)
        self._set_options_visible(False)
        self._elapsed.start()
        self._status_timer.start()
        self.view_tabs.setCurrentIndex(self.training_tab_index)
        verb = "Resuming" if resume else "Starting"
        self.status_label.setText(f"{verb} the search ({ARCHITECTURES.get(config.architecture, config.architecture)}, "
                                  f"{TUNERS.get(config.tuner, config.tuner)})…")
        self._set_state("running")

    def stop_search(self) -> None:
        """Ask the running search to stop after the current batch; it stays resumable."""
        if self.worker is None:
            return
        self.worker.cancel()
        self.status_label.setText("Stopping after the current batch… (the search can be resumed)")
        self._set_state("stopping")

    def _refuse(self, message: str, dataset: bool = False) -> None:
        self.status_label.setText(message)
        if dataset:
            self.view_tabs.setCurrentIndex(self.dataset_tab_index)
            self.dataset_panel._set_field_error(message)

    # ------------------------------------------------------------------ events from the worker

    def _record_in_history(self, event: dict) -> None:
        record = getattr(self.history_view, "record_event", None)
        if callable(record):
            record(event)

    @Slot(dict)
    def _on_search_event(self, event: dict) -> None:
        kind = event.get("type")
        self._record_in_history(event)
        for panel in self._live_panels:
            try:
                panel.handle_event(event)
            except Exception as exc:  # noqa: BLE001 - one broken panel must not stop the search display
                self._report_panel_error(panel, exc)
        self.progress.handle_event(event)
        if kind == "search_started":
            self.search_dir = event.get("search_dir") or self.search_dir
            self._search_id = event.get("search_id")
            self._classes = list(event.get("classes") or [])
            if event.get("device"):
                devices = [str(d) for d in event.get("devices") or []]
                gpus = [d for d in devices if d.upper().startswith("GPU")]
                self._apply_device_info({"device": event["device"], "gpus": gpus,
                                         "mixed_precision_available": bool(gpus)})
            if event.get("max_trials") is None:
                self.progress.max_trials = None
            if event.get("resumed") and self.search_dir:
                self._replay_earlier_trials(str(self.search_dir))
        elif kind == "trial_started":
            self._live_trial_ids.add(str(event.get("trial_id")))
        elif kind == "notice":
            self._add_notice(event)
        elif kind == "trial_ended":
            self._trial_events[str(event.get("trial_id"))] = event
        elif kind == "search_finished":
            self._saw_final_event = True
        if kind == "batch_ended":
            self._update_progress_bar()
        else:
            self._refresh_status()

    def _replay_earlier_trials(self, search_dir: str) -> None:
        """A resumed search reports only new trials live: show the ones finished before too."""
        launch = self._launch_count

        def job():
            from app.core.runner import read_events

            # Interrupted trials rerun under the same id: only settled outcomes are replayed.
            return [e for e in read_events(search_dir) if e.get("type") == "trial_ended"
                    and str(e.get("status", "")).upper() in ("COMPLETED", "FAILED", "INVALID")]

        def on_result(earlier: list) -> None:
            if launch != self._launch_count:
                return  # another search has started since: these trials are not its
            for event in earlier:
                trial_id = str(event.get("trial_id"))
                if trial_id in self._trial_events or trial_id in self._live_trial_ids:
                    continue  # reported live in this session
                self._trial_events[trial_id] = event
                for panel in self._live_panels:
                    try:
                        panel.handle_event(event)
                    except Exception as exc:  # noqa: BLE001
                        self._report_panel_error(panel, exc)

        run_in_background(job, on_result, receiver=self)

    def _report_panel_error(self, panel: QWidget, exc: Exception) -> None:
        if not getattr(panel, "_error_reported", False):
            panel._error_reported = True
            self.show_error("Display problem", f"{panel.objectName()} could not show an update: {exc}")

    def _add_notice(self, event: dict) -> None:
        icon = "⚠" if event.get("level") == "warning" else "ℹ"
        self._notices.append(f"{icon} {html.escape(str(event.get('message', '')))}")
        shown = self._notices[-MAX_NOTICES_SHOWN:]
        hidden = len(self._notices) - len(shown)
        self.notice_label.setText("<br>".join(shown) + (f"<br>… {hidden} earlier" if hidden else ""))
        self.notice_label.setToolTip("\n".join(self._notices))
        self.notice_label.show()

    def _update_progress_bar(self) -> None:
        fraction = self.progress.overall_fraction()
        if fraction is None:
            fraction = self.progress.trial_fraction()  # Hyperband/Grid: the running trial
        self.progress_bar.setValue(int(round(fraction * 1000)))

    def _refresh_status(self) -> None:
        if not self.is_running:
            return
        self._update_progress_bar()
        if self.worker is not None and self.worker.cancel_requested:
            return  # keep "Stopping…" visible
        elapsed = self._elapsed.elapsed() / 1000 if self._elapsed.isValid() else 0.0
        if self.progress.trial_number:
            self.status_label.setText(self.progress.text(elapsed))

    @Slot(str)
    def _on_worker_failed(self, traceback_text: str) -> None:
        last_line = traceback_text.strip().splitlines()[-1] if traceback_text.strip() else "unknown error"
        self._error_reported = True
        self.show_error("The search stopped with an error",
                        f"{last_line}\n\nThe trials finished so far are kept; you can resume the search.",
                        details=traceback_text)

    @Slot(dict)
    def _on_worker_finished(self, final: dict) -> None:
        thread, worker = self.thread, self.worker
        self.worker = None
        self.thread = None
        if thread is not None:
            thread.quit()
            thread.wait()
        del worker  # only now, with its thread stopped, may Python delete the worker
        self._status_timer.stop()
        # A final event synthesised by the worker (runner crashed) never reached the panels.
        if final and not self._saw_final_event:
            self._record_in_history(final)
            for panel in self._live_panels:
                try:
                    panel.handle_event(final)
                except Exception as exc:  # noqa: BLE001
                    self._report_panel_error(panel, exc)
        self.final_event = final
        self.search_dir = final.get("search_dir") or self.search_dir
        if self.search_dir:
            settings.write("search/last_search_dir", str(self.search_dir))
        status = final.get("status")
        elapsed = self._elapsed.elapsed() / 1000 if self._elapsed.isValid() else None
        if status == "completed":
            self.progress_bar.setValue(1000)
            self.status_label.setText(f"Search finished in {_format_duration(final.get('duration') or elapsed)}. "
                                      + self._best_text(final))
        elif status == "cancelled":
            self.status_label.setText("Search stopped. Resume (Ctrl+Shift+R) continues where it left off.")
        else:
            error = final.get("error") or "unknown error"
            self.status_label.setText(f"Search failed: {error}")
            if not self._error_reported:
                self.show_error("The search failed", f"{error}\n\nThe trials finished so far are kept; "
                                "you can resume the search.")
        self._show_summary(final)
        self._resumable = [r for r in self._resumable if r.get("search_dir") != self.search_dir]
        self._set_state("idle")
        if status == "completed" and final.get("best_trial_id") is not None:
            self.view_tabs.setCurrentIndex(self.results_tab_index)
        if self._close_when_stopped:
            self._close_when_stopped = False
            self.close()

    def _best_text(self, final: dict) -> str:
        score = final.get("best_score")
        if final.get("best_trial_id") is None or score is None:
            return "No trial completed."
        return f"Best {self._objective}: {score:.4f}."

    # ------------------------------------------------------------------ results

    def _show_summary(self, final: dict) -> None:
        trials = final.get("trials") or []
        best_id = final.get("best_trial_id")
        completed = sum(1 for t in trials if str(t.get("status", "")).upper() == "COMPLETED")
        status = final.get("status", "")
        if best_id is None:
            self.summary_label.setText(f"<b>No completed trial</b> ({status}). "
                                       + html.escape(str(final.get("error") or "")))
            self.best_hp_table.setRowCount(0)
            self.best_confusion_view.reset()
            self.best_curves.reset()
            return
        best = next((t for t in trials if str(t.get("trial_id")) == str(best_id)), {})
        number = best.get("number") or best_id
        score = final.get("best_score")
        duration = best.get("duration") or self._trial_events.get(str(best_id), {}).get("duration")
        score_text = f"{score:.4f}" if isinstance(score, (int, float)) else "–"
        self.summary_label.setText(
            f"<b>Best trial: #{number}</b> · {self._objective} <b>{score_text}</b> · "
            f"trained in {_format_duration(duration)}<br>"
            f"<span style='color:#555'>{completed} of {len(trials)} trials completed · search {status} in "
            f"{_format_duration(final.get('duration'))} · {html.escape(str(final.get('search_dir') or ''))}</span>")
        hyperparameters = final.get("best_hyperparameters") or best.get("hyperparameters") or {}
        self.best_hp_table.setRowCount(len(hyperparameters))
        for row, (name, value) in enumerate(sorted(hyperparameters.items())):
            self.best_hp_table.setItem(row, 0, QTableWidgetItem(str(name)))
            self.best_hp_table.setItem(row, 1, QTableWidgetItem(_format_value(value)))
        self.best_confusion_view.reset()
        if hasattr(self.best_curves, "load_trials"):
            stored = [dict(e, trial_id=str(t)) for t, e in self._trial_events.items()]
            self.best_curves.load_trials(stored, self._objective)
            self.best_curves.show_trial(str(best_id))
        ended = self._trial_events.get(str(best_id))
        confusion = (ended or {}).get("confusion") or best.get("confusion")
        names = (ended or {}).get("class_names") or self._classes
        if confusion and hasattr(self.best_confusion_view, "set_matrix"):
            try:
                self.best_confusion_view.set_matrix(confusion, names,
                                                    f"Best trial #{number}: validation confusion, last epoch")
            except ValueError as exc:
                self._report_panel_error(self.best_confusion_view, exc)
        self.results_export_button.setText(f"Export best trial (#{number})…")

    def _on_trial_selected(self, trial_id: str) -> None:
        for panel in (self.curves_panel, self.confusion_view):
            show = getattr(panel, "show_trial", None)
            if callable(show):
                show(trial_id)
        if not self.is_running and self.final_event:
            ended = self._trial_events.get(str(trial_id))
            number = (ended or {}).get("number") or trial_id
            completed = ended is not None and str(ended.get("status", "")).upper() == "COMPLETED"
            self.results_export_button.setText(f"Export selected trial (#{number})…" if completed
                                               else "Export best trial…")

    def selected_trial_id(self) -> str | None:
        getter = getattr(self.trial_table, "selected_trial_id", None)
        if callable(getter):
            try:
                value = getter()
            except Exception:  # noqa: BLE001
                return None
            return None if value is None else str(value)
        return None

    def export_model(self) -> None:
        """Ask for a folder, then export the selected (or best) trial off the GUI thread."""
        if self.is_running or not self.search_dir:
            self.status_label.setText("Export needs a finished search.")
            return
        folder = self.choose_export_folder()
        if not folder:
            return
        trial_id = self.selected_trial_id()
        selected = self._trial_events.get(trial_id) if trial_id else None
        if trial_id and selected is not None and str(selected.get("status", "")).upper() != "COMPLETED":
            self.status_label.setText(f"Trial {trial_id} did not complete; exporting the best trial instead.")
            trial_id = None
        search_dir = self.search_dir
        name = Path(search_dir).name + (f"-trial-{trial_id}" if trial_id else "-best")
        out_dir = Path(folder) / name
        suffix = 2
        while out_dir.exists():  # export refuses non-empty folders: never reuse an earlier one
            out_dir = Path(folder) / f"{name}-{suffix}"
            suffix += 1
        self.export_action.setEnabled(False)
        self.export_button.setEnabled(False)
        self.results_export_button.setEnabled(False)
        self.export_label.setText(f"Exporting to {out_dir} …")
        self.status_label.setText("Exporting the model…")

        def job():
            from app.core.export import export_trial

            return export_trial(search_dir, out_dir, trial_id)

        def on_result(card: dict) -> None:
            self._on_export_done(out_dir, card)

        def on_error(message: str, traceback_text: str) -> None:
            self._set_state("idle")
            self.export_label.setText(f"<span style='color:#b00020'>Export failed: {html.escape(message)}</span>")
            self.show_error("Export failed", message, details=traceback_text)

        run_in_background(job, on_result, on_error, receiver=self)

    def _on_export_done(self, out_dir: Path, card: dict) -> None:
        self._set_state("idle")
        card = card if isinstance(card, dict) else {}
        self.last_export = {"out_dir": str(out_dir), "card": card}
        check = card.get("self_check") or {}
        if check.get("passed"):
            verdict = (f"<span style='color:#1a7f37'>✔ self-check passed</span> (the SavedModel reproduces the "
                       f"Keras model on {check.get('images', '?')} images, max difference "
                       f"{check.get('max_abs_diff', float('nan')):.2g})")
        else:
            verdict = (f"<span style='color:#b00020'>✘ self-check failed</span> "
                       f"(max difference {check.get('max_abs_diff', float('nan'))!s})")
        url = Path(out_dir).resolve().as_uri()
        self.export_label.setText(f"Exported to <a href='{url}'>{html.escape(str(out_dir))}</a><br>{verdict}")
        self.status_label.setText(f"Exported to {out_dir}")
        record_export = getattr(self.history_view, "record_export", None)
        if callable(record_export):
            record_export(dict(card, path=card.get("path", str(out_dir))),
                          getattr(self, "_search_id", None) or Path(self.search_dir or "").name or None)
        self.export_finished.emit(self.last_export)

    # ------------------------------------------------------------------ resume discovery, device

    @staticmethod
    def _find_resumable() -> list[dict]:
        try:
            from app.core.runner import find_resumable
        except ImportError:
            return []
        try:
            return find_resumable()
        except OSError:
            return []

    def _look_for_resumable(self) -> None:
        def on_result(found: list) -> None:
            if self.is_running:
                return
            self._resumable = list(found or [])
            self._set_state("idle")
            if self._resumable:
                info = self._resumable[0]
                name = (info.get("config") or {}).get("name") or Path(info["search_dir"]).name
                self.status_label.setText(f"An unfinished search ({name}) can be resumed: press Resume.")

        run_in_background(self._find_resumable, on_result, receiver=self)

    def _detect_device(self) -> None:
        """Ask TensorFlow once which device would train, in a child process.

        Measured: importing TensorFlow in a thread of the window's process holds the GIL long
        enough to freeze the window for a third of a second; in a child it costs the window
        nothing and keeps TensorFlow out of its memory. A running search reports its device in
        ``search_started`` anyway, so this is only needed before the first search.
        """
        if self._device_requested:
            return
        self._device_requested = True
        probe = self._device_probe or probe_devices_in_child

        def on_error(message: str, _traceback: str) -> None:
            if self.device is None:
                self.device_label.setText("Device: unknown")

        run_in_background(probe, self._apply_device_info, on_error, receiver=self)

    def _apply_device_info(self, info: dict) -> None:
        self.device = info
        self.device_label.setText(f"Device: {info.get('device', 'unknown')}")
        self.options_panel.set_gpu_available(bool(info.get("mixed_precision_available")))

    # ------------------------------------------------------------------ dialogs

    def show_error(self, title: str, text: str, details: str | None = None) -> QMessageBox:
        """Show an error without blocking (always called on the GUI thread)."""
        self.errors_shown.append((title, text))
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, self)
        box.setModal(False)
        if details:
            box.setDetailedText(details)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(lambda _result, b=box: self._message_boxes.remove(b) if b in self._message_boxes else None)
        self._message_boxes.append(box)
        box.show()
        return box

    def show_about(self) -> QMessageBox:
        versions = package_versions()
        rows = "".join(f"<tr><td>{html.escape(k)}</td><td>&nbsp;{html.escape(v)}</td></tr>" for k, v in versions.items())
        from app import __version__

        box = QMessageBox(QMessageBox.Icon.NoIcon, "About TuneStudio",
                          f"<h3>TuneStudio {__version__}</h3><p>Tune an image classifier with Keras Tuner, "
                          f"without writing code.</p><table>{rows}</table>", QMessageBox.StandardButton.Ok, self)
        box.setObjectName("aboutBox")
        from app.gui.app import make_app_icon

        box.setIconPixmap(make_app_icon().pixmap(64, 64))
        box.setModal(False)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.show()
        return box

    def _ask_yes_no(self, title: str, question: str) -> bool:
        answer = QMessageBox.question(self, title, question,
                                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                      QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def _ask_export_folder(self) -> str:
        start = settings.read("search/last_search_dir") or str(Path.home())
        return QFileDialog.getExistingDirectory(self, "Export the model into folder", str(Path(start).parent))

    def _ask_resumable(self, found: list[dict]) -> dict | None:
        labels = []
        for info in found:
            config = info.get("config") or {}
            labels.append(f"{Path(info['search_dir']).name} ({config.get('architecture', '?')}, "
                          f"{info.get('status', 'interrupted')})")
        label, ok = QInputDialog.getItem(self, "Resume a search", "Unfinished searches:", labels, 0, False)
        return found[labels.index(label)] if ok and label in labels else None

    # ------------------------------------------------------------------ closing

    def _on_about_to_quit(self) -> None:
        """The application is quitting without closing this window first (e.g. logout):
        stop the search and wait for its thread, since a QThread destroyed while running aborts."""
        if self.worker is not None and self.thread is not None:
            self.worker.cancel()
            self.thread.wait(QUIT_WAIT_MS)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if self.is_running:
            if self.worker is not None and not self.worker.cancel_requested:
                if not self.confirm("Stop the search?",
                                    "A search is running. Stop it and quit? You can resume it later."):
                    event.ignore()
                    return
                self.stop_search()
            # Close once the worker has wound down (the window stays responsive meanwhile).
            self._close_when_stopped = True
            self.status_label.setText("Stopping the search, then closing…")
            event.ignore()
            return
        self.save_settings()
        for box in list(self._message_boxes):
            box.close()
        super().closeEvent(event)
