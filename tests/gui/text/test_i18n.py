"""The Chinese interface: the .ts lists every string, the .qm is compiled from it, the window in
zh_CN shows no English, the language follows the locale, core messages are translated."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, QModelIndex, Qt
from PySide6.QtWidgets import (QAbstractButton, QAbstractItemView, QAbstractSpinBox, QApplication, QComboBox,
                               QGroupBox, QLabel, QLineEdit, QMenu, QTabWidget, QWidget)

from translation_sources import translation_sources  # packaging/, on pytest's pythonpath

from app.gui.text import core_text, language as i18n
from app.gui import settings

REPO = Path(__file__).resolve().parents[3]
I18N = REPO / "resources" / "i18n"
TS = I18N / "tunestudio_zh_CN.ts"
QM = I18N / "tunestudio_zh_CN.qm"
BIN = Path(sys.executable).parent
FLOWERS = REPO / "tests" / "data" / "flowers-32"

# Words that stay as they are in the Chinese interface: names, formats, units, identifiers users type.
PROPER = {
    "tunestudio", "tensorflow", "keras", "tuner", "adam", "adamw", "sgd", "rmsprop", "resnet", "resnet50", "resnet50v2",
    "mobilenetv2", "efficientnetb0", "vgg", "mlp", "onnx", "tflite", "savedmodel", "px", "cnn", "imagenet",
    "hyperband", "tensorboard", "hparams", "json", "csv", "cpu", "gpu", "jpeg", "png", "exif", "cmyk", "rgb",
    "sqlite", "id", "qt", "pyside6", "python", "pyqtgraph", "mb", "gb", "kb", "ms", "min", "nesterov",
    "int8", "float16", "float32", "fp16", "uint8", "relu", "he_normal", "glorot_uniform", "l1", "l2",
    "ctrl", "shift", "esc", "tf2onnx", "opset", "serving_default", "serve_bytes", "mirroredstrategy",
    "keras_tuner", "val_accuracy", "val_loss", "model", "saved_model", "model_card", "onnxruntime", "tcp",
    "ssh", "nfs", "smb", "top", "k", "softmax", "dropout", "batchnorm", "ok", "alpha", "kl", "ce",
    "english", "none", "tf", "serving", "runtime", "lite",  # a language name; a word users type; product names
}
WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]+")


def english_words(text: str, allowed: set[str]) -> list[str]:
    text = re.sub(r"<code>.*?</code>", " ", text)  # commands to type
    text = re.sub(r"<[^>]+>", " ", text)  # rich text tags
    text = re.sub(r"&\w+;", " ", text)
    text = re.sub(r"\S*[/\\]\S*", " ", text)  # paths and URLs
    text = re.sub(r"\b\w+\.(?:py|json|jsonl|npz|sqlite3|keras|tflite|onnx|csv|png|jpg|qm|ts|txt)\b", " ", text)
    text = re.sub(r"(?<!\w)\.\w+", " ", text)  # .excluded, .keras
    text = re.sub(r"\b\d+(?:\.\d+)?e[-+]?\d+\b", " ", text)  # 3e-3
    words = [w for w in WORD.findall(text) if w.lower() not in PROPER and w.lower() not in allowed]
    return [w for w in words if not re.fullmatch(r"\d*[a-z]?\d+[a-z]?", w.lower())]


def widget_texts(root: QWidget):
    """(where, text) for every text a person can see or hover in ``root`` and its children."""
    for w in [root] + root.findChildren(QWidget):
        name = f"{type(w).__name__}#{w.objectName()}"
        if w.isWindow() and w.windowTitle():
            yield name + " title", w.windowTitle()
        if w.toolTip():
            yield name + " tooltip", w.toolTip()
        if isinstance(w, QLabel):
            yield name, w.text()
        elif isinstance(w, QAbstractButton):
            yield name, w.text()
        elif isinstance(w, QGroupBox):
            yield name, w.title()
        elif isinstance(w, QAbstractSpinBox):
            for part in ("prefix", "suffix", "specialValueText"):
                if hasattr(w, part):
                    yield name + f" {part}", getattr(w, part)()
        elif isinstance(w, QLineEdit):
            yield name + " placeholder", w.placeholderText()
        elif isinstance(w, QComboBox):
            for i in range(w.count()):
                yield name + f" item {i}", w.itemText(i)
                tip = w.itemData(i, Qt.ItemDataRole.ToolTipRole)
                if tip:
                    yield name + f" item {i} tooltip", str(tip)
        elif isinstance(w, QTabWidget):
            for i in range(w.count()):
                yield name + f" tab {i}", w.tabText(i)
                yield name + f" tab {i} tooltip", w.tabToolTip(i)
        elif isinstance(w, QMenu):
            yield name + " menu", w.title()
        if isinstance(w, QAbstractItemView) and w.model() is not None:
            model = w.model()
            columns = _column_count(model)
            for orientation, count in ((Qt.Orientation.Horizontal, columns), (Qt.Orientation.Vertical, 0)):
                for section in range(count):
                    header = model.headerData(section, orientation)
                    if header:
                        yield name + f" header {section}", str(header)
                    tip = model.headerData(section, orientation, Qt.ItemDataRole.ToolTipRole)
                    if tip:
                        yield name + f" header {section} tooltip", str(tip)
            for row in range(min(model.rowCount(QModelIndex()), 20)):
                for col in range(columns):
                    index = model.index(row, col)
                    for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                        value = model.data(index, role)
                        if isinstance(value, str) and value:
                            yield name + f" cell {row},{col}", value
    for action in root.findChildren(QMenu):
        for item in action.actions():
            yield f"menu {action.title()} action", item.text()
            if item.toolTip() != item.text().replace("&", ""):
                yield f"menu {action.title()} action tooltip", item.toolTip()


def _column_count(model) -> int:
    try:
        return model.columnCount(QModelIndex())
    except TypeError:  # QAbstractListModel keeps columnCount private: one column
        return 1


def english_in(root: QWidget, allowed: set[str]) -> list[str]:
    found = []
    for where, text in widget_texts(root):
        words = english_words(str(text), allowed)
        if words:
            found.append(f"{where}: {text!r} -> {words}")
    return sorted(set(found))


# ---------------------------------------------------------------------------- the files


def _messages(path: Path) -> dict[tuple[str, str], str]:
    out = {}
    for context in ET.parse(path).getroot().iter("context"):
        name = context.findtext("name")
        for message in context.iter("message"):
            translation = message.find("translation")
            done = translation is not None and translation.get("type") not in ("unfinished", "obsolete", "vanished")
            out[(name, message.findtext("source"))] = (translation.text or "") if done else ""
    return out


def test_the_ts_lists_every_string_of_the_window_and_translates_each(tmp_path):
    copy = tmp_path / TS.name
    shutil.copy(TS, copy)
    # The same files `make translations` reads (the window's, and the core's that mark text for it).
    sources = translation_sources(REPO)
    subprocess.run([str(BIN / "pyside6-lupdate"), "-locations", "none", "-no-obsolete", *sources, "-ts", str(copy)],
                   check=True, capture_output=True, cwd=REPO)
    fresh, committed = _messages(copy), _messages(TS)
    assert set(fresh) == set(committed), "run `make translations`: the .ts is behind the code"
    untranslated = [key for key, text in committed.items() if not text]
    assert not untranslated, f"{len(untranslated)} untranslated, e.g. {untranslated[:5]}"
    printf_style = [source for _context, source in committed if re.search(r"%(?:\d|n|s|d|\.\d)", source)]
    assert not printf_style, f"use named fields ({{name}}), not %-placeholders: {printf_style}"
    for (context, source), text in committed.items():
        fields = set(re.findall(r"\{(\w+)[^}]*\}", source))
        assert set(re.findall(r"\{(\w+)[^}]*\}", text)) == fields, (context, source, text)


def test_the_committed_qm_is_compiled_from_the_ts(tmp_path):
    out = tmp_path / QM.name
    subprocess.run([str(BIN / "pyside6-lrelease"), str(TS), "-qm", str(out)], check=True, capture_output=True)
    assert out.read_bytes() == QM.read_bytes(), "run `make translations`: the .qm is older than the .ts"


# ---------------------------------------------------------------------------- choosing the language


def test_the_language_follows_the_system_locale_unless_chosen_in_the_menu():
    assert i18n.resolve_language(env={}, choice="", system=QLocale("zh_CN")) == "zh_CN"
    assert i18n.resolve_language(env={}, choice="", system=QLocale("de_DE")) == "en"
    assert i18n.resolve_language(env={}, choice="en", system=QLocale("zh_CN")) == "en"
    assert i18n.resolve_language(env={}, choice="zh_CN", system=QLocale("en_US")) == "zh_CN"
    assert i18n.resolve_language(env={"TUNESTUDIO_LANGUAGE": "zh_CN.UTF-8"}, choice="en") == "zh_CN"


def test_lang_zh_cn_starts_the_application_in_chinese(tmp_path):
    code = ("from app.gui.window.app import create_application\n"
            "from PySide6.QtCore import QCoreApplication, QLocale\n"
            "from app.gui.text import language as i18n\n"
            "app = create_application([])\n"
            "print(i18n.current_language(), QLocale().name(), QCoreApplication.translate('WindowChrome', 'Ready.'))\n")
    env = {k: v for k, v in os.environ.items() if k not in ("TUNESTUDIO_LANGUAGE", "LANGUAGE", "LC_ALL")}
    env.update(LANG="zh_CN.UTF-8", QT_QPA_PLATFORM="offscreen", TUNESTUDIO_HOME=str(tmp_path), PYTHONPATH=str(REPO))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["zh_CN", "zh_CN", "就绪。"]


def test_the_language_menu_stores_the_choice_for_the_next_start(qtbot):
    from app.gui import MainWindow
    from scripted_dialogs import ScriptedDialogs

    window = MainWindow(device_probe=lambda: {"device": "CPU"})
    window.dialogs = ScriptedDialogs()
    qtbot.addWidget(window)
    assert [a.text() for a in window.chrome.language_menu.actions()][1:] == ["English", "简体中文"]
    window.chrome.language_actions["zh_CN"].trigger()
    assert settings.read("ui/language") == "zh_CN" and i18n.stored_choice() == "zh_CN"
    window.chrome.language_actions[""].trigger()
    assert settings.read("ui/language") == ""


# ---------------------------------------------------------------------------- core messages


@pytest.fixture
def chinese(qapp):
    assert i18n.install(qapp, "zh_CN") == "zh_CN"
    yield qapp
    i18n.install(qapp, "en")


def test_core_messages_are_translated_with_their_variable_parts(chinese):
    text = core_text.translate("3 files cannot be used (2 corrupt image, 1 empty file); see the problem list.")
    assert "3" in text and "损坏" in text and "see" not in text
    assert core_text.translate("/data/x: folder not found") == "/data/x：找不到文件夹"
    assert "roses" in core_text.translate("Class 'roses' has only 1 image: results will be unreliable.")
    assert core_text.translate("Something the core says that no template knows") == \
        "Something the core says that no template knows"


def test_a_core_message_with_an_id_is_translated_by_its_id_not_its_wording(chinese):
    from app.core.search import events as ev
    from app.core.search.planning.budget import BUDGET_SPENT
    from app.core.util.i18n import QT_TRANSLATE_NOOP
    from app.core.util.messages import message

    reason = message(QT_TRANSLATE_NOOP("CoreMessages", "Time budget of {budget} reached. {detail}",
                                       "search.budget_reached_because"), budget="10m", detail=BUDGET_SPENT)
    event = json.loads(json.dumps(ev.make_event(ev.SEARCH_FINISHED, reason=reason)))
    shown = core_text.translate_event(event, "reason")
    assert shown.startswith("已达到 10m 的时间预算。") and "budget" not in shown
    assert core_text.translate(reason) == shown  # the same message in this process
    # Its id, not its English, picks the translation: wording the .ts has not seen yet shows as
    # English (until `make translations` carries the translation over by the id), never wrongly.
    event["reason_msg"]["template"] = "The {budget} budget ran out. {detail}"
    assert core_text.translate_event(event, "reason").startswith("The 10m budget ran out.")
    del event["reason_msg"]  # an older event without an id: matched by its wording, as before
    assert core_text.translate_event(event, "reason") == shown


def test_the_budget_plan_reads_as_chinese(chinese):
    """The planner's own words (app.core.search.planning.budget), both plans, through app.gui.text.core_text."""
    from app.core.search.planning.budget import BudgetClock, BudgetPlanner

    for budget in (600, 3000):
        planner = BudgetPlanner(BudgetClock(budget, clock=lambda: 40.0), 30)
        planner.plan_trial("0", 21.0)
        text = planner.plan_summary(21.0)
        shown = core_text.translate(text)
        assert shown != text and not english_words(shown, {"m"}), (text, shown)
        assert str(planner.target_epochs) in shown


