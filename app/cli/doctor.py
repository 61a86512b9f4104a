"""``tunestudio doctor``: what on this machine keeps TuneStudio from working, and how to fix it.

Each check answers ``ok``, ``warn`` (works, but something is missing or risky) or ``fail`` (a part
of TuneStudio cannot work), with the detail it found and, when not ok, a hint naming the fix.
TensorFlow is asked in a short-lived child process (as the window does), so a broken or crashing
TensorFlow is reported instead of taking the doctor down with it. Exit code 1 when a check fails.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from app import __version__
from app.cli import display_check

OK, WARN, FAIL = "ok", "warn", "fail"
SUPPORTED_PYTHON = (3, 11)
CJK_FONT_PACKAGE = "fonts-noto-cjk"
FREE_GB_FAIL, FREE_GB_WARN = 0.5, 2.0  # a search keeps checkpoints, logs and exports
TENSORFLOW_TIMEOUT_S = 180.0  # importing TensorFlow takes 5-30 s on a busy 2-core machine


@dataclass
class Check:
    name: str
    status: str
    detail: str
    hint: str = ""


def check_python(version_info=sys.version_info) -> Check:
    version = ".".join(str(v) for v in version_info[:3])
    detail = f"{version} ({sys.executable})"
    if tuple(version_info[:2]) == SUPPORTED_PYTHON:
        return Check("Python", OK, detail)
    return Check("Python", WARN, detail, "TuneStudio's pinned packages are made for Python 3.11: "
                 "create the environment with python3.11 (make run does)")


def check_tensorflow(probe=None, timeout: float = TENSORFLOW_TIMEOUT_S) -> list[Check]:
    """The TensorFlow version and the GPUs it sees, asked in a child process (``probe`` for tests)."""
    if probe is None:
        from app.core.search.devices import describe_devices

        def probe():
            return describe_devices(timeout=timeout)
    try:
        info, _ = _with_child_stderr_captured(probe)
    except _ProbeFailed as failed:
        exc, output = failed.args
        reason = f"{type(exc).__name__}: {exc}".strip().rstrip(":")
        if type(exc).__name__ == "BrokenProcessPool":
            reason = "the process importing TensorFlow crashed (on x86 its wheels need a CPU with AVX)"
        elif isinstance(exc, TimeoutError):
            reason = f"importing TensorFlow took longer than {timeout:.0f} s"
        last = [line for line in output.splitlines() if line.strip()][-3:]
        if last:
            reason += "; it printed: " + " | ".join(last)
        return [Check("TensorFlow", FAIL, reason, "reinstall the pinned packages: "
                      "pip install --force-reinstall tensorflow==2.21.0 (or delete .venv and run make run)"),
                Check("GPU", WARN, "unknown (TensorFlow did not load)", "fix TensorFlow first")]
    tf = Check("TensorFlow", OK, str(info.get("tensorflow") or "loaded"))
    gpus = list(info.get("gpus") or [])
    if gpus:
        gpu = Check("GPU", OK, "; ".join(gpus) + " (training uses the first)")
    else:
        gpu = Check("GPU", OK, f"none seen: training runs on the {info.get('device') or 'CPU'}")
    return [tf, gpu]


class _ProbeFailed(Exception):
    """(the exception, what the child printed on stderr)."""


def _with_child_stderr_captured(probe):
    """Run ``probe`` with file descriptor 2 sent to a temporary file, so the child it starts inherits
    it: TensorFlow's start-up chatter ("Could not find cuda drivers...") stays out of the report, and
    what it printed before failing becomes part of the finding. Returns (result, printed text)."""
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as log:
        os.dup2(log.fileno(), 2)
        try:
            result = probe()
        except Exception as exc:  # noqa: BLE001 - any failure here is the finding
            error = exc
        else:
            error = None
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        log.seek(0)
        printed = log.read().decode("utf-8", "replace")
    if error is not None:
        raise _ProbeFailed(error, printed)
    return result, printed


def _qt_platform_plugins() -> Path | None:
    """PySide6's platform plugin folder, found without importing Qt."""
    import importlib.util

    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return None
    for base in spec.submodule_search_locations:
        for sub in ("Qt/plugins/platforms", "plugins/platforms"):
            folder = Path(base) / sub
            if folder.is_dir():
                return folder
    return None


def check_display(env=None, find_plugins=_qt_platform_plugins) -> Check:
    """Can the window open here: Qt's platform plugin, its X11 libraries, a display."""
    env = os.environ if env is None else env
    if find_plugins() is None:
        return Check("Display", FAIL, "PySide6 (Qt) is not installed", "pip install PySide6-Essentials==6.11.3")
    qt = display_check.qt_platform(env)
    if sys.platform == "linux" and qt == "xcb":
        missing = display_check.missing_libraries()
        if missing:
            packages = sorted({display_check.XCB_LIBRARIES[name] for name in missing})
            return Check("Display", FAIL, f"Qt platform xcb; missing libraries: {', '.join(missing)}",
                         display_check.apt_line(packages))
        if not env.get("DISPLAY"):
            return Check("Display", WARN, "Qt platform xcb, libraries present, but DISPLAY is not set",
                         "the window needs a desktop or a virtual display (xvfb-run tunestudio); "
                         "the command line works without one")
        return Check("Display", OK, f"Qt platform xcb on DISPLAY={env.get('DISPLAY')}, libraries present")
    return Check("Display", OK, f"Qt platform {qt}")


