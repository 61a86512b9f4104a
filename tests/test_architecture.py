"""app.core must stay free of Qt and must not import TensorFlow at import time (napari-style check)."""
import ast
import subprocess
import sys
from pathlib import Path

CORE = Path(__file__).resolve().parents[1] / "app" / "core"
FORBIDDEN = ("PySide6", "PyQt5", "PyQt6", "shiboken6", "pyqtgraph", "app.gui")


def _imports(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


def test_core_sources_import_no_qt():
    offenders = [f"{p.relative_to(CORE)}: {name}" for p in sorted(CORE.rglob("*.py")) for name in _imports(p)
                 if name.split(".")[0] in FORBIDDEN or name.startswith("app.gui")]
    assert offenders == []


def test_importing_core_loads_neither_qt_nor_tensorflow():
    modules = [".".join(p.relative_to(CORE.parents[1]).with_suffix("").parts).removesuffix(".__init__")
               for p in sorted(CORE.rglob("*.py")) if p.stem != "metrics"]
    code = ("import sys, importlib\n"
            f"for m in {modules!r}: importlib.import_module(m)\n"
            "bad = [m for m in ('PySide6', 'pyqtgraph', 'tensorflow', 'keras') if m in sys.modules]\n"
            "print(','.join(bad))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=CORE.parents[1])
    assert out.stdout.strip() == ""
