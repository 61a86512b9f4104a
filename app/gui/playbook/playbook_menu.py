"""The window's "Playbook" menu: each entry opens one playbook dialog on the current search.

``install_playbook_menu(window)`` is the only hook in the main window. The dialogs work on the
search the window shows (``window.search_dir``), or one the user picks; the LR finder works on the
dataset folder and applies its range to the options. Finished tasks are recorded through the
history view's store (the GUI thread's connection).
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from app.gui.session.playbook_tasks import TaskDialog

ENTRIES = (
    ("gallery", QT_TRANSLATE_NOOP("PlaybookMenu", "&Misclassified Images…")),
    ("mislabels", QT_TRANSLATE_NOOP("PlaybookMenu", "Suspected &Mislabels…")),
    ("lr_find", QT_TRANSLATE_NOOP("PlaybookMenu", "Find &Learning Rate…")),
    ("ensemble", QT_TRANSLATE_NOOP("PlaybookMenu", "&Ensemble the Best k…")),
    ("distill", QT_TRANSLATE_NOOP("PlaybookMenu", "&Distil into a Smaller Model…")),
    ("kfold", QT_TRANSLATE_NOOP("PlaybookMenu", "&k-Fold Cross-Validation…")),
)


def install_playbook_menu(window) -> dict[str, QAction]:
    menu = window.menuBar().addMenu(QCoreApplication.translate("PlaybookMenu", "&Playbook"))
    actions = {}
    for key, text in ENTRIES:
        action = QAction(QCoreApplication.translate("PlaybookMenu", text), window)
        action.triggered.connect(lambda _checked=False, k=key: open_playbook_dialog(window, k))
        menu.addAction(action)
        actions[key] = action
    window.playbook_actions = actions
    _hook_results_matrix(window)
    return actions


def _hook_results_matrix(window, tries: int = 120) -> None:
    """Double-clicking a cell of the Results tab's confusion matrix opens the gallery on that cell.

    The Results tab may be built after the first paint, so this waits for it (checking 4x a second).
    """
    table = getattr(getattr(_built_page(window, "_results_page"), "best_confusion", None), "matrix_view", None)
    if table is None:
        if tries > 0:
            QTimer.singleShot(250, window, lambda: _hook_results_matrix(window, tries - 1))
        return
    table.setToolTip(QCoreApplication.translate("PlaybookMenu", "Double-click a cell to see its images"))
    table.doubleClicked.connect(lambda index: open_gallery_on_cell(window, index.row(), index.column()))


def open_gallery_on_cell(window, true_class: int, predicted_class: int):
    """The best trial's gallery, filtered to one confusion cell (rows true, columns predicted)."""
    dialog = open_playbook_dialog(window, "gallery")
    if dialog is not None:
        gallery = dialog.findChild(QWidget, "trialGallery")
        if gallery is not None and gallery.gallery.preds is not None:
            gallery.gallery.set_cell(true_class, predicted_class)
    return dialog


def _built_page(window, name: str):
    """A lazily built tab's page (``_results_page``, ``_history_page``) when it exists, else None.

    Never builds it: reading a page before the first paint would load pyqtgraph too early.
    """
    page = vars(window).get(name)
    return page.content() if page is not None and page.built else None


def _history(window):
    return getattr(_built_page(window, "_history_page"), "store", None)


def _search_dir(window) -> str | None:
    """The search the History tab shows when it is in view, else the window's last search, else asked."""
    current = getattr(window, "search_dir", None)
    view = _built_page(window, "_history_page")
    if view is not None and view.isVisible() and hasattr(view, "current_search"):
        current = (view.current_search() or {}).get("search_dir") or current
    if current and (Path(current) / "search.json").is_file():
        return str(current)
    from app.core.util.paths import searches_dir

    folder = QFileDialog.getExistingDirectory(
        window, QCoreApplication.translate("PlaybookMenu", "Choose a search folder"), str(searches_dir()))
    if not folder:
        return None
    if not (Path(folder) / "search.json").is_file():
        QMessageBox.information(window, QCoreApplication.translate("PlaybookMenu", "Playbook"), QCoreApplication.translate(
            "PlaybookMenu", "{folder} is not a TuneStudio search folder (no search.json).").format(folder=folder))
        return None
    return folder


