"""Export never leaves half-written folders; names never escape their folder."""
import errno
import os

import pytest

from app.core.export.export import ExportError, export_trial
from app.core.util.paths import UnsafeNameError, safe_child
from app.core.options.config import SearchConfig
from app.core.search.search_setup import new_search_dir


@pytest.fixture(scope="module")
def finished_search(tiny_search_dir):
    return tiny_search_dir


@pytest.mark.slow
def test_disk_full_during_export_leaves_nothing_behind(finished_search, tmp_path, monkeypatch):
    import app.core.export.export as export_module

    def disk_full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(export_module.os, "replace", disk_full)
    exports = tmp_path / "exports"
    exports.mkdir()
    with pytest.raises(ExportError) as info:
        export_trial(finished_search, exports / "out", formats=["keras"])
    assert "is full" in str(info.value) and "more is needed" in str(info.value)
    assert list(exports.iterdir()) == []  # neither the target nor a staging folder is left


@pytest.mark.slow
@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores folder permissions")
def test_read_only_folder_gives_a_clear_message(finished_search, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        with pytest.raises(ExportError) as info:
            export_trial(finished_search, locked / "model", formats=["keras"])
        assert "Permission denied" in str(info.value)
        assert list(locked.iterdir()) == []
    finally:
        locked.chmod(0o755)


@pytest.mark.slow
def test_export_refuses_a_non_empty_folder_and_unknown_trials(finished_search, tmp_path):
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "mine.txt").write_text("keep me")
    with pytest.raises(ExportError, match="not empty"):
        export_trial(finished_search, busy)
    assert (busy / "mine.txt").read_text() == "keep me"
    with pytest.raises(ExportError, match="does not exist"):
        export_trial(finished_search, tmp_path / "x", trial_id="99")


@pytest.mark.parametrize("name", ["../escape", "..", "a/b", "/etc", "c:\\x", "", ".hidden", "x" * 200])
def test_unsafe_names_are_refused(tmp_path, name):
    with pytest.raises(UnsafeNameError):
        safe_child(tmp_path, name)


def test_safe_names_stay_inside(tmp_path):
    assert safe_child(tmp_path, "my run 1.0 (best)").parent == tmp_path.resolve()
    assert safe_child(tmp_path, "花 ünïcødé").parent == tmp_path.resolve()


def test_search_names_cannot_escape_the_searches_folder(tmp_path):
    folder = new_search_dir(SearchConfig(name="../../../etc/passwd"))
    home = os.environ["TUNESTUDIO_HOME"]
    assert folder.resolve().parent == (tmp_path / "home" / "searches").resolve()
    assert str(folder.resolve()).startswith(home)
