"""The main window's chrome: actions and menus, the action bar, the options column, the view
tabs, the status bar, drag and drop, and the window's saved geometry.

A mixin for :class:`~app.gui.main_window.MainWindow` (a QMainWindow), which supplies the slots
the actions trigger (``start_search``, ``stop_search``, ``resume_search``, ``export_model``,
``show_about``, ``_on_view_tab_changed``) and ``is_running``.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import (QFrame, QHBoxLayout, QLabel, QPushButton, QScrollArea, QSplitter,
                               QStyle, QTabWidget, QVBoxLayout, QWidget)

from app.core.config import SearchConfig
from app.gui import i18n, settings
from app.gui.app_frame import restore_geometry
from app.gui.dataset_panel import DatasetPanel
from app.gui.options_panel import OptionsPanel
from app.gui.progress_bar import ProgressBar
from app.gui.weights_dialog import import_weights_file

PRIMARY_BUTTON_STYLE = (
    "QPushButton { background: #1f6feb; color: white; border: none; border-radius: 4px;"
    " padding: 4px 18px; font-weight: 600; }"
    "QPushButton:hover { background: #388bfd; }"
    "QPushButton:disabled { background: #a9c4ee; color: #eef3fb; }")


class ViewTabs(QTabWidget):
    """The view tabs, without QTabWidget's full repaint on every layout request of a page.

    QTabWidget answers each ``LayoutRequest`` by laying out its tab bar and page area again and
    calling ``update()`` on itself: the whole visible page, plots and tables included, is
    repainted. A page posts one whenever anything in it changes its size hint, which a status
    text does on every batch of a search ("batch loss 0.8123" is wider than "0.812"). When
    neither the tab bar nor the widget's size changed, that layout would come out the same, so
    only the size-hint change is passed on to the parents; the page's own changed widgets
    repaint themselves as usual.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._laid_out_for = None

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:
            key = (self.size(), self.tabBar().sizeHint(), self.count())
            if key == self._laid_out_for and self.isVisible():
                self.updateGeometry()
                return True
            self._laid_out_for = key
        return super().event(event)


