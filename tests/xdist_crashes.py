"""A crashed test worker ends the run with a clear report instead of hanging it (a pytest plugin).

Why: pytest-xdist 3.8's ``--dist loadscope`` scheduler can wait forever after a worker dies (it puts
the dead worker's finished modules back on the queue as empty work, pytest-xdist #1323/#1378, and a
replacement worker handed a single test waits for a second one, #1327). CI then runs into its time
limit and says nothing. :class:`CrashSafeLoadScope` keeps loadscope's grouping (a module's tests on
one worker, so its shared fixtures are built once) and fixes only the crash path:

- only unfinished tests go back on the queue, at its front;
- the test a worker died in runs once more, on the replacement worker, so a one-off native crash
  (the suite mixes Qt and TensorFlow in one process, which the app never does) shows as a re-run
  with its fault dump in the log; a second crash of the same test fails it;
- a worker is always given either two tests or the word to shut down, so it never waits.

A test that hangs past ``faulthandler_timeout`` has its threads dumped and its worker ended
(``faulthandler_exit_on_timeout`` in pyproject.toml), which this plugin then treats as a crash.
Loaded by ``tests/conftest.py``; tests/test_xdist_crashes.py runs a small suite that crashes.
"""
from __future__ import annotations

from collections import Counter

import pytest
from xdist.scheduler.loadscope import LoadScopeScheduling  # pytest-xdist is pinned in the [test] extra

RETRIES = 1  # runs of a crashed test beyond the first; a test that crashes every time still fails
RERUN = "rerun"

_crashes: Counter[str] = Counter()
_rerun_reports: list[str] = []


class CrashSafeLoadScope(LoadScopeScheduling):
    """``--dist loadscope`` whose crash path neither hangs nor drops the dead worker's remaining tests."""

    def remove_node(self, node):
        workload = self.assigned_work.pop(node)
        if not self._pending_of(workload):
            return None
        crashitem = next(nodeid for unit in workload.values() for nodeid, done in unit.items() if not done)
        _crashes[crashitem] += 1
        if _crashes[crashitem] > RETRIES:
            workload[self._split_scope(crashitem)][crashitem] = True  # reported failed; never again
        for scope, unit in reversed(list(workload.items())):
            if not all(unit.values()):  # a finished unit re-queued is an empty command: a hang (#1378)
                self.workqueue[scope] = unit
                self.workqueue.move_to_end(scope, last=False)
        for other in self.assigned_work:
            self._reschedule(other)
        return crashitem

    def _reschedule(self, node) -> None:
        # As loadscope's, but it tops a node up to more than two pending tests in one go and tells it
        # to shut down when the queue is empty: a worker holding one test waits for a second (#1327).
        if node.shutting_down:
            return
        while self.workqueue and self._pending_of(self.assigned_work[node]) <= 2:
            self._assign_work_unit(node)
        if not self.workqueue:
            node.shutdown()

    def _assign_work_unit(self, node) -> None:
        scope, unit = self.workqueue.popitem(last=False)
        self.assigned_work.setdefault(node, {})[scope] = unit
        collection = self.registered_collections[node]
        indexes = [collection.index(nodeid) for nodeid, done in unit.items() if not done]
        if indexes:
            node.send_runtest_some(indexes)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    if config.getvalue("dist") != "loadscope":
        return None
    return CrashSafeLoadScope(config, log)


@pytest.hookimpl(optionalhook=True)
def pytest_handlecrashitem(crashitem, report, sched):
    # Called right after remove_node: a first crash is a re-run (not a failure), a repeated one fails.
    if isinstance(sched, CrashSafeLoadScope) and _crashes[crashitem] <= RETRIES:
        report.outcome = RERUN
        _rerun_reports.append(f"{crashitem}: {report.longrepr}; it runs once more on the replacement worker")


def pytest_report_teststatus(report):
    if report.outcome == RERUN:
        return RERUN, "R", ("RERUN", {"yellow": True})
    return None


def pytest_terminal_summary(terminalreporter):
    if _rerun_reports:
        terminalreporter.write_sep("=", "worker crashes (the fault dump is above)", yellow=True)
        for line in _rerun_reports:
            terminalreporter.write_line(line)
