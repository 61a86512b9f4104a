"""The window's language: which translation loads, the locale numbers and dates follow, a CJK font.

English is the source language (the strings in the code); Simplified Chinese comes from
``resources/i18n/tunestudio_zh_CN.qm``, compiled from the ``.ts`` beside it (``make translations``,
a test checks the committed ``.qm`` is up to date). The language is, in this order: the
``TUNESTUDIO_LANGUAGE`` environment variable (the tests force ``en`` with it), the choice in the
Language menu (settings ``ui/language``), the system locale (``LANG=zh_CN.UTF-8`` gives Chinese).
A change in the menu takes effect on the next start.
"""
from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QDateTime, QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QFont, QFontDatabase

from app.core.util import paths
from app.gui import settings

ENV_VAR = "TUNESTUDIO_LANGUAGE"
SYSTEM = ""  # the settings value meaning "follow the system locale"
# (code, name shown in the Language menu: each in its own language, as menus of this kind do)
LANGUAGES: tuple[tuple[str, str], ...] = (("en", "English"), ("zh_CN", "简体中文"))
CATALOG = "tunestudio"
# Fonts that draw Chinese, preferred first (app.cli.doctor names the package that provides the first).
CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Micro Hei",
                "WenQuanYi Zen Hei", "Droid Sans Fallback", "AR PL UMing CN", "Microsoft YaHei",
                "PingFang SC", "SimSun")

_installed: list[QTranslator] = []
_language = "en"
_cjk_applied = False


def translations_dir() -> Path:
    return paths.resources_dir() / "i18n"


def qm_file(language: str) -> Path:
    return translations_dir() / f"{CATALOG}_{language}.qm"


def stored_choice() -> str:
    """The Language menu's choice: '' (the system's), 'en' or 'zh_CN'."""
    choice = settings.read("ui/language")
    return choice if choice in dict(LANGUAGES) else SYSTEM


def store_choice(choice: str) -> None:
    settings.write("ui/language", choice if choice in dict(LANGUAGES) else SYSTEM)


def _supported(name: str) -> str | None:
    """'zh_CN' for any Chinese locale name written in simplified script (zh, zh_CN, zh_SG,
    zh-Hans...), 'en' for English; None otherwise."""
    if not name:
        return None
    locale = QLocale(name.split(".")[0].replace("-", "_"))
    if locale.language() == QLocale.Language.Chinese:
        # Traditional-script locales (zh_TW, zh_HK) get Simplified Chinese too: closer than English.
        return "zh_CN"
    if locale.language() == QLocale.Language.English:
        return "en"
    return None


def resolve_language(env: dict | None = None, choice: str | None = None,
                     system: QLocale | None = None) -> str:
    """The language code the window uses now (see the module docstring for the order)."""
    env = os.environ if env is None else env
    forced = _supported(env.get(ENV_VAR, ""))
    if forced:
        return forced
    choice = stored_choice() if choice is None else choice
    if choice in dict(LANGUAGES):
        return choice
    system = system or QLocale.system()
    return _supported(system.name()) or "en"


def current_language() -> str:
    return _language


def install(app: QCoreApplication, language: str | None = None) -> str:
    """Load the translations of ``language`` (default: :func:`resolve_language`) into ``app``,
    set the default locale numbers and dates follow, and a font that draws Chinese. Returns the
    language really used ('en' when its translation file is missing)."""
    global _language
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    language = language or resolve_language()
    if language != "en":
        ours = QTranslator(app)
        if not ours.load(str(qm_file(language))):
            language = "en"
        else:
            app.installTranslator(ours)
            _installed.append(ours)
            # Qt's own strings (standard buttons, file dialogs), when PySide6 ships them.
            qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
            qt_base = QTranslator(app)
            if qt_base.load(f"qtbase_{language}", qt_dir):
                app.installTranslator(qt_base)
                _installed.append(qt_base)
    _language = language
    QLocale.setDefault(QLocale("en_US" if language == "en" else language))
    if language != "en":
        ensure_cjk_font(app)  # the interface itself is Chinese: before any text is drawn
    return language


def cjk_font_family(families: list[str] | None = None) -> str | None:
    """The first installed family of :data:`CJK_FAMILIES`, or None."""
    available = set(QFontDatabase.families() if families is None else families)
    return next((family for family in CJK_FAMILIES if family in available), None)


def ensure_cjk_font(app=None) -> None:
    """The CJK fallback behind the English interface too (for Chinese class and folder names),
    set once when the main window is built: querying the font database takes ~10 ms, which the
    first paint need not wait for."""
    global _cjk_applied
    app = app or QCoreApplication.instance()
    if not _cjk_applied and app is not None:
        _cjk_applied = True
        apply_cjk_font(app)


def apply_cjk_font(app) -> str | None:
    """Put a CJK family behind the application font (Latin text keeps the system font; Chinese
    interface text and Chinese class names get real glyphs instead of boxes). Returns the family."""
    family = cjk_font_family()
    if family is None or not hasattr(app, "font"):
        return None
    font = QFont(app.font())
    families = [f for f in font.families() or [font.family()] if f != family]
    if _language == "zh_CN":
        families.insert(0, family)  # Chinese text set in one CJK face, Latin in its own glyphs
    else:
        families.append(family)
    font.setFamilies(families)
    app.setFont(font)
    return family


# ---------------------------------------------------------------------- locale-aware formatting

def format_int(value: int) -> str:
    """An integer with the locale's digit grouping (1,234)."""
    return QLocale().toString(int(value))


def format_datetime(timestamp: float | None) -> str:
    """A Unix time as the locale's short date and time (2026-12-01 20:05 / 2026/12/1 20:05)."""
    if not timestamp:
        return "–"
    moment = QDateTime.fromSecsSinceEpoch(int(timestamp))
    return QLocale().toString(moment, QLocale.FormatType.ShortFormat)