def test_what_a_scan_reports_reads_as_chinese(chinese, tmp_path):
    """Real scan warnings, skip reasons and folder errors of the core, through app.gui.text.core_text."""
    from app.core.data.dataset_report import DatasetError
    from app.core.data.dataset import scan_dataset

    root = tmp_path / "photos"
    for name in ("daisy", "roses"):
        shutil.copytree(FLOWERS / name, root / name)
    (root / "tulips").mkdir()
    shutil.copy(next((FLOWERS / "tulips").glob("*.jpg")), root / "tulips" / "only.jpg")
    (root / "daisy" / "notes.jpg").write_text("not an image at all")
    (root / "roses" / "empty.jpg").write_bytes(b"")
    report = scan_dataset(str(root))
    texts = [p.reason for p in report.problems] + list(report.warnings)
    assert len(texts) >= 4, texts
    allowed = {"daisy", "roses", "tulips", "notes", "empty", "only", "jpg", "jpeg"}
    for text in texts:
        shown = core_text.translate(text)
        assert not english_words(shown, allowed), (text, shown)
    (root / "roses").rename(tmp_path / "roses")
    (root / "tulips").rename(tmp_path / "tulips")
    with pytest.raises(DatasetError) as failed:
        scan_dataset(str(root)).check_trainable()
    shown = core_text.translate(str(failed.value))
    assert not english_words(shown, allowed | {"photos"}), (str(failed.value), shown)


