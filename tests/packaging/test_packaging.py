"""The applications-menu entry: packaging/install-desktop.sh from the repository and from a bundle."""
from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from conftest import REPO_ROOT

SCRIPT = REPO_ROOT / "packaging" / "install-desktop.sh"
ICON = REPO_ROOT / "resources" / "icons" / "tunestudio.svg"


def fake_executable(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\necho TuneStudio\n")
    path.chmod(0o755)
    return path


def install(tmp_path, *args, script=SCRIPT, path_dirs=()):
    env = dict(os.environ, HOME=str(tmp_path / "user"), XDG_DATA_HOME="",
               PATH=os.pathsep.join([*map(str, path_dirs), "/usr/bin", "/bin"]))
    return subprocess.run(["bash", str(script), *map(str, args)], env=env, capture_output=True, text=True,
                          timeout=60)


def entry(tmp_path) -> dict[str, str]:
    text = (tmp_path / "user/.local/share/applications/tunestudio.desktop").read_text()
    return dict(line.split("=", 1) for line in text.splitlines() if "=" in line)


def test_entry_and_icon_point_at_the_given_executable_and_uninstall_removes_them(tmp_path):
    exe = fake_executable(tmp_path / "my apps" / "tunestudio")
    result = install(tmp_path, exe)
    assert result.returncode == 0, result.stderr
    fields = entry(tmp_path)
    assert fields["Exec"] == f'"{exe}"' and fields["TryExec"] == str(exe)
    assert fields["Icon"] == "tunestudio" and fields["Name"] == "TuneStudio"
    icon = tmp_path / "user/.local/share/icons/hicolor/scalable/apps/tunestudio.svg"
    assert icon.read_bytes() == ICON.read_bytes()
    validate = shutil.which("desktop-file-validate")
    if validate:
        desktop = tmp_path / "user/.local/share/applications/tunestudio.desktop"
        checked = subprocess.run([validate, str(desktop)], capture_output=True, text=True)
        assert checked.returncode == 0 and not checked.stdout.strip(), checked.stdout
    assert install(tmp_path, "--uninstall").returncode == 0
    assert not icon.exists() and not (tmp_path / "user/.local/share/applications/tunestudio.desktop").exists()


def test_inside_a_bundle_it_installs_the_bundle_itself(tmp_path):
    bundle = tmp_path / "dist" / "tunestudio"
    exe = fake_executable(bundle / "tunestudio")
    icons = bundle / "_internal" / "app" / "resources" / "icons"
    icons.mkdir(parents=True)
    shutil.copy2(ICON, icons / "tunestudio.svg")
    for name in ("install-desktop.sh", "tunestudio.desktop"):  # what `make package` copies
        shutil.copy2(REPO_ROOT / "packaging" / name, bundle / name)
    result = install(tmp_path, script=bundle / "install-desktop.sh")
    assert result.returncode == 0, result.stderr
    assert entry(tmp_path)["TryExec"] == str(exe)


def test_without_an_executable_it_says_what_to_pass(tmp_path):
    result = install(tmp_path)
    assert result.returncode == 2 and "pass its path" in result.stderr


@pytest.mark.parametrize("name", ["tunestudio.spec", "smoke.sh", "install-desktop.sh"])
def test_packaging_scripts_exist_and_shell_ones_parse(name):
    path = REPO_ROOT / "packaging" / name
    assert path.is_file()
    if name.endswith(".sh"):
        assert subprocess.run(["bash", "-n", str(path)]).returncode == 0
