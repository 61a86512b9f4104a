"""The files Qt Linguist reads for the Chinese interface: every window module, and the core modules
that mark text for it with QT_TRANSLATE_NOOP (app/core/util/i18n.py). One list for `make
translations` and tests/gui/text/test_i18n.py, walked recursively so a new package is never missed.

Usage: python packaging/translation_sources.py  (prints the paths, relative to the repository)"""
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def translation_sources(repo: Path = REPO) -> list[str]:
    gui = sorted((repo / "app" / "gui").rglob("*.py"))
    core = sorted(p for p in (repo / "app" / "core").rglob("*.py") if "QT_TRANSLATE_NOOP" in p.read_text())
    return [str(p.relative_to(repo)) for p in gui + core]


if __name__ == "__main__":
    print(" ".join(translation_sources()))
