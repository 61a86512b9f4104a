"""Stage 1 of a transfer search: the frozen backbone's features of every image, computed once, kept on disk.

Features are the pooled output of the pretrained backbone (app/core/model/transfer_model.py) for each
image and each of ``VIEWS``: the image itself, mirrored left-right, and a centre crop zoomed back
to size (training heads on the extra views is the augmentation a frozen backbone allows). They
live under ``TUNESTUDIO_HOME/cache/features/<key>/``, where the key names the backbone, its
weights (a content hash of the file), the input size and the views; inside, one ``.npy`` per image
named by a hash of the file's bytes. So a later search of the same folder, a re-run, a resumed
search or a playbook task reuses them; a changed file has a new hash and is computed again; a moved
folder keeps its features. Stored as float16 (half the disk; the heads train in float32).
"""
from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from app.core.util.paths import cache_dir

FEATURE_VERSION = 1  # bump when the extraction changes: old features are then never read
VIEWS = ("image", "mirrored", "zoomed")
ZOOM_CROP = 0.8  # the zoomed view keeps the central 80% of each side
BATCH = 32
PROGRESS_INTERVAL_S = 0.5

_FINGERPRINTS: dict[tuple, str] = {}


class FeaturesCancelled(Exception):
    """Stop was pressed while features were being computed (the finished ones are kept)."""


def file_fingerprint(path: str) -> str:
    """A hash of the file's bytes (memoised per path, size and modification time in this process)."""
    stat = os.stat(path)
    key = (path, stat.st_size, stat.st_mtime_ns)
    found = _FINGERPRINTS.get(key)
    if found is None:
        digest = hashlib.blake2b(digest_size=16)
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        found = _FINGERPRINTS[key] = digest.hexdigest()
    return found


@dataclass
class CacheResult:
    features: np.ndarray  # float32 [N, views, D], rows of the files that could be read
    kept: np.ndarray  # int indices into the requested rows
    computed: int  # images whose features were computed now (the rest came from the cache)
    seconds: float  # time spent computing (0 when everything was cached)


class FeatureCache:
    """Features of one backbone, weights, size and set of views, one file per image."""

    def __init__(self, architecture: str, weights_id: str, image_size: int, root: Path | None = None):
        self.key = f"{architecture}-{weights_id}-{int(image_size)}px-{len(VIEWS)}views-v{FEATURE_VERSION}"
        self.image_size = int(image_size)
        self.folder = (root or cache_dir() / "features") / self.key

    def _path(self, fingerprint: str) -> Path:
        return self.folder / fingerprint[:2] / f"{fingerprint}.npy"

    def get(self, fingerprint: str) -> np.ndarray | None:
        path = self._path(fingerprint)
        try:
            data = np.load(path, allow_pickle=False)
        except (OSError, ValueError):
            return None  # missing or half-written by a killed process: computed again
        return data if data.ndim == 2 and data.shape[0] == len(VIEWS) else None

    def put(self, fingerprint: str, features: np.ndarray) -> None:
        path = self._path(fingerprint)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        with open(tmp, "wb") as handle:
            np.save(handle, features.astype(np.float16), allow_pickle=False)
        os.replace(tmp, path)

    def features_for(self, paths: list[str], extractor_factory: Callable[[], object],
                     progress: Callable[[int, int], None] | None = None, cancel=None) -> CacheResult:
        """Features of ``paths`` (decodable image files): cached ones read, the others computed with
        the model ``extractor_factory()`` builds (only built when something is missing) and stored.
        ``progress(done, total)`` is called every so often; ``cancel.is_set()`` stops between batches."""
        total = len(paths)
        found: dict[int, np.ndarray] = {}
        missing: list[tuple[int, str]] = []
        unreadable: set[int] = set()
        for i, path in enumerate(paths):
            try:
                fingerprint = file_fingerprint(path)
            except OSError:
                unreadable.add(i)  # vanished since the scan
                continue
            cached = self.get(fingerprint)
            if cached is None:
                missing.append((i, fingerprint))
            else:
                found[i] = cached
        if progress:
            progress(len(found) + len(unreadable), total)
        started = time.perf_counter()
        if missing:
            self._compute(paths, missing, found, extractor_factory, progress, cancel, total - len(missing))
        seconds = time.perf_counter() - started if missing else 0.0
        kept = np.asarray(sorted(found), dtype=np.int64)
        stacked = np.stack([found[i] for i in kept]).astype(np.float32) if len(kept) else \
            np.zeros((0, len(VIEWS), 0), np.float32)
        return CacheResult(features=stacked, kept=kept, computed=len(missing), seconds=seconds)

    def _compute(self, paths, missing, found, extractor_factory, progress, cancel, done_before) -> None:
        import tensorflow as tf

        from app.core.data.pipeline import decode_fn

        extractor = extractor_factory()
        run = tf.function(lambda x: extractor(x, training=False), reduce_retracing=True)
        size = self.image_size
        positions = np.arange(len(missing), dtype=np.int32)
        ds = tf.data.Dataset.from_tensor_slices(([paths[i] for i, _ in missing], positions))
        ds = ds.map(decode_fn(size), num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
        # A file that no longer decodes is left out (the runner reports the count), not fatal.
        ds = ds.ignore_errors().batch(BATCH).map(lambda x, p: (_views(x, size), p)).prefetch(2)
        done, last = 0, 0.0
        for views, position in ds:
            if cancel is not None and cancel.is_set():
                raise FeaturesCancelled()
            count = int(position.shape[0])
            out = run(tf.reshape(views, (-1, size, size, 3))).numpy()
            out = out.reshape(len(VIEWS), count, -1).transpose(1, 0, 2)
            for row, pos in zip(out, position.numpy()):
                index, fingerprint = missing[int(pos)]
                self.put(fingerprint, row)
                found[index] = row.astype(np.float16)
            done += count
            now = time.monotonic()
            if progress and (now - last >= PROGRESS_INTERVAL_S or done == len(missing)):
                last = now
                progress(done_before + done, len(paths))


def _views(images, size: int):
    """[views, batch, size, size, 3] uint8: each image, mirrored, and zoomed (see ``VIEWS``)."""
    import tensorflow as tf

    from app.core.data.pipeline import resize_pixels

    mirrored = tf.reverse(images, axis=[2])
    margin = int(round(size * (1.0 - ZOOM_CROP) / 2))
    zoomed = resize_pixels(images[:, margin:size - margin, margin:size - margin, :], size)
    return tf.stack([images, mirrored, zoomed])
