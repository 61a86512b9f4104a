"""The architecture, checked: import rules (import-linter contracts in pyproject.toml), no import
circle between modules (imports inside functions count), modules and functions of a readable size,
and the core free of Qt and of TensorFlow at import time (napari-style checks)."""
import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

REPO = Path(__file__).resolve().parents[1]
APP = REPO / "app"
CORE = APP / "core"
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 80
# A longer function says why in a comment in its first lines: "# Long: ..."
LONG_REASON = re.compile(r"#\s*Long:", re.I)


def _lint_imports(root: Path) -> subprocess.CompletedProcess:
    code = "import sys\nfrom importlinter.cli import lint_imports\nsys.exit(lint_imports(config_filename='pyproject.toml'))\n"
    return subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True,
                          env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"}, timeout=120)


def test_the_import_contracts_hold():
    out = _lint_imports(REPO)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "0 broken" in out.stdout


@pytest.mark.parametrize("module, text, contract", [
    ("app/core/util/bad_qt.py", "from PySide6 import QtCore\n", "The core imports no Qt"),
    ("app/core/data/bad_layer.py", "def f():\n    from app.core.search import runner\n", "The core's packages are layers"),
    ("app/gui/paint/bad_layer.py", "from app.gui.training import curves_panel\n", "The window's packages are layers"),
])
def test_a_violating_import_breaks_its_contract(tmp_path, module, text, contract):
    """The contracts really bite: a copy of the tree with one bad module fails lint-imports, naming it."""
    shutil.copytree(APP, tmp_path / "app", ignore=shutil.ignore_patterns("__pycache__", "resources"))
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / module).write_text(text)
    out = _lint_imports(tmp_path)
    assert out.returncode == 1, out.stdout + out.stderr
    broken = [line for line in out.stdout.splitlines() if line.endswith("BROKEN")]
    assert any(line.startswith(contract) for line in broken), out.stdout


def _cycles(graph: grimp.ImportGraph, prefix: str = "app.") -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    modules = sorted(m for m in graph.modules if m.startswith(prefix))
    index, low, on, stack, out, counter = {}, {}, set(), [], [], 0
    for root in modules:
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = counter; counter += 1; stack.append(root); on.add(root)
        while work:
            node, children = work[-1]
            for child in children:
                if not child.startswith(prefix):
                    continue
                if child not in index:
                    index[child] = low[child] = counter; counter += 1; stack.append(child); on.add(child)
                    work.append((child, iter(sorted(graph.find_modules_directly_imported_by(child)))))
                    break
                if child in on:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop(); on.discard(member); component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        out.append(sorted(component))
    return out


def test_no_import_circle_between_modules():
    sys.path.insert(0, str(REPO))
    graph = grimp.build_graph("app", cache_dir=None)
    # A package's __init__ may import its own modules lazily (app.gui's MainWindow); it is no module of its own.
    for package in [m for m in graph.modules if (APP.parent / m.replace(".", "/") / "__init__.py").is_file()]:
        for imported in list(graph.find_modules_directly_imported_by(package)):
            graph.remove_import(importer=package, imported=imported)
    assert _cycles(graph) == []


def test_the_circle_check_finds_a_circle_closed_inside_a_function(tmp_path, monkeypatch):
    package = tmp_path / "circled"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from circled import b\n")
    (package / "b.py").write_text("def later():\n    from circled import a\n")
    (package / "c.py").write_text("from circled import a\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    graph = grimp.build_graph("circled", cache_dir=None)
    assert _cycles(graph, prefix="circled.") == [["circled.a", "circled.b"]]


def test_modules_and_functions_stay_readable():
    long_modules, long_functions = [], []
    for path in sorted(APP.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        if len(lines) > MAX_MODULE_LINES:
            long_modules.append(f"{path.relative_to(REPO)}: {len(lines)}")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                head = "\n".join(lines[node.lineno - 1: node.lineno + 12])
                if length > MAX_FUNCTION_LINES and not LONG_REASON.search(head):
                    long_functions.append(f"{path.relative_to(REPO)}:{node.lineno} {node.name}: {length}")
    assert long_modules == []
    assert long_functions == []


def test_every_package_says_what_it_owns_and_may_import():
    for init in sorted(APP.rglob("__init__.py")):
        if "resources" in init.parts:
            continue
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
        assert doc, f"{init.relative_to(REPO)} has no docstring"


def test_importing_core_loads_neither_qt_nor_tensorflow():
    modules = [".".join(p.relative_to(REPO).with_suffix("").parts).removesuffix(".__init__")
               for p in sorted(CORE.rglob("*.py")) if p.stem != "metrics"]
    code = ("import sys, importlib\n"
            f"for m in {modules!r}: importlib.import_module(m)\n"
            "bad = [m for m in ('PySide6', 'pyqtgraph', 'tensorflow', 'keras') if m in sys.modules]\n"
            "print(','.join(bad))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    assert out.stdout.strip() == ""