class WindowChrome:
    """Builds and keeps the window's frame; see the module docstring."""

    def build_chrome(self, defer_chart: bool) -> None:
        self._build_actions()
        self._build_menus()
        self.dataset_panel = DatasetPanel(defer_chart=defer_chart)
        self.options_panel = OptionsPanel()
        self.options_panel.sample_paths_provider = self.dataset_panel.sample_paths

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
        action_bar = QHBoxLayout()
        action_bar.setContentsMargins(8, 6, 8, 2)
        for button in (self.start_button, self.stop_button, self.resume_button, self.export_button):
            action_bar.addWidget(button)
        action_bar.addSpacing(12)
        action_bar.addWidget(self.options_toggle)
        action_bar.addStretch(1)
        action_bar.addWidget(self.device_label)

        self.view_tabs = ViewTabs()
        self.view_tabs.setObjectName("viewTabs")
        self.dataset_tab_index = self.view_tabs.addTab(self.dataset_panel, self.tr("1 · Dataset"))

        self.options_frame = QFrame()
        self.options_frame.setObjectName("optionsFrame")
        options_layout = QVBoxLayout(self.options_frame)
        options_layout.setContentsMargins(8, 4, 4, 4)
        options_layout.addWidget(QLabel(self.tr("<b>Options</b>")))
        options_layout.addWidget(self.options_panel, 1)
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
        layout.addLayout(action_bar)
        layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)

        self.status_label = QLabel(self.tr("Ready."))
        self.status_label.setObjectName("statusText")
        self.progress_bar = ProgressBar()
        self.progress_bar.setObjectName("progressBar")
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.setValue(0)
        self.progress_bar.setFormat("%p%")
        self.progress_bar.setFixedWidth(220)
        self.progress_bar.setAccessibleName(self.tr("Search progress"))
        self.statusBar().addWidget(self.status_label, 1)
        self.statusBar().addPermanentWidget(self.progress_bar)

    def add_view_tabs(self, training: QWidget, results: QWidget, history: QWidget) -> None:
        self.training_tab_index = self.view_tabs.addTab(training, self.tr("2 · Training"))
        self.results_tab_index = self.view_tabs.addTab(results, self.tr("3 · Results"))
        # In a scroll area, so the history view's minimum width cannot force the whole window wider.
        history_scroll = QScrollArea()
        history_scroll.setObjectName("historyScroll")
        history_scroll.setWidgetResizable(True)
        history_scroll.setFrameShape(QFrame.Shape.NoFrame)
        history_scroll.setWidget(history)
        self.history_tab_index = self.view_tabs.addTab(history_scroll, self.tr("History"))
        self.view_tabs.currentChanged.connect(self._on_view_tab_changed)

    def _build_actions(self) -> None:
        style = self.style()
        icon = style.standardIcon
        pixmap = QStyle.StandardPixmap

        def action(icon_name, text, slot, *shortcuts) -> QAction:
            made = QAction(icon(icon_name), text, self) if icon_name is not None else QAction(text, self)
            if shortcuts:
                made.setShortcuts([QKeySequence(s) for s in shortcuts])
            made.triggered.connect(slot)
            return made

        self.open_action = action(pixmap.SP_DirOpenIcon, self.tr("&Open Folder…"), self._on_open_folder,
                                  QKeySequence.StandardKey.Open)
        self.open_action.setStatusTip(self.tr("Choose an image folder to train on"))
        self.start_action = action(pixmap.SP_MediaPlay, self.tr("&Start Search"), self.start_search, "Ctrl+R")
        self.stop_action = action(pixmap.SP_MediaStop, self.tr("S&top Search"), self.stop_search, "Ctrl+.",
                                  Qt.Key.Key_Escape)
        self.resume_action = action(pixmap.SP_BrowserReload, self.tr("&Resume Search…"), lambda: self.resume_search(),
                                    "Ctrl+Shift+R")
        self.export_action = action(pixmap.SP_DialogSaveButton, self.tr("&Export Model…"), self.export_model, "Ctrl+E")
        self.import_weights_action = action(None, self.tr("Import weights file…"), lambda: import_weights_file(self))
        self.import_weights_action.setStatusTip(self.tr("Put ImageNet weights you already have (a Keras .h5 file) "
                                                        "where the transfer backbones find them"))
        self.quit_action = action(None, self.tr("&Quit"), self.close_window, QKeySequence.StandardKey.Quit)
        if self.quit_action.shortcut().isEmpty():
            self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.about_action = action(None, self.tr("&About TuneStudio"), self.show_about)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        for made in (self.open_action, self.start_action, self.stop_action, self.resume_action,
                     self.export_action, self.quit_action):
            self.addAction(made)  # shortcuts work even with the menu bar hidden

    def _build_menus(self) -> None:
        menus = ((self.tr("&File"), (self.open_action, self.export_action, self.import_weights_action, None,
                                     self.quit_action)),
                 (self.tr("&Search"), (self.start_action, self.stop_action, self.resume_action)),
                 (None, ()),  # Playbook and Language
                 (self.tr("&Help"), (self.about_action,)))
        for title, actions in menus:
            if title is None:
                from app.gui.playbook_menu import install_playbook_menu

                install_playbook_menu(self)  # LR finder, mislabels, gallery, ensemble, distillation, k-fold
                self._build_language_menu()
                continue
            menu = self.menuBar().addMenu(title)
            for action in actions:
                menu.addSeparator() if action is None else menu.addAction(action)

    def _build_language_menu(self) -> None:
        """System / English / 简体中文; the choice is stored and used from the next start."""
        self.language_menu = self.menuBar().addMenu(self.tr("&Language"))
        self.language_menu.setObjectName("languageMenu")
        group = QActionGroup(self)
        choice = i18n.stored_choice()
        system_name = dict(i18n.LANGUAGES)[i18n.resolve_language(env={}, choice=i18n.SYSTEM)]
        entries = [(i18n.SYSTEM, self.tr("System ({language})").format(language=system_name))]
        self.language_actions = {}
        for code, name in entries + list(i18n.LANGUAGES):
            made = QAction(name, self, checkable=True)
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
        self.dialogs.inform(self.tr("Language"), self.tr("The language changes when TuneStudio starts again."))

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

    # ------------------------------------------------------------------ dataset chrome

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

    # ------------------------------------------------------------------ settings

    def restore_settings(self) -> None:
        store = settings.open_settings()
        restore_geometry(self)  # a top-level main window (tests); nested in the frame, the frame's counts
        splitter_state = settings.read("window/splitter", store)
        if not splitter_state.isEmpty():
            self.splitter.restoreState(splitter_state)
        data = settings.read_config_dict()
        if data:
            try:
                self.options_panel.set_config(SearchConfig.from_dict(data))
            except (ValueError, TypeError):
                pass  # settings from another version: keep the defaults

    def close_window(self) -> None:
        """Quit: close the top-level window (the frame, when this window is nested in it)."""
        self.window().close()

    def save_settings(self) -> None:
        store = settings.open_settings()
        settings.write("window/geometry", self.window().saveGeometry(), store)  # the frame, when nested
        settings.write("window/splitter", self.splitter.saveState(), store)
        config, _errors = self.options_panel.collect(self.dataset_panel.folder)
        if config is not None:
            settings.write("options/last_config", config.to_json(), store)
        if self.search_dir:
            settings.write("search/last_search_dir", self.search_dir, store)
        settings.flush()
