"""The bundled sample's default search, in the window, as a newcomer runs it (issue 24's figure).

    QT_QPA_PLATFORM=offscreen python bench/window_default.py [--data DIR] [--max-seconds 900]
                                                            [--shot PATH]

The real ``MainWindow`` with its real runner: the folder is set as the folder picker sets it, the
options stay at their defaults (a 10-minute budget), Start is pressed, and the script waits for
the search to end. Prints the best validation accuracy the window reports, the trials and the
seconds, as one JSON line; ``--shot`` saves the finished window.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(common.default_dataset()))
    parser.add_argument("--max-seconds", type=float, default=900.0, help="give up after this long")
    parser.add_argument("--shot", type=Path, default=None, help="save the finished window here")
    args = parser.parse_args()
    common.quiet_tensorflow()
    common.isolated_home()

    window, wait = common.open_window_on(args.data, poll_ms=200)
    events: list[dict] = []
    started = time.monotonic()
    if not window.start_search():
        raise SystemExit(f"the window refused to start: {window.chrome.status_label.text()}")
    window.session.worker.event_received.connect(
        lambda event: events.append(event) if event.get("type") in ("trial_ended", "notice") else None)
    wait(args.max_seconds, until=lambda: not window.is_running)
    seconds = time.monotonic() - started
    if window.is_running:
        window.stop_search()
        wait(60, until=lambda: not window.is_running)
    wait(2.0)  # the last panels update
    final = window.final_event or {}
    if args.shot:
        args.shot.parent.mkdir(parents=True, exist_ok=True)
        window.grab().save(str(args.shot))
    trials = [{"number": e.get("number"), "score": e.get("score"), "epochs": e.get("epochs_run"),
               "stopped": e.get("stopped")} for e in events if e.get("type") == "trial_ended"]
    print(json.dumps({"data": args.data, "status": final.get("status"), "best_score": final.get("best_score"),
                      "reason": final.get("reason"), "seconds": round(seconds, 1), "trials": trials,
                      "notices": [e.get("message") for e in events if e.get("type") == "notice"],
                      "load_after": common.load_average()}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
