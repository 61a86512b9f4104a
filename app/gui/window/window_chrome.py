"""The main window's chrome: actions and menus, the action bar, the options column, the view
tabs, the status bar, and the window's saved settings.

An object the main window owns (``window.chrome``). It builds its widgets into the window it is
given, which supplies what :class:`ChromeHost` lists: the dataset and options panels it lays
out, the slots its actions trigger, and what the settings and the language menu read.
"""
from __future__ import annotations

from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import (QFileDialog, QFrame, QHBoxLayout, QLabel, QMainWindow, QPushButton, QSplitter, QStyle,
                               QVBoxLayout, QWidget)

from app.core.options.config import SearchConfig
from app.core.search.search_state import SearchState
from app.core.util.formatting import format_clock
from app.gui.text import language as i18n
from app.gui import settings
from app.gui.window.geometry import restore_geometry
from app.gui.dataset.dataset_panel import DatasetPanel
from app.gui.dialogs.questions import Dialogs
from app.gui.options.options_panel import OptionsPanel
from app.gui.paint.progress_bar import ProgressBar
from app.gui.window.view_tabs import ViewTabs
from app.gui.dialogs.weights_dialog import import_weights_file

PRIMARY_BUTTON_STYLE = (
    "QPushButton { background: #1f6feb; color: white; border: none; border-radius: 4px;"
    " padding: 4px 18px; font-weight: 600; }"
    "QPushButton:hover { background: #388bfd; }"
    "QPushButton:disabled { background: #a9c4ee; color: #eef3fb; }")


class ChromeHost(Protocol):
    """What the chrome needs of its window, a QMainWindow (menu bar, status bar, actions)."""

    dataset_panel: DatasetPanel
    options_panel: OptionsPanel
    dialogs: Dialogs

    @property
    def search_dir(self) -> str | None: ...

    def start_search(self) -> bool: ...

    def stop_search(self) -> None: ...

    def resume_search(self, target: str | None = None) -> bool: ...

    def export_model(self) -> None: ...

    def show_about(self) -> object: ...

    def close_window(self) -> None: ...


