"""Shared test setup: every test writes under a temporary TUNESTUDIO_HOME, Qt runs offscreen."""
import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

SHARED_DATASETS = Path(__file__).resolve().parents[2] / "shared" / "datasets"
REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("TUNESTUDIO_HOME", str(home))
    return home


def _source_dataset(name: str) -> Path:
    """A shared real-photo dataset, or the bundled sample when shared/ is absent."""
    path = SHARED_DATASETS / name
    if path.is_dir():
        return path
    return REPO_ROOT / "resources" / "sample-flowers"


def copy_subset(name: str, dest: Path, classes: int = 3, per_class: int = 6) -> Path:
    """Copy a few images per class of a shared dataset into ``dest`` (datasets are read-only)."""
    src = _source_dataset(name)
    dest.mkdir(parents=True, exist_ok=True)
    for class_dir in sorted(p for p in src.iterdir() if p.is_dir())[:classes]:
        out = dest / class_dir.name
        out.mkdir(exist_ok=True)
        for f in sorted(class_dir.iterdir())[:per_class]:
            shutil.copy2(f, out / f.name)
    return dest


@pytest.fixture
def tiny_dataset(tmp_path) -> Path:
    """3 classes x 6 real 32 px photos from cifar10-mini, in a writable temp folder."""
    return copy_subset("cifar10-mini", tmp_path / "tiny", classes=3, per_class=6)
