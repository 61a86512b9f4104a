"""The ImageNet weights of the transfer backbones: which files exist, where Keras keeps them, which are here.

Each backbone TuneStudio offers is a Keras Applications model; its ImageNet weights without the
classifier ("no top") are one HDF5 file that Keras itself downloads on first use into its cache,
``$KERAS_HOME/models`` (default ``~/.keras/models``). TuneStudio uses the very same file names,
URLs and folder, so a file fetched by either is found by both. The registry below copies what
``keras/src/applications/*.py`` of the pinned Keras (3.15) say: base URL, file name, and the hash
Keras checks where it publishes one (MobileNetV2 has none). File sizes are those the Keras
download progress reports for these URLs. Licences: the Keras Applications weights are published
by the Keras team with Keras (Apache-2.0); MobileNetV2, EfficientNetB0 and ResNet50V2 were
converted from Apache-2.0 TensorFlow checkpoints (TF-Slim, TPU EfficientNet); ResNet50 (v1) was
ported from Kaiming He's release under the MIT licence.

``TUNESTUDIO_WEIGHTS_URL`` set: files are fetched from that base as a flat mirror
(``BASE/<keras file name>``), for an organisation's internal mirror (and the tests' loopback server).

Plain Python, no TensorFlow and no Qt: the window, the command line and the training child all ask
here. Downloading is :mod:`app.core.model.weights_download`.
"""
from __future__ import annotations

import os
from dataclasses import asdict, dataclass, replace
from pathlib import Path

MIRROR_ENV = "TUNESTUDIO_WEIGHTS_URL"

_KERAS_STORAGE = "https://storage.googleapis.com/tensorflow/keras-applications/"
_APACHE = "Apache-2.0"
_APACHE_URL = "https://www.apache.org/licenses/LICENSE-2.0"
_MIT = "MIT"
_MIT_URL = "https://github.com/KaimingHe/deep-residual-networks/blob/master/LICENSE"


@dataclass(frozen=True)
class Backbone:
    """One offered Keras Applications backbone and how Keras names and fetches its no-top weights."""

    arch: str  # the SearchConfig architecture ("mobilenet_v2")
    name: str  # the keras.applications class ("MobileNetV2")
    base_url: str  # Keras's BASE_WEIGHT(S)_PATH
    file_pattern: str  # no-top file name; {rows} is the input size the file was trained at
    size_bytes: int
    file_hash: str | None  # as Keras publishes it (32 hex digits: md5, 64: sha256); None: Keras has none
    licence: str
    licence_url: str
    origin: str  # where the weights come from, in a few words
    rows: tuple[int, ...] = ()  # input sizes with a file of their own (MobileNetV2); () = one file for all

    def rows_for(self, size: int | None) -> int | None:
        """The input size whose file Keras loads for ``size`` (None when the backbone has one file)."""
        if not self.rows:
            return None
        # Keras: a size without a file of its own loads the 224 px weights (with a warning).
        return size if size in self.rows else 224


BACKBONES: dict[str, Backbone] = {b.arch: b for b in (
    Backbone("mobilenet_v2", "MobileNetV2", _KERAS_STORAGE + "mobilenet_v2/",
             "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_{rows}_no_top.h5", 9_406_464, None,
             _APACHE, _APACHE_URL, "TensorFlow Models (TF-Slim) MobileNetV2 checkpoints, converted by Keras",
             rows=(96, 128, 160, 192, 224)),
    Backbone("efficientnet_b0", "EfficientNetB0", "https://storage.googleapis.com/keras-applications/",
             "efficientnetb0_notop.h5", 16_705_208, "50bc09e76180e00e4465e1a485ddc09d",
             _APACHE, _APACHE_URL, "TensorFlow TPU EfficientNet checkpoints, converted by Keras"),
    Backbone("resnet50_v2", "ResNet50V2", _KERAS_STORAGE + "resnet/",
             "resnet50v2_weights_tf_dim_ordering_tf_kernels_notop.h5", 94_668_760, "fac2f116257151a9d068a22e544a4917",
             _APACHE, _APACHE_URL, "TensorFlow Models (TF-Slim) ResNet-v2 checkpoints, converted by Keras"),
    Backbone("resnet50", "ResNet50", _KERAS_STORAGE + "resnet/",
             "resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5", 94_765_736, "4d473c1dd8becc155b73f8504c6f6626",
             _MIT, _MIT_URL, "Kaiming He's original ResNet-50 (Caffe), ported by Keras"),
)}

