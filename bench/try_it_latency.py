"""Latency of the window's Try-it panel: one image at a time through the warm prediction child.

    python bench/try_it_latency.py [DATA_DIR] [--trials 1] [--epochs 3] [--images 20] [--search DIR]

Trains a short search with the default options (default architecture and image size) on DATA_DIR
(default: the bundled sample photos) unless ``--search`` names a finished one, then asks the
prediction child (``app.core.export.predict_process``, as the window does) for one image a request:
the first request (TensorFlow import and model load), then ``--images`` warm ones with heat maps
(what the panel shows) and as many without. Target: at most 300 ms an image warm, on 2 cores.
Ends with ``BENCH_RESULT {json}``.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import REPO, default_dataset, emit_result, isolated_home, load_average, machine_info, percentile  # noqa: E402


def train(data: Path, trials: int, epochs: int) -> str:
    env = dict(os.environ, PYTHONPATH=str(REPO), TF_CPP_MIN_LOG_LEVEL="3")
    out = subprocess.run([sys.executable, "-m", "app", "search", str(data), "--max-trials", str(trials),
                          "--epochs", str(epochs), "--json"], capture_output=True, text=True, env=env, cwd=REPO)
    if out.returncode != 0:
        raise SystemExit(f"search failed:\n{out.stderr[-3000:]}")
    import json

    return json.loads(out.stdout)["search_dir"]


def timed(service, search: str, files: list[str], heat_maps: bool) -> list[float]:
    times = []
    for file in files:
        started = time.perf_counter()
        service.request("predict", search, files=[file], top=3, heat_maps=heat_maps)
        times.append(1000 * (time.perf_counter() - started))
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("data", nargs="?", default=str(default_dataset()))
    parser.add_argument("--trials", type=int, default=1)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--images", type=int, default=20)
    parser.add_argument("--search")
    args = parser.parse_args()
    if not args.search:
        os.environ["TUNESTUDIO_HOME"] = isolated_home()
    from app.core.export.predict_process import PredictService
    from app.core.search.search_dir import load_search_info

    search = args.search or train(Path(args.data), args.trials, args.epochs)
    info = load_search_info(search)
    files = [row[2] for row in info["splits"]["val"]][:args.images] or [row[0] for row in info["splits"]["train"]]
    files = (files * args.images)[:args.images]
    service = PredictService()
    load_before = load_average()
    try:
        started = time.perf_counter()
        service.request("predict", search, files=[files[0]], top=3)
        first = 1000 * (time.perf_counter() - started)
        with_maps = timed(service, search, files, True)
        without = timed(service, search, files, False)
    finally:
        service.shutdown()
    result = {"search": search, "architecture": info["config"]["architecture"],
              "image_size": info["config"]["image_size"], "first_request_ms": first,
              "warm_ms_p50_with_heat_map": statistics.median(with_maps),
              "warm_ms_p95_with_heat_map": percentile(with_maps, 95),
              "warm_ms_p50_without": statistics.median(without), "warm_ms_p95_without": percentile(without, 95),
              "images": len(files), "load_before": load_before, "load_after": load_average(),
              "machine": machine_info()}
    print(f"{result['architecture']} at {result['image_size']} px: first request {first:.0f} ms; warm, one image a "
          f"request: {result['warm_ms_p50_with_heat_map']:.0f} ms median with the heat map "
          f"(p95 {result['warm_ms_p95_with_heat_map']:.0f}), {result['warm_ms_p50_without']:.0f} ms without "
          f"(p95 {result['warm_ms_p95_without']:.0f}); load {load_before} -> {result['load_after']}")
    emit_result(result)


if __name__ == "__main__":
    main()
