"""A normal (non-editable) install: the wheel carries resources/ inside the package and the app finds it."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from app import __version__
from conftest import REPO_ROOT

# Building and installing takes ~10-20 s on a busy 2-core machine.
pytestmark = pytest.mark.slow

SAMPLE = REPO_ROOT / "resources" / "sample-flowers"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel built from a copy of the sources (an in-tree build would leave build/ in the checkout)."""
    src = tmp_path_factory.mktemp("src")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO_ROOT / name, src / name)
    for name in ("app", "resources"):
        shutil.copytree(REPO_ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__"))
    out = tmp_path_factory.mktemp("dist")
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                             "--quiet", "--wheel-dir", str(out), str(src)], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    (built,) = out.glob("tunestudio-*.whl")
    assert built.name.startswith(f"tunestudio-{__version__}-")  # pyproject takes app.__version__
    return built


def test_wheel_carries_every_package_and_the_resources(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    packages = {str(p.parent.relative_to(REPO_ROOT)) for p in (REPO_ROOT / "app").rglob("__init__.py")}
    for package in packages:
        assert f"{package}/__init__.py" in names, f"{package} is missing from the wheel: list it in pyproject.toml"
    photos = sorted(str(p.relative_to(REPO_ROOT / "resources")) for p in SAMPLE.rglob("*.jpg"))
    assert len(photos) == 80
    assert all(f"app/resources/{p}" in names for p in photos)
    assert "app/resources/sample-flowers.LICENSE.txt" in names
    assert "app/resources/icons/tunestudio.svg" in names
    assert "app/resources/i18n/tunestudio_zh_CN.qm" in names  # the Chinese interface
    assert not any(n.startswith(("resources/", "tests/")) for n in names)


def test_installed_wheel_finds_and_scans_its_sample_flowers(wheel, tmp_path):
    site = tmp_path / "site"
    result = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--target", str(site),
                             str(wheel)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    code = ("import json, app\nfrom app.core.util import paths\nfrom app.core.data.dataset import scan_dataset\n"
            "report = scan_dataset(paths.sample_dataset_dir())\n"
            "print(json.dumps({'app': app.__file__, 'sample': str(paths.sample_dataset_dir()),"
            " 'counts': report.counts}))")
    # Only the installed copy on the path, run from elsewhere: nothing can come from the checkout.
    env = dict(os.environ, PYTHONPATH=str(site), TUNESTUDIO_HOME=str(tmp_path / "home"))
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert Path(found["app"]).is_relative_to(site) and Path(found["sample"]).is_relative_to(site / "app")
    assert found["counts"] == {name: 16 for name in ("daisy", "dandelion", "roses", "sunflowers", "tulips")}