# "auto" image size: the MobileNetV2 file asked for before the planner has chosen a size (the largest
# photo size "auto" picks, app/core/estimate.PHOTO_SIZES); any MobileNetV2 file loads at any size.
AUTO_SIZE = 128


@dataclass(frozen=True)
class WeightsFile:
    """One weights file: what it is, where Keras fetches it from, and where it lives in the cache."""

    arch: str
    name: str
    rows: int | None  # the input size the file was trained at (MobileNetV2), else None
    file_name: str
    keras_url: str  # Keras's own URL
    size_bytes: int
    file_hash: str | None
    hash_algorithm: str | None  # "md5" or "sha256", as Keras infers it from the hash's length
    licence: str
    licence_url: str
    origin: str

    @property
    def url(self) -> str:
        """Where it is fetched from now: the mirror when ``TUNESTUDIO_WEIGHTS_URL`` is set, else Keras's URL."""
        return download_url(self)

    @property
    def path(self) -> Path:
        """Where Keras (and TuneStudio) keep it."""
        return keras_cache_dir() / self.file_name

    @property
    def label(self) -> str:
        return f"{self.name} ({self.rows} px)" if self.rows else self.name

    def present(self) -> bool:
        return self.path.is_file()

    def to_dict(self) -> dict:
        data = asdict(self)
        data.update(url=self.url, path=str(self.path), present=self.present(), label=self.label)
        return data


def keras_home() -> Path:
    """Keras's home folder, decided exactly as ``keras/src/backend/config.py`` and ``get_file`` do:
    ``KERAS_HOME`` when it is set (even to ""), else ``~/.keras`` (``/tmp/.keras`` when the home folder
    is not writable); Keras creates it, and falls back to ``/tmp/.keras`` when it cannot write there.
    Read at each call (Keras reads it once, at import), so a changed ``KERAS_HOME`` counts."""
    if "KERAS_HOME" in os.environ:
        base = os.environ["KERAS_HOME"]
    else:
        user = os.path.expanduser("~")
        base = os.path.join(user if os.access(user, os.W_OK) else "/tmp", ".keras")
    base = os.path.expanduser(base)
    if not os.path.exists(base):
        try:
            os.makedirs(base)
        except OSError:
            pass  # as Keras: not writable means the /tmp fallback below
    if not os.access(base, os.W_OK):
        base = os.path.join("/tmp", ".keras")
    return Path(base)


def keras_cache_dir() -> Path:
    """The folder Keras Applications downloads weights into (``get_file(cache_subdir="models")``)."""
    return keras_home() / "models"


def backbone(arch: str) -> Backbone:
    """The backbone by architecture key or Keras class name, any case (``mobilenet_v2``, ``MobileNetV2``)."""
    key = arch.strip().lower()
    for b in BACKBONES.values():
        if key in (b.arch, b.name.lower(), b.arch.replace("_", "")):
            return b
    raise KeyError(f"no ImageNet weights are offered for {arch!r}; choose one of {', '.join(BACKBONES)}")


def weights_entry(arch: str, size: int | str | None = None) -> WeightsFile:
    """The weights file Keras loads for ``arch`` at input ``size`` (pixels; "auto"/None: :data:`AUTO_SIZE`)."""
    b = backbone(arch)
    if not isinstance(size, int) or isinstance(size, bool):
        size = AUTO_SIZE
    rows = b.rows_for(size)
    file_name = b.file_pattern.format(rows=rows)
    algorithm = None
    if b.file_hash:
        algorithm = "sha256" if len(b.file_hash) == 64 else "md5"
    return WeightsFile(arch=b.arch, name=b.name, rows=rows, file_name=file_name, keras_url=b.base_url + file_name,
                       size_bytes=b.size_bytes, file_hash=b.file_hash, hash_algorithm=algorithm, licence=b.licence,
                       licence_url=b.licence_url, origin=b.origin)