def _completed_trials(search_dir: str) -> list[str]:
    """Trials with weights, best first."""
    from app.core.options.config import SearchConfig
    from app.core.search.search_dir import load_search_info
    from app.core.search.trials import ranked_trials

    objective = SearchConfig.from_dict(load_search_info(search_dir)["config"]).objective
    return [t["trial_id"] for t in ranked_trials(search_dir, objective)]


def build_playbook_widget(window, key: str) -> tuple[QWidget, str] | None:
    """The widget and title for one entry, or None when the user cancelled or nothing fits."""
    history = _history(window)
    if key == "lr_find":
        from app.gui.playbook.lr_finder_view import LRFinderPanel

        folder = getattr(getattr(window, "dataset_panel", None), "folder", "") or ""
        if not folder or not Path(folder).is_dir():
            QMessageBox.information(window, QCoreApplication.translate("PlaybookMenu", "Playbook"),
                                    QCoreApplication.translate("PlaybookMenu", "Open an image folder first."))
            return None
        config = window.options_panel.config(folder) if hasattr(window, "options_panel") else None
        size = getattr(config, "image_size", 64)
        panel = LRFinderPanel(folder, architecture=getattr(config, "architecture", "simple_cnn"),
                              image_size=size if isinstance(size, int) else 64, history=history,
                              config=config.to_dict() if config is not None else None)
        panel.rangeApplied.connect(lambda lo, hi: apply_range(window, lo, hi))
        return panel, QCoreApplication.translate("PlaybookMenu", "Find Learning Rate")
    search_dir = _search_dir(window)
    if search_dir is None:
        return None
    if key == "gallery":
        from app.gui.results.misclassified_gallery import TrialGallery

        return TrialGallery(search_dir), QCoreApplication.translate("PlaybookMenu", "Misclassified Images")
    if key == "mislabels":
        from app.gui.playbook.mislabel_view import MislabelPanel

        panel = MislabelPanel(search_dir, history=history)
        panel.datasetChanged.connect(lambda folder: _rescan(window, folder))
        return panel, QCoreApplication.translate("PlaybookMenu", "Suspected Mislabels")
    if key == "ensemble":
        from app.gui.playbook.ensemble_kfold_view import EnsemblePanel

        return EnsemblePanel(search_dir, history=history), QCoreApplication.translate("PlaybookMenu",
                                                                                       "Ensemble the Best k")
    if key == "distill":
        from app.gui.playbook.distill_view import DistillPanel

        return (DistillPanel(search_dir, _completed_trials(search_dir), history=history),
                QCoreApplication.translate("PlaybookMenu", "Distil into a Smaller Model"))
    if key == "kfold":
        from app.gui.playbook.ensemble_kfold_view import KFoldPanel

        return (KFoldPanel(search_dir, _completed_trials(search_dir), history=history),
                QCoreApplication.translate("PlaybookMenu", "k-Fold Cross-Validation"))
    raise ValueError(key)


def open_playbook_dialog(window, key: str):
    built = build_playbook_widget(window, key)
    if built is None:
        return None
    widget, title = built
    if hasattr(widget, "shutdown"):
        dialog = TaskDialog(widget, title, window)
    else:
        from PySide6.QtWidgets import QDialog, QVBoxLayout

        dialog = QDialog(window)
        dialog.setWindowTitle(title)
        QVBoxLayout(dialog).addWidget(widget)
    dialog.resize(1000, 680)
    dialog.show()
    window._playbook_dialog = dialog  # keep a reference while it is open
    return dialog


def apply_range(window, low: float, high: float) -> None:
    options = getattr(window, "options_panel", None)
    if options is not None:
        options.learning_rate_range.set_spec({"min": float(f"{low:.3g}"), "max": float(f"{high:.3g}"), "log": True})


def _rescan(window, folder: str) -> None:
    panel = getattr(window, "dataset_panel", None)
    if panel is not None and not getattr(window, "is_running", False):
        panel.scan(folder)
