"""TuneStudio's main window: the chrome (actions, tabs, status line) and the wiring between them.

The jobs live elsewhere: :class:`~app.gui.session.search_session.SearchSession` runs searches (worker,
thread, history recorder, resume) and feeds the :class:`~app.gui.session.search_model.SearchModel` the
panels observe; the Training, Results and History tabs are pages of their own, built lazily
(:mod:`app.gui.paint.lazy_tabs`) so the window shows before pyqtgraph is imported; every question to
the user goes through one :class:`~app.gui.dialogs.questions.Dialogs` object; the window owns its chrome
(``self.chrome``: actions, tabs, status line) and its export controller (``self.exporter``). TensorFlow is
never imported here: scanning, searching, previewing and exporting run off the GUI thread or in child processes.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import QTimer, Signal, Slot
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QMainWindow, QWidget

from app.core.util import paths
from app.core.options.option_table import ARCHITECTURES, TUNERS
from app.core.options.validation import ConfigError
from app.core.options.config import SearchConfig
from app.core.data.dataset_report import DatasetError, ScanReport
from app.core.util.formatting import format_duration, format_score
from app.core.history.recorder import HistoryRecorder
from app.core.search.search_dir import SearchError
from app.gui.text import core_text, language as i18n
from app.gui import settings
from app.gui.dialogs.about import about_box, probe_devices_in_child
from app.gui.widgets.app_icon import install_app_icon, make_app_icon
from app.gui.dialogs.questions import Dialogs
from app.gui.paint.lazy_tabs import build_after_first_paint
from app.gui.session.search_session import SearchSession
from app.gui.dataset.dataset_panel import DatasetPanel
from app.gui.options.options_panel import OptionsPanel
from app.gui.window.device_line import DeviceLine
from app.gui.window.window_chrome import WindowChrome
from app.gui.results.window_export import WindowExport
from app.gui.session.search_worker import Runner, run_in_background, warm_up_runner_imports
from app.gui.dialogs.weights_dialog import launch_with_weights

if TYPE_CHECKING:  # the pages import pyqtgraph: they are imported when built (see _make_*)
    from app.gui.history.history_view import HistoryView
    from app.gui.results.results_page import ResultsPage
    from app.gui.training.training_page import TrainingPage

STATUS_REFRESH_MS = 1000
WARM_UP_MS = 1500  # idle work after start-up (core_text.warm_up), well before anyone presses Start
# A completed search's Results tab opens this much after its end: the end repaints the Training
# page, the Results page draws the best trial (app.gui.results.results_page) and then is shown, each in its
# own event-loop turn, not all in one 40 ms block of the GUI thread.
RESULTS_SWITCH_DELAY_MS = 40


class MainWindow(QMainWindow):
    """The TuneStudio window.

    ``runner`` replaces the real search runner and ``device_probe`` the TensorFlow device query
    (tests pass fakes). ``defer_heavy_tabs`` leaves the pyqtgraph-based pages for
    :meth:`build_deferred_tabs` (``run_app`` builds them just after the first paint).
    """

    search_state_changed = Signal(str)  # "running", "stopping", "idle"
    export_finished = Signal(dict)

    def __init__(self, runner: Runner | None = None, parent: QWidget | None = None,
                 device_probe: Callable[[], dict] | None = None, defer_heavy_tabs: bool = False,
                 dialogs: Dialogs | None = None):
        super().__init__(parent)
        install_app_icon()  # set here, after the frame's first paint (app.gui.widgets.app_icon)
        i18n.ensure_cjk_font()
        self.setObjectName("mainWindow")
        self.setWindowTitle(self.tr("TuneStudio"))
        self.setAcceptDrops(True)
        self.dialogs = dialogs or Dialogs(self)
        self._close_when_stopped = False
        self._start_when_scanned = False
        self._error_reported = False
        # The history database opens when first needed (History tab, first event), not before the first paint.
        self.session = SearchSession(HistoryRecorder(), runner, self)
        self.model = self.session.model
        self._status_timer = QTimer(self)
        self._status_timer.setInterval(STATUS_REFRESH_MS)
        self._status_timer.timeout.connect(self._refresh_status)
        self._results_switch = QTimer(self)
        self._results_switch.setSingleShot(True)
        self._results_switch.setInterval(RESULTS_SWITCH_DELAY_MS)
        self._results_switch.timeout.connect(self._switch_to_results)

        self.dataset_panel = DatasetPanel(defer_chart=defer_heavy_tabs)
        self.options_panel = OptionsPanel()
        self.options_panel.sample_paths_provider = self.dataset_panel.sample_paths
        self.exporter = WindowExport(self)
        self.exporter.finished.connect(self.export_finished)
        self.chrome = WindowChrome(self)
        self.device_line = DeviceLine(device_probe or probe_devices_in_child, self.chrome.device_label,
                                      self.options_panel, self)
        self._add_view_tabs(defer_heavy_tabs)

        self.dataset_panel.scan_finished.connect(self._on_scan_finished)
        self.dataset_panel.scan_failed.connect(self._on_scan_failed)
        self.options_panel.tabs.currentChanged.connect(self._on_option_tab_changed)
        self.session.state_changed.connect(self.set_state)
        self.session.failed.connect(self._on_search_failed)
        self.session.finished.connect(self._on_search_finished)
        self.model.search_started.connect(self._on_search_started)
        self.model.panel_failed.connect(self._on_panel_failed)
        self.model.batch_ended.connect(self._update_progress_bar)
        for signal in (self.model.stage, self.model.trial_started, self.model.epoch_ended, self.model.trial_ended):
            signal.connect(self._refresh_status)

        self.chrome.restore_settings()
        self.set_state("idle")
        QTimer.singleShot(0, self._look_for_resumable)
        QTimer.singleShot(WARM_UP_MS, core_text.warm_up)
        QTimer.singleShot(WARM_UP_MS, self, self._warm_up_runner)
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.session.wait_stopped)

    def _warm_up_runner(self) -> None:
        run_in_background(warm_up_runner_imports, lambda _none: None, receiver=self)

    # ------------------------------------------------------------------ pages

    @property
    def training(self) -> TrainingPage:
        return self._training_page.content()

    @property
    def results(self) -> ResultsPage:
        return self._results_page.content()

    @property
    def history_view(self) -> HistoryView:
        return self._history_page.content()

    def _add_view_tabs(self, deferred: bool) -> None:
        """Training, Results and History, built when first needed. The window switches to Training
        and Results by itself (at Start, when a search ends): those paint in parts."""
        tabs = self.chrome.view_tabs
        self._training_page, self.training_tab_index = tabs.add_page(
            self.tr("2 · Training"), self._make_training_page, deferred, staged=True)
        self._results_page, self.results_tab_index = tabs.add_page(
            self.tr("3 · Results"), self._make_results_page, deferred, staged=True)
        self._history_page, self.history_tab_index = tabs.add_page(
            self.tr("History"), self._make_history_view, deferred, scroll="historyScroll")
        tabs.currentChanged.connect(self._on_view_tab_changed)

    def built_page(self, name: str) -> QWidget | None:
        """The ``training``, ``results`` or ``history`` page when it is built, else None (never builds it)."""
        page = {"training": self._training_page, "results": self._results_page, "history": self._history_page}[name]
        return page.content() if page.built else None

    # The pages are imported here, not at the top: they load pyqtgraph (~1-2 s on a busy machine),
    # which the window must not wait for before its first paint.
    def _make_training_page(self) -> TrainingPage:
        from app.gui.training.training_page import TrainingPage

        page = TrainingPage(self.model)
        page.trialSelected.connect(self.exporter.on_trial_selected)
        self.session.wrap_runner = page.workers_panel.wrap_runner  # sharing with other machines
        return page

    def _make_results_page(self) -> ResultsPage:
        from app.gui.results.results_page import ResultsPage

        page = ResultsPage(self.model, self.chrome.export_action.icon())
        page.export_requested.connect(self.export_model)
        page.export_button.setEnabled(self.chrome.export_action.isEnabled())
        return page

    def _make_history_view(self) -> HistoryView:
        from app.gui.history.history_view import HistoryView

        view = HistoryView(store=self.session.recorder.store, dialogs=self.dialogs)
        view.follow(self.model)
        view.rerunRequested.connect(self._on_history_rerun)
        view.resumeRequested.connect(self._on_history_resume)
        return view

    def build_deferred_tabs(self) -> None:
        """Build the pages (and the dataset chart) left out at start-up; does nothing when built."""
        self.dataset_panel.build_chart()
        self.chrome.view_tabs.build_pages()

    def build_deferred_tabs_after_paint(self) -> None:
        build_after_first_paint(self, self.build_deferred_tabs)

    def _on_view_tab_changed(self, index: int) -> None:
        if index != self.chrome.dataset_tab_index:
            self.build_deferred_tabs()  # someone looks before the idle-time build: build now
        if index == self.chrome.dataset_tab_index and not self.is_running:
            self.chrome.set_options_visible(True)

    # ------------------------------------------------------------------ search lifecycle

    @property
    def is_running(self) -> bool:
        return self.session.is_running

    @property
    def final_event(self) -> dict | None:
        return self.session.final_event

    @property
    def search_dir(self) -> str | None:
        return self.session.search_dir

    def set_state(self, state: str) -> None:
        """Enable what fits the search's state (``running``, ``stopping``, ``idle``) and say it."""
        running = self.session.is_running
        self.chrome.start_action.setEnabled(not running)
        self.chrome.stop_action.setEnabled(running and not self.session.stopping)
        self.chrome.resume_action.setEnabled(not running and bool(self.session.resume_target()))
        final = self.session.final_event
        can_export = not running and bool(self.search_dir and final and final.get("best_trial_id") is not None)
        self.chrome.export_action.setEnabled(can_export)
        if self._results_page.built:
            self.results.export_button.setEnabled(can_export)
        self.chrome.sync_buttons()
        if running:
            self._enable_inputs()
        else:
            # Enabling the dataset and options panels re-styles every control in them (~10-30 ms);
            # at a search's end that comes on the next turn, not on top of opening the Results tab.
            QTimer.singleShot(0, self, self._enable_inputs)
        if state == "stopping":
            self.show_status(self.tr("Stopping after the current batch… (the search can be resumed)"))
        self.search_state_changed.emit(state)

    def show_status(self, text: str) -> None:
        self.chrome.status_label.setText(text)

    def export_model(self) -> None:
        """Export the selected (or best) trial: the export controller asks for a folder."""
        self.exporter.export_model()

    def _enable_inputs(self) -> None:
        """The dataset and options can change only while no search runs."""
        running = self.session.is_running
        self.dataset_panel.setEnabled(not running)
        self.options_panel.setEnabled(not running)

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
            self.show_status(self.tr("Scanning the folder first; the search starts when the scan is done…"))
            return False
        report = panel.report
        if report is None:
            self._refuse(self.tr("Choose an image folder first (File ▸ Open Folder, or type its path and press "
                                 "Enter)."))
            return False
        try:
            report.check_trainable()
        except DatasetError as exc:
            self._refuse(core_text.translate(str(exc)))
            return False
        config, errors = self.options_panel.collect(report.root)
        if errors:
            self.show_status(self.tr("Cannot start: {count} option(s) need fixing (marked in red).").format(
                count=len(errors)))
            return False
        settings.write("options/last_config", config.to_json())
        # Missing ImageNet weights: ask (or fetch, if always allowed) first; the search starts after.
        launch_with_weights(self, config, lambda: self._launch(config))
        return True

    def resume_search(self, target: str | None = None) -> bool:
        """Continue a stopped or interrupted search (``target``, or the latest) where it left off."""
        if self.is_running:
            return False
        target = target or self.session.resume_target()
        if not target:
            self.show_status(self.tr("There is no unfinished search to resume."))
            self.set_state("idle")
            return False
        try:
            self._launch(None, resume_dir=target)
        except SearchError as exc:  # a damaged search folder is reported, not raised
            self.dialogs.error(self.tr("Cannot resume"), str(exc))
            return False
        return True

    def _launch(self, config: SearchConfig | None, resume_dir: str | None = None) -> None:
        self._error_reported = False
        self.build_deferred_tabs()  # the live panels must see the first event
        if resume_dir is not None:
            config = self.session.resume(resume_dir)
            self.options_panel.set_config(config)
        else:
            self.session.start(config)
        self.chrome.set_options_visible(False)
        self._status_timer.start()
        self.chrome.progress_bar.setValue(0)
        self.chrome.view_tabs.switch_to(self.training_tab_index)
        template = (self.tr("Resuming the search ({architecture}, {tuner})…") if resume_dir
                    else self.tr("Starting the search ({architecture}, {tuner})…"))
        self.show_status(template.format(
            architecture=core_text.option_text(ARCHITECTURES.get(config.architecture, config.architecture)),
            tuner=core_text.option_text(TUNERS.get(config.tuner, config.tuner))))

    def stop_search(self) -> None:
        """Ask the running search to stop after the current batch; it stays resumable."""
        self.session.stop()

    def _refuse(self, message: str) -> None:
        self.show_status(message)
        self.chrome.show_dataset()
        self.dataset_panel._set_field_error(message)

    @Slot(dict)
    def _on_history_rerun(self, config_data: dict) -> None:
        """History's Re-run: load that search's options (to edit) and its folder; Start runs it."""
        try:
            config = SearchConfig.from_dict(config_data)
        except ConfigError as exc:
            self.dialogs.error(self.tr("Cannot load that search's options"), str(exc))
            return
        self.options_panel.set_config(config)
        if config.data_dir and not self.is_running:
            self.dataset_panel.set_folder(config.data_dir)
        self.chrome.show_dataset()
        self.show_status(self.tr("Loaded that search's options: change what you like, then press Start."))

    @Slot(str)
    def _on_history_resume(self, search_dir: str) -> None:
        if self.is_running:
            self.show_status(self.tr("A search is running: stop it before resuming another."))
            return
        self.resume_search(target=search_dir)

    def _look_for_resumable(self) -> None:
        def found(resumable: list[dict]) -> None:
            if self.is_running:
                return
            self.set_state("idle")
            if resumable:
                info = resumable[0]
                name = (info.get("config") or {}).get("name") or Path(info["search_dir"]).name
                self.show_status(self.tr("An unfinished search ({name}) can be resumed: press Resume.").format(
                    name=name))

        self.session.look_for_resumable(found)

    # ------------------------------------------------------------------ what the search tells

    def _on_search_started(self, event: dict) -> None:
        self.device_line.on_search_started(event)
        self._refresh_status()

    def _update_progress_bar(self, *_event) -> None:
        self.chrome.show_progress(self.model.state)

    def _refresh_status(self, *_event) -> None:
        if not self.is_running:
            return
        self._update_progress_bar()
        if self.session.stopping:
            return  # keep "Stopping…" visible
        state = self.model.state
        if state.trial_number or state.status == "preparing" or state.features_running():
            self.show_status(core_text.status_text(state))  # preparing: the stage and the budget clock

    def _on_panel_failed(self, panel: QWidget, message: str) -> None:
        self.dialogs.error(self.tr("Display problem"), self.tr("{objectname} could not show an update: {message}").format(
            objectname=panel.objectName(), message=message))

    @Slot(str)
    def _on_search_failed(self, traceback_text: str) -> None:
        last_line = traceback_text.strip().splitlines()[-1] if traceback_text.strip() else "unknown error"
        self._error_reported = True
        self.dialogs.error(self.tr("The search stopped with an error"),
                           self.tr("{error}\n\nThe trials finished so far are kept; you can resume the search.").format(
                               error=last_line),
                           details=traceback_text)

    @Slot(dict)
    def _on_search_finished(self, final: dict) -> None:
        self._status_timer.stop()
        self.chrome.progress_bar.setFormat("%p%")
        if self.search_dir:
            settings.write("search/last_search_dir", str(self.search_dir))
        status = final.get("status")
        reason = f" {core_text.translate_event(final, 'reason')}" if final.get("reason") else ""
        if status == "completed":
            self.chrome.progress_bar.setValue(1000)
            self.show_status(self.tr("Search finished in {duration}.{reason} {best_text}").format(
                duration=format_duration(final.get('duration')), reason=reason, best_text=self._best_text(final)))
        elif status == "cancelled":
            self.show_status(self.tr("Search stopped.{reason} Resume (Ctrl+Shift+R) continues where it left "
                                              "off.").format(reason=reason))
        else:
            error = core_text.translate(final.get("error") or "unknown error")
            self.show_status(self.tr("Search failed: {error}").format(error=error))
            if not self._error_reported:
                self.dialogs.error(self.tr("The search failed"), self.tr("{error}\n\nThe trials finished so far are "
                                                                         "kept; you can resume the search.").format(
                                                                             error=error))
        if status == "completed" and final.get("best_trial_id") is not None:
            self._results_switch.start()
        if self._close_when_stopped:
            self._close_when_stopped = False
            QTimer.singleShot(0, self.close_window)

    def _switch_to_results(self) -> None:
        """Show the Results tab after a completed search, a few event-loop turns after its end."""
        if self.is_running:
            return  # another search started meanwhile
        if self.results.best_pending:
            self.results.show_best()
        self.chrome.view_tabs.switch_to(self.results_tab_index)

    def _best_text(self, final: dict) -> str:
        if final.get("best_trial_id") is None or final.get("best_score") is None:
            return self.tr("No trial completed.")
        return self.tr("Best {objective}: {score}.").format(objective=self.model.state.objective,
                                                            score=format_score(final["best_score"]))

    # ------------------------------------------------------------------ dataset

    def _on_scan_finished(self, report: ScanReport) -> None:
        if self._start_when_scanned:
            self._start_when_scanned = False
            if not self.is_running and self.start_search():
                return
        self.setWindowTitle(self.tr("{name} – TuneStudio").format(name=Path(report.root).name))
        if not self.is_running:
            self.show_status(self.tr("Scanned {root}: {images_count} images in {usable_classes_count} "
                                              "classes. Press Start "
                                              "(Ctrl+R) to search.").format(
                                                  root=report.root, images_count=len(report.images),
                                                  usable_classes_count=len(report.usable_classes)))

    def _on_scan_failed(self, message: str) -> None:
        self._start_when_scanned = False
        if not self.is_running:
            self.show_status(self.tr("Cannot use that folder: {message}").format(
                message=core_text.translate(message)))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        if self.is_running:  # the dataset cannot change under a running search
            event.ignore()
            return
        self.dataset_panel.dragEnterEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt override
        if self.is_running:
            event.ignore()
            return
        self.chrome.show_dataset()
        self.dataset_panel.dropEvent(event)

    def open_initial_dataset(self) -> None:
        """Scan the last folder used, or the bundled sample data on a first run."""
        last = settings.read("dataset/last_folder")
        folder = last if last and Path(last).is_dir() else str(paths.sample_dataset_dir())
        if Path(folder).is_dir():
            self.dataset_panel.set_folder(folder)

    # ------------------------------------------------------------------ device, about

    def _on_option_tab_changed(self, index: int) -> None:
        if index == self.options_panel.search_tab_index:
            self.device_line.detect()

    def show_about(self):
        return self.dialogs.message(about_box(self, make_app_icon().pixmap(64, 64)))

    # ------------------------------------------------------------------ closing

    def close_window(self) -> None:
        """Quit: close the top-level window (the frame, when this window is nested in it)."""
        self.window().close()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if self.is_running:
            if not self.session.stopping:
                if not self.dialogs.confirm(self.tr("Stop the search?"),
                                            self.tr("A search is running. Stop it and quit? You can resume it later.")):
                    event.ignore()
                    return
                self.stop_search()
            # Close once the worker has wound down (the window stays responsive meanwhile).
            self._close_when_stopped = True
            self.show_status(self.tr("Stopping the search, then closing…"))
            event.ignore()
            return
        self.chrome.save_settings()
        self.dialogs.close_all()
        super().closeEvent(event)