def test_a_refused_option_says_why_in_chinese(chinese, qtbot):
    from app.gui.options.options_panel import OptionsPanel

    options = OptionsPanel()
    qtbot.addWidget(options)
    options.width_edit.setText("wide")
    options.learning_rate_range.set_spec({"min": 0.1, "max": 0.01, "log": True})
    config, errors = options.collect(str(FLOWERS))
    assert config is None and len(errors) >= 1
    shown = options.error_label.text() + "\n" + options.width_edit.toolTip()
    assert "wide" in shown and not english_words(shown, {"wide"}), shown


# ---------------------------------------------------------------------------- the window in Chinese


def test_the_window_in_chinese_shows_no_english(chinese, qtbot, tmp_path):
    """Every tab, menu and dialog that opens without training, before and after a (fake) search."""
    from window_fakes import FakeRunner, fake_device_probe, scan

    from app.gui import MainWindow
    from scripted_dialogs import ScriptedDialogs

    window = MainWindow(runner=FakeRunner(n_trials=3, epochs=2), device_probe=fake_device_probe)
    window.dialogs = ScriptedDialogs()
    qtbot.addWidget(window)
    window.show()
    window.build_deferred_tabs()
    scan(qtbot, window, FLOWERS)
    allowed = {c.lower() for c in window.dataset_panel.report.classes} | {"flowers", "32"}
    problems = english_in(window, allowed)
    with qtbot.waitSignal(window.session.finished, timeout=30000):
        window.start_search()
    for index in range(window.chrome.view_tabs.count()):
        window.chrome.view_tabs.setCurrentIndex(index)
        QApplication.processEvents()
    problems += english_in(window, allowed | {"fake"})
    about = window.show_about()
    problems += english_in(about, allowed)
    about.close()
    from app.gui.dialogs.export_dialog import ExportDialog
    from app.gui.playbook.playbook_menu import ENTRIES, open_playbook_dialog

    export = ExportDialog(window.search_dir, tmp_path / "export", None, parent=window)
    problems += english_in(export, allowed)
    export.close()
    for key, _text in ENTRIES:  # every playbook tool's panel, before it runs
        dialog = open_playbook_dialog(window, key)
        assert dialog is not None, key
        QApplication.processEvents()
        problems += english_in(dialog, allowed)
        dialog.close()
    problems = sorted(set(problems))
    assert not problems, f"{len(problems)} English texts:\n" + "\n".join(problems[:int(os.environ.get("I18N_SHOW", "80"))])