def all_entries() -> list[WeightsFile]:
    """Every offered file: one per backbone, one per input size for MobileNetV2."""
    entries = []
    for b in BACKBONES.values():
        for rows in b.rows or (None,):
            entries.append(weights_entry(b.arch, rows))
    return entries


def entry_for_file_name(file_name: str) -> WeightsFile | None:
    """The offered file with this Keras file name (any folder), or None."""
    base = os.path.basename(str(file_name))
    return next((e for e in all_entries() if e.file_name == base), None)


def download_url(entry: WeightsFile) -> str:
    mirror = os.environ.get(MIRROR_ENV, "").strip()
    if mirror:
        return mirror.rstrip("/") + "/" + entry.file_name
    return entry.keras_url


def weights_file(arch: str, size: int | str | None = None) -> Path | None:
    """The cached file Keras would load for ``arch`` at ``size``, if it is here."""
    entry = weights_entry(arch, size)
    return entry.path if entry.present() else None


def usable_weights_file(arch: str, size: int | str | None = None) -> Path | None:
    """The best cached ImageNet file for ``arch`` at ``size``: the exact one, else (MobileNetV2, whose
    files differ only in the resolution they were trained at and load at any size) the nearest size
    that is here. None when no file of this backbone is here."""
    exact = weights_file(arch, size)
    if exact is not None:
        return exact
    b = backbone(arch)
    target = size if isinstance(size, int) and not isinstance(size, bool) else AUTO_SIZE
    for rows in sorted(b.rows, key=lambda r: (abs(r - target), -r)):
        path = weights_file(b.arch, rows)
        if path is not None:
            return path
    return None


def list_weights() -> list[dict]:
    """Every offered file as a plain dict (:meth:`WeightsFile.to_dict`: present, path, url, bytes, licence...)."""
    return [e.to_dict() for e in all_entries()]


def missing_weights(config) -> WeightsFile | None:
    """The ImageNet file a search config needs that is not here (None: none needed, or at hand).

    Needed: a transfer architecture with ``backbone_weights == "imagenet"``. Any usable file of the
    backbone counts as at hand (see :func:`usable_weights_file`)."""
    if config.architecture not in BACKBONES or config.backbone_weights != "imagenet":
        return None
    if usable_weights_file(config.architecture, config.image_size) is not None:
        return None
    return weights_entry(config.architecture, config.image_size)


def format_bytes(n: int) -> str:
    """``9.4 MB``: decimal megabytes, as download sizes are usually given."""
    if n >= 1_000_000:
        return f"{n / 1e6:.1f} MB"
    return f"{max(1, round(n / 1e3))} kB"


def missing_notice(entry: WeightsFile) -> str:
    """What a search without the weights loses, and how to get them (command line and log text)."""
    return (f"ImageNet weights for {entry.label} are not on this machine ({entry.path}), so the backbone starts "
            "from random weights and is trained in full: expect far lower accuracy on a small folder (MobileNetV2's "
            "ImageNet features reach about 0.86-0.90 on five flower classes where a network trained from scratch "
            "reaches about 0.74). To get them: 'tunestudio weights fetch "
            f"{entry.arch}{f' --size {entry.rows}' if entry.rows else ''}' ({format_bytes(entry.size_bytes)} from "
            f"{entry.url}, {entry.licence}), or search again with --allow-download; offline, copy that file here and run 'tunestudio weights import FILE' "
            "(window: File > Import weights file...).")


def with_hash(entry: WeightsFile, file_hash: str | None) -> WeightsFile:
    """The same entry expecting another hash (a mirror that publishes its own; tests)."""
    algorithm = None if not file_hash else ("sha256" if len(file_hash) == 64 else "md5")
    return replace(entry, file_hash=file_hash, hash_algorithm=algorithm)