def check_cjk_font(run=subprocess.run) -> Check:
    """A font that can draw Chinese (the zh_CN interface and Chinese class names)."""
    if sys.platform != "linux":
        return Check("CJK font", OK, f"not checked on {platform.system()}")
    try:
        result = run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return Check("CJK font", WARN, "fontconfig's fc-list is not available",
                     f"sudo apt-get install -y fontconfig {CJK_FONT_PACKAGE}")
    families = sorted({line.split(",")[0].strip() for line in result.stdout.splitlines() if line.strip()})
    if families:
        more = f" and {len(families) - 1} more" if len(families) > 1 else ""
        return Check("CJK font", OK, families[0] + more)
    return Check("CJK font", WARN, "no font for Chinese text: it shows as boxes",
                 f"sudo apt-get install -y {CJK_FONT_PACKAGE}")


def check_home() -> Check:
    """The TuneStudio home (history, searches, settings) exists and takes a file."""
    from app.core.util import paths

    try:
        home = paths.home()
        with tempfile.NamedTemporaryFile(dir=home, prefix=".doctor-", delete=True) as fh:
            fh.write(b"ok")
    except OSError as exc:
        where = os.environ.get("TUNESTUDIO_HOME") or "the user data folder"
        return Check("Home folder", FAIL, f"{where} is not writable: {exc.strerror or exc}",
                     "set TUNESTUDIO_HOME to a folder you can write, or fix its permissions")
    return Check("Home folder", OK, f"{home} (writable)")


def check_disk(folder: Path | None = None, usage=shutil.disk_usage) -> Check:
    """Free space where searches are written."""
    if folder is None:
        from app.core.util import paths

        try:
            folder = paths.home()
        except OSError:
            folder = Path.home()
    free_gb = usage(folder).free / 1e9
    detail = f"{free_gb:.1f} GB free in {folder}"
    if free_gb < FREE_GB_FAIL:
        return Check("Disk space", FAIL, detail, "free some space or set TUNESTUDIO_HOME to a larger disk; "
                     "'tunestudio history prune' keeps only the best trials' weights")
    if free_gb < FREE_GB_WARN:
        return Check("Disk space", WARN, detail, "long searches keep checkpoints: free some space, or prune "
                     "old searches with 'tunestudio history prune ID --keep 3'")
    return Check("Disk space", OK, detail)


def check_weights() -> Check:
    """Which ImageNet weights of the transfer backbones are in Keras's cache (no TensorFlow needed)."""
    from app.core.model.weights_store import keras_cache_dir, list_weights

    rows = list_weights()
    present = [r["label"] for r in rows if r["present"]]
    detail = f"{', '.join(present) if present else 'none'} in {keras_cache_dir()}"
    if present:
        return Check("ImageNet weights", OK, detail)
    return Check("ImageNet weights", WARN, detail, "transfer backbones start from random weights: "
                 "'tunestudio weights fetch mobilenet_v2 --size 96' (or 'tunestudio weights import FILE' offline)")


def run_checks(with_tensorflow: bool = True) -> list[Check]:
    checks = [check_python()]
    checks += check_tensorflow() if with_tensorflow else [
        Check("TensorFlow", WARN, "not checked (--skip-tensorflow)", "run tunestudio doctor without it")]
    checks += [check_display(), check_cjk_font(), check_home(), check_disk(), check_weights()]
    return checks


def report_text(checks: list[Check]) -> str:
    width = max(len(c.name) for c in checks)
    lines = [f"TuneStudio {__version__} on {platform.system()} {platform.machine()}"]
    for c in checks:
        lines.append(f"{c.status:<4}  {c.name:<{width}}  {c.detail}")
        if c.hint and c.status != OK:
            lines.append(f"{'':<4}  {'':<{width}}  -> {c.hint}")
    failed = sum(c.status == FAIL for c in checks)
    warned = sum(c.status == WARN for c in checks)
    plural = "" if warned == 1 else "s"
    lines.append("all checks passed" if not failed and not warned else f"{failed} failed, {warned} warning{plural}")
    return "\n".join(lines)


def report_json(checks: list[Check]) -> dict:
    return {"version": __version__, "ok": not any(c.status == FAIL for c in checks),
            "checks": [asdict(c) for c in checks]}


def doctor_command(args: argparse.Namespace) -> int:
    checks = run_checks(with_tensorflow=not args.skip_tensorflow)
    if args.json:
        print(json.dumps(report_json(checks), indent=2, ensure_ascii=False))
    else:
        print(report_text(checks))
    return 1 if any(c.status == FAIL for c in checks) else 0


def add_doctor_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``doctor`` command; it sets ``func`` to :func:`doctor_command`."""
    parser = subparsers.add_parser(
        "doctor", help="check this machine: Python, TensorFlow, GPU, display, fonts, home folder, disk, ImageNet weights",
        description="Check what TuneStudio needs on this machine; each check says ok, warn or fail, "
                    "with a hint. Exit code 1 when a check fails.")
    parser.add_argument("--json", action="store_true", help="print the checks as JSON")
    parser.add_argument("--skip-tensorflow", action="store_true",
                        help="do not start TensorFlow (its check takes 5-30 s)")
    parser.set_defaults(func=doctor_command)
    return parser
