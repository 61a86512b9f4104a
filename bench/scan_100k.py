"""Scanning a big folder: time and peak memory of ``scan_dataset`` over generated small images.

    python bench/scan_100k.py [--count 100000] [--size 32] [--folder DIR]

The images (2/3 JPEG, 1/3 PNG, 10 classes; ``bench/scan_speed.generate``) are generated once into
a folder under the system temp dir and reused by later runs. The scan runs in a fresh process
with an empty TUNESTUDIO_HOME, so it is a first scan: every file is inspected, no scan cache.
Peak memory is that process's maximum resident set (interpreter and imports included; the
baseline before scanning is printed too).
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

READY_MARK = ".generated"


def ensure_images(folder: Path, count: int, size: int) -> float:
    """Generate the images unless a previous run already did; returns the seconds spent."""
    if (folder / READY_MARK).is_file():
        return 0.0
    from scan_speed import generate

    started = time.monotonic()
    folder.mkdir(parents=True, exist_ok=True)
    generate(folder, count, size, classes=10)
    (folder / READY_MARK).write_text(f"{count} images of {size} px\n")
    return time.monotonic() - started


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss it is not inherited across exec)."""
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def scan_child(folder: str) -> None:
    common.isolated_home()
    from app.core.data.dataset import scan_dataset

    before = peak_rss_mb()
    started = time.perf_counter()
    report = scan_dataset(folder)
    seconds = time.perf_counter() - started
    peak = peak_rss_mb()
    print("SCAN " + json.dumps({"seconds": seconds, "peak_mb": peak, "before_mb": before,
                                "images": len(report.images), "problems": len(report.problems)}), flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--size", type=int, default=32)
    parser.add_argument("--folder", type=Path, default=None)
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        scan_child(args.child)
        return 0
    folder = args.folder or Path(tempfile.gettempdir()) / f"tunestudio-bench-scan-{args.count}x{args.size}px"
    generated = ensure_images(folder, args.count, args.size)
    if generated:
        print(f"generated {args.count} images of {args.size} px in {generated:.0f} s into {folder} (kept for reuse)")
    proc = subprocess.run([sys.executable, __file__, "--child", str(folder)], capture_output=True, text=True,
                          cwd=common.REPO, timeout=3600)
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("SCAN ")), None)
    if line is None:
        raise SystemExit(f"scan failed: {proc.stderr.strip()[-800:]}")
    result = json.loads(line[5:])
    rate = result["images"] / result["seconds"]
    print(f"first scan of {result['images']} images: {result['seconds']:.1f} s ({rate:,.0f} images/s), "
          f"peak RSS {result['peak_mb']:.0f} MB (before the scan {result['before_mb']:.0f} MB)")
    scale = 100_000 / args.count
    out = {"scan_100k_s": round(result["seconds"] * scale, 2), "scan_100k_peak_mb": round(result["peak_mb"], 1),
           "scan_images": result["images"], "scan_seconds": round(result["seconds"], 2),
           "scan_rss_before_mb": round(result["before_mb"], 1), "scan_problems": result["problems"],
           "scaled_from": args.count if args.count != 100_000 else None}
    if scale != 1:
        print(f"scaled to 100,000 images: {out['scan_100k_s']:.1f} s (peak memory is the {args.count}-image figure)")
    common.emit_result(out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