def test_carry_translations_follows_a_core_messages_id_when_its_english_is_reworded(tmp_path):
    sys.path.insert(0, str(REPO / "packaging"))
    try:
        from carry_translations import carry
    finally:
        sys.path.pop(0)
    ts = tmp_path / "x.ts"
    ts.write_text(
        '<?xml version="1.0" encoding="utf-8"?><!DOCTYPE TS><TS version="2.1" language="zh_CN">'
        '<context><name>CoreMessages</name>'
        '<message><source>All {done} trials ran.</source><comment>search.all_trials_ran</comment>'
        '<translation type="vanished">{done} 个试验已全部运行完。</translation></message>'
        '<message><source>Every one of the {done} trials ran.</source><comment>search.all_trials_ran</comment>'
        '<translation type="unfinished"></translation></message>'
        '<message><source>Mixed precision needs a GPU.</source><translation>混合精度需要 GPU。</translation></message>'
        '<message><source>Mixed precision needs a GPU.</source><comment>search.mixed_needs_gpu</comment>'
        '<translation type="unfinished"></translation></message></context></TS>', encoding="utf-8")
    assert carry(str(ts)) == 2
    carried = {(m.findtext("source"), m.findtext("comment")): m.find("translation").text
               for m in ET.parse(ts).getroot().iter("message") if m.find("translation").get("type") is None}
    assert carried[("Every one of the {done} trials ran.", "search.all_trials_ran")] == "{done} 个试验已全部运行完。"
    assert carried[("Mixed precision needs a GPU.", "search.mixed_needs_gpu")] == "混合精度需要 GPU。"


def test_carry_translations_finishes_a_moved_string_that_lupdate_prefilled(tmp_path):
    """lupdate's same-text heuristic pre-fills a moved string but leaves it unfinished; the carry
    step finishes it with the translation the string had in its old class."""
    sys.path.insert(0, str(REPO / "packaging"))
    try:
        from carry_translations import carry
    finally:
        sys.path.pop(0)
    ts = tmp_path / "x.ts"
    ts.write_text(
        '<?xml version="1.0" encoding="utf-8"?><!DOCTYPE TS><TS version="2.1" language="zh_CN">'
        '<context><name>Old</name><message><source>Browse…</source>'
        '<translation type="vanished">浏览…</translation></message></context>'
        '<context><name>New</name><message><source>Browse…</source>'
        '<translation type="unfinished">浏览…</translation></message>'
        '<message><source>Never seen</source><translation type="unfinished"></translation></message></context></TS>',
        encoding="utf-8")
    assert carry(str(ts)) == 1
    new = [c for c in ET.parse(ts).getroot() if c.findtext("name") == "New"][0]
    states = {m.findtext("source"): m.find("translation").get("type") for m in new.iter("message")}
    assert states == {"Browse…": None, "Never seen": "unfinished"}