class WindowChrome(QObject):
    """Builds and keeps the window's frame; see the module docstring."""

    def __init__(self, window: ChromeHost | QMainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._build_actions()
        self._build_menus()
        self._build_action_bar()
        self.view_tabs = ViewTabs()
        self.view_tabs.setObjectName("viewTabs")
        self.dataset_tab_index = self.view_tabs.addTab(window.dataset_panel, self.tr("1 · Dataset"))
        self._build_body()
        self._build_status_bar()

    def _build_action_bar(self) -> None:
        self.start_button = self._button(self.start_action, "startButton", self.tr("Start"), primary=True)
        self.stop_button = self._button(self.stop_action, "stopButton", self.tr("Stop"))
        self.resume_button = self._button(self.resume_action, "resumeButton", self.tr("Resume…"))
        self.export_button = self._button(self.export_action, "exportButton", self.tr("Export…"))
        self.device_label = QLabel(self.tr("Device: shown when training starts"))
        self.device_label.setObjectName("deviceLabel")
        self.device_label.setStyleSheet("color: #555;")
        self.options_toggle = QPushButton(self.tr("Options"))
        self.options_toggle.setObjectName("optionsToggle")
        self.options_toggle.setCheckable(True)
        self.options_toggle.setChecked(True)
        self.options_toggle.setToolTip(self.tr("Show or hide the options column (hidden while a search runs, to give "
                                               "the live views room)"))
        self.options_toggle.toggled.connect(self.set_options_visible)
        self._action_bar = action_bar = QHBoxLayout()
        action_bar.setContentsMargins(8, 6, 8, 2)
        for button in (self.start_button, self.stop_button, self.resume_button, self.export_button):
            action_bar.addWidget(button)
        action_bar.addSpacing(12)
        action_bar.addWidget(self.options_toggle)
        action_bar.addStretch(1)
        action_bar.addWidget(self.device_label)

    def _build_body(self) -> None:
        """The action bar over the options column and the view tabs."""
        self.options_frame = QFrame()
        self.options_frame.setObjectName("optionsFrame")
        options_layout = QVBoxLayout(self.options_frame)
        options_layout.setContentsMargins(8, 4, 4, 4)
        options_layout.addWidget(QLabel(self.tr("<b>Options</b>")))
        options_layout.addWidget(self._window.options_panel, 1)
        self.options_frame.setMinimumWidth(340)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.options_frame)
        self.splitter.addWidget(self.view_tabs)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([400, 880])

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 4, 0)
        layout.setSpacing(2)
        layout.addLayout(self._action_bar)
        layout.addWidget(self.splitter, 1)
        self._window.setCentralWidget(central)

    def _build_status_bar(self) -> None:
        self.status_label = QLabel(self.tr("Ready."))
        self.status_label.setObjectName("statusText")
        self.progress_bar = ProgressBar()
        self.progress_bar.setObjectName("progressBar")
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.setValue(0)
        self.progress_bar.setFormat("%p%")
        self.progress_bar.setFixedWidth(220)
        self.progress_bar.setAccessibleName(self.tr("Search progress"))
        self._window.statusBar().addWidget(self.status_label, 1)
        self._window.statusBar().addPermanentWidget(self.progress_bar)

    def _build_actions(self) -> None:
        window = self._window
        icon = window.style().standardIcon
        pixmap = QStyle.StandardPixmap

        def action(icon_name, text, slot, *shortcuts) -> QAction:
            made = QAction(icon(icon_name), text, window) if icon_name is not None else QAction(text, window)
            if shortcuts:
                made.setShortcuts([QKeySequence(s) for s in shortcuts])
            made.triggered.connect(slot)
            return made

        self.open_action = action(pixmap.SP_DirOpenIcon, self.tr("&Open Folder…"), self._on_open_folder,
                                  QKeySequence.StandardKey.Open)
        self.open_action.setStatusTip(self.tr("Choose an image folder to train on"))
        self.open_model_action = action(pixmap.SP_FileIcon, self.tr("Open &Model…"), lambda: self.open_model(),
                                        "Ctrl+Shift+O")
        self.open_model_action.setStatusTip(self.tr("Try an exported model (.keras, .tflite, .onnx, a SavedModel "
                                                    "or an export folder) on new images"))
        self.start_action = action(pixmap.SP_MediaPlay, self.tr("&Start Search"), window.start_search, "Ctrl+R")
        self.stop_action = action(pixmap.SP_MediaStop, self.tr("S&top Search"), window.stop_search, "Ctrl+.",
                                  Qt.Key.Key_Escape)
        self.resume_action = action(pixmap.SP_BrowserReload, self.tr("&Resume Search…"),
                                    lambda: window.resume_search(), "Ctrl+Shift+R")
        self.export_action = action(pixmap.SP_DialogSaveButton, self.tr("&Export Model…"), window.export_model,
                                    "Ctrl+E")
        self.import_weights_action = action(None, self.tr("Import weights file…"), lambda: import_weights_file(window))
        self.import_weights_action.setStatusTip(self.tr("Put ImageNet weights you already have (a Keras .h5 file) "
                                                        "where the transfer backbones find them"))
        self.quit_action = action(None, self.tr("&Quit"), window.close_window, QKeySequence.StandardKey.Quit)
        if self.quit_action.shortcut().isEmpty():
            self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.about_action = action(None, self.tr("&About TuneStudio"), window.show_about)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        for made in (self.open_action, self.start_action, self.stop_action, self.resume_action,
                     self.export_action, self.quit_action):
            window.addAction(made)  # shortcuts work even with the menu bar hidden

    def _build_menus(self) -> None:
        menus = ((self.tr("&File"), (self.open_action, self.open_model_action, self.export_action,
                                     self.import_weights_action, None,
                                     self.quit_action)),
                 (self.tr("&Search"), (self.start_action, self.stop_action, self.resume_action)),
                 (None, ()),  # Playbook and Language
                 (self.tr("&Help"), (self.about_action,)))
        for title, actions in menus:
            if title is None:
                from app.gui.playbook.playbook_menu import install_playbook_menu

                install_playbook_menu(self._window)  # LR finder, mislabels, gallery, ensemble, distillation, k-fold
                self._build_language_menu()
                continue
            menu = self._window.menuBar().addMenu(title)
            for action in actions:
                menu.addSeparator() if action is None else menu.addAction(action)

    def _build_language_menu(self) -> None:
        """System / English / 简体中文; the choice is stored and used from the next start."""
        self.language_menu = self._window.menuBar().addMenu(self.tr("&Language"))
        self.language_menu.setObjectName("languageMenu")
        group = QActionGroup(self._window)
        choice = i18n.stored_choice()
        system_name = dict(i18n.LANGUAGES)[i18n.resolve_language(env={}, choice=i18n.SYSTEM)]
        entries = [(i18n.SYSTEM, self.tr("System ({language})").format(language=system_name))]
        self.language_actions = {}
        for code, name in entries + list(i18n.LANGUAGES):
            made = QAction(name, self._window, checkable=True)
            made.setChecked(code == choice)
            made.triggered.connect(lambda _checked=False, code=code: self._choose_language(code))
            group.addAction(made)
            self.language_menu.addAction(made)
            self.language_actions[code] = made

    def _choose_language(self, code: str) -> None:
        i18n.store_choice(code)
        wanted = i18n.resolve_language(choice=code)
        if wanted == i18n.current_language():
            self.status_label.setText(self.tr("Language saved."))
            return
        # The window's texts are made once; a restart makes every one of them in the new language.
        self._window.dialogs.inform(self.tr("Language"), self.tr("The language changes when TuneStudio starts again."))

    def _button(self, action: QAction, object_name: str, text: str, primary: bool = False) -> QPushButton:
        button = QPushButton(action.icon(), text)
        button.setObjectName(object_name)
        shortcut = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        button.setToolTip(f"{action.text().replace('&', '').rstrip('…')} ({shortcut})")
        button.clicked.connect(action.trigger)
        button.setMinimumHeight(30)
        if primary:
            button.setStyleSheet(PRIMARY_BUTTON_STYLE)
        return button

    def sync_buttons(self) -> None:
        """The action bar's buttons follow their actions' enabled state."""
        for button, action in ((self.start_button, self.start_action), (self.stop_button, self.stop_action),
                               (self.resume_button, self.resume_action), (self.export_button, self.export_action)):
            button.setEnabled(action.isEnabled())

    def set_options_visible(self, visible: bool) -> None:
        self.options_frame.setVisible(visible)
        if self.options_toggle.isChecked() != visible:
            self.options_toggle.setChecked(visible)

    def show_progress(self, state: SearchState) -> None:
        """The progress bar: of the time budget (as a clock), else of the trials, else of the running trial."""
        fraction = state.overall_fraction()
        if fraction is None:
            fraction = state.trial_fraction()  # Hyperband/Grid without a budget: the running trial
        self.progress_bar.setValue(int(round(fraction * 1000)))
        budget = state.time_budget
        self.progress_bar.setFormat(self.tr("{clock} of {clock2}").format(
            clock=format_clock(state.budget_spent()), clock2=format_clock(budget)) if budget else "%p%")

    def show_dataset(self) -> None:
        self.view_tabs.setCurrentIndex(self.dataset_tab_index)

    def open_model(self, path: str | None = None):
        """File > Open Model…: a window to try an exported model (a file, or the folder of the chosen
        ``model_card.json`` / ``saved_model.pb``); returns it, or None when nothing was chosen."""
        if path is None:
            path, _ = QFileDialog.getOpenFileName(
                self._window, self.tr("Open a model to try"), "",
                self.tr("Models (*.keras *.tflite *.onnx model_card.json saved_model.pb)"))
        if not path:
            return None
        if Path(path).name in ("model_card.json", "saved_model.pb"):
            path = str(Path(path).parent)
        # Imported here: the Results pages bring pyqtgraph, which the window loads after its first paint.
        from app.gui.results.use_model_panel import UseModelDialog

        self.model_dialog = UseModelDialog(path, parent=self._window)
        self.model_dialog.show()
        return self.model_dialog

    def _on_open_folder(self) -> None:
        self.show_dataset()
        self._window.dataset_panel.browse()

    # ------------------------------------------------------------------ settings

    def restore_settings(self) -> None:
        store = settings.open_settings()
        restore_geometry(self._window)  # a top-level main window (tests); nested in the frame, the frame's counts
        splitter_state = settings.read("window/splitter", store)
        if not splitter_state.isEmpty():
            self.splitter.restoreState(splitter_state)
        data = settings.read_config_dict()
        if data:
            try:
                self._window.options_panel.set_config(SearchConfig.from_dict(data))
            except (ValueError, TypeError):
                pass  # settings from another version: keep the defaults

    def save_settings(self) -> None:
        store = settings.open_settings()
        window = self._window
        settings.write("window/geometry", window.window().saveGeometry(), store)  # the frame, when nested
        settings.write("window/splitter", self.splitter.saveState(), store)
        config, _errors = window.options_panel.collect(window.dataset_panel.folder)
        if config is not None:
            settings.write("options/last_config", config.to_json(), store)
        if window.search_dir:
            settings.write("search/last_search_dir", window.search_dir, store)
        settings.flush()
