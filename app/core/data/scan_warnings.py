"""The warnings of a scan report: empty or tiny classes, imbalance, per-file notes, duplicates."""
from __future__ import annotations

from collections import Counter

from app.core.data.dataset_report import IGNORED, ImageRecord, ScanReport, heavily_imbalanced, relative_path
from app.core.data.image_check import TINY_SIDE

FEW_IMAGES = 5


MAX_LISTED_WARNINGS = 5  # per kind of per-file warning; the rest is summarised


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural or word + 's')}"


_NOTE_WARNINGS = {
    "extension": "Images whose extension does not match their content: {n} (e.g. {example}); "
                 "they are read by their content.",
    "format": "Images in a format TensorFlow cannot read directly or correctly: {n} (e.g. {example}); "
              "they are converted to PNG for training.",
    "cmyk": "CMYK images: {n} (e.g. {example}); they are converted to RGB.",
    "16bit": "Images with 16 bits per channel: {n} (e.g. {example}); they are reduced to 8 bits.",
    "alpha": "Images with transparency: {n} (e.g. {example}); it is dropped and transparent areas keep "
             "their stored colour.",
    "exif": "Photos with an EXIF rotation: {n} (e.g. {example}); they are turned upright for training.",
    "animated": "Animated images: {n} (e.g. {example}); only the first frame is used.",
    "tiny": "Images smaller than {tiny} px on a side: {n} (e.g. {example}); they are stretched to the "
            "training size and carry little information.",
}


def add_warnings(report: ScanReport, note_examples: dict[str, list[str]], nested: Counter) -> None:
    """Most important first: the window shows the first few."""
    counts = report.counts
    warnings = report.warnings
    root = report.root

    def rel(path: str) -> str:
        return relative_path(path, root) if path.startswith(root) else path

    if report.stats.get("hint"):
        warnings.append(report.stats["hint"].strip())
    if not report.classes:
        loose = report.stats.get("loose_images", 0)
        warnings.append("No class folders found: put each class's images in its own subfolder"
                        + (f" ({_plural(loose, 'image')} lie directly in the folder)." if loose else "."))
    files = report.stats.get("files", 0)
    unusable = [p for p in report.problems if p.kind != IGNORED]
    if report.classes and not report.images and files:
        warnings.append(f"This does not look like an image dataset: none of its {_plural(files, 'file')} "
                        "is a usable image.")
    elif files >= 20 and len(report.images) < files / 2:
        warnings.append(f"Most files here are not usable images ({len(report.images)} of {files}): "
                        "is this the right folder?")
    if unusable:
        reasons = Counter(p.reason.split(":")[0].split(" (")[0] for p in unusable)
        summary = ", ".join(f"{n} {reason}" for reason, n in reasons.most_common(4))
        warnings.append(f"{_plural(len(unusable), 'file')} cannot be used ({summary}); see the problem list.")
    for c, n in counts.items():
        if n == 0:
            warnings.append(f"Class '{c}' has no usable images and will be left out.")
        elif n < FEW_IMAGES:
            warnings.append(f"Class '{c}' has only {_plural(n, 'image')}: results will be unreliable.")
    if heavily_imbalanced(counts):
        big = max(counts, key=counts.get)
        small = min((c for c in counts if counts[c]), key=counts.get)
        warnings.append(f"Heavy class imbalance: '{big}' has {counts[big]} images, '{small}' only {counts[small]}.")
    by_folded: dict[str, list[str]] = {}
    for c in report.classes:
        by_folded.setdefault(c.casefold().strip(), []).append(c)
    for names in by_folded.values():
        if len(names) > 1:
            warnings.append(f"Class names that differ only in case or spaces: {', '.join(repr(n) for n in names)}; "
                            "they are separate classes. Rename the folders if they are meant to be one.")
    if report.layout == "splits":
        for split in sorted({r.split for r in report.images if r.split}):
            present = {r.label for r in report.images if r.split == split}
            missing = [c for c in report.usable_classes if c not in present]
            if missing:
                warnings.append(f"The '{split}' split has no images of {', '.join(repr(c) for c in missing)}.")
    _add_duplicate_warnings(report, rel)
    gray = len(note_examples.get("grayscale", ()))
    if 0 < gray < len(report.images):
        warnings.append(f"Grayscale and colour images are mixed ({gray} of {len(report.images)} grayscale, "
                        f"e.g. {rel(note_examples['grayscale'][0])}); grayscale ones are used as 3 equal channels.")
    for key, template in _NOTE_WARNINGS.items():
        paths = note_examples.get(key)
        if paths:
            warnings.append(template.format(n=len(paths), example=rel(paths[0]), tiny=TINY_SIDE))
    for label, n in sorted(nested.items()):
        warnings.append(f"Class '{label}' has {_plural(n, 'file')} in subfolders; they count as '{label}'.")
    ignored = len(report.problems) - len(unusable)
    if ignored:
        example = next(p.path for p in report.problems if p.kind == IGNORED)
        warnings.append(f"{_plural(ignored, 'hidden, system or stray file')} skipped (e.g. {rel(example)}).")


def _add_duplicate_warnings(report: ScanReport, rel) -> None:
    groups: dict[str, list[ImageRecord]] = {}
    for r in report.images:
        if r.content_hash:
            groups.setdefault(r.content_hash, []).append(r)
    conflicts, leaks, plain = [], [], []
    for recs in groups.values():
        if len(recs) < 2:
            continue
        report.duplicates.append(sorted(r.path for r in recs))
        labels = {r.label for r in recs}
        splits = {r.split for r in recs if r.split}
        (conflicts if len(labels) > 1 else leaks if len(splits) > 1 else plain).append(recs)
    report.duplicates.sort()

    def names(recs):
        shown = ", ".join(rel(r.path) for r in recs[:3])
        return shown + (f" and {len(recs) - 3} more" if len(recs) > 3 else "")

    def conflict(recs):
        return f"The same image is in different classes ({', '.join(sorted({r.label for r in recs}))}): {names(recs)}"

    def leak(recs):
        splits = ", ".join(sorted({r.split for r in recs if r.split}))
        return f"The same image is in more than one split ({splits}), which inflates validation scores: {names(recs)}"

    def duplicate(recs):
        return f"Exact duplicate files: {names(recs)}"

    # Only the first few of each kind are spelled out; with thousands, the rest is a count.
    for items, describe, what in ((conflicts, conflict, "images in more than one class"),
                                  (leaks, leak, "images shared between splits"),
                                  (plain, duplicate, "groups of exact duplicates")):
        items.sort(key=lambda recs: recs[0].path)
        report.warnings.extend(describe(recs) for recs in items[:MAX_LISTED_WARNINGS])
        if len(items) > MAX_LISTED_WARNINGS:
            report.warnings.append(f"... and {len(items) - MAX_LISTED_WARNINGS} more {what}.")
