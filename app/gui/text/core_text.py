"""The core's English messages in the window's language.

``app.core`` knows no Qt, so it returns English text (scan warnings, skip reasons, dataset errors,
why a search ended, labels of its choices). A message that carries an id (``app.core.util.messages``:
in this process a ``Message``, in an event its ``<field>_msg`` data) is translated by that id and
its fields: :func:`translate_message`, :func:`translate_event`; rewording its English keeps its
translation. Any other message is matched against the templates below (the core's wording
with ``{field}`` for its variable parts), and the translation of the matching template is filled
with the same parts, each translated in turn when it is itself a known message (a skip reason
inside a summary, "3 images" inside a warning). A message no template matches is shown as the
core wrote it, so a new core message is never lost, only untranslated until a template is added
here (``make translations`` then lists it in the .ts for the translator).

Fields named like paths, class names or numbers are never translated (see ``_VERBATIM``).
"""
from __future__ import annotations

import re
from functools import lru_cache

from PySide6.QtCore import QCoreApplication, QT_TRANSLATE_NOOP

from app.core.util.messages import message_data

CONTEXT = "CoreMessages"
_VERBATIM = {"value", "choices", "low", "high", "root", "folder", "path", "example", "name", "names", "c", "big",
             "small", "label", "split",
             "classes", "error", "detail_error", "fmt", "ext", "size", "n", "count", "done", "remaining",
             "need", "least", "budget", "gray", "total", "images", "files", "width", "height", "limit",
             "half", "epochs", "seconds"}
_NUMBER_FIELDS = {"n", "count", "done", "gray", "total", "remaining", "need", "least", "width", "height", "half",
                  "epochs", "seconds"}
_COUNTED_FIELDS = {"images", "files"}  # "3 images", "1 hidden, system or stray file": translated in turn

TEMPLATES: tuple[str, ...] = (
    # ---- app.core.data.dataset: why a file cannot be used (the problem list)
    QT_TRANSLATE_NOOP("CoreMessages", "symbolic link loop: the link points back to itself"),
    QT_TRANSLATE_NOOP("CoreMessages", "broken link: its target does not exist"),
    QT_TRANSLATE_NOOP("CoreMessages", "file disappeared during the scan"),
    QT_TRANSLATE_NOOP("CoreMessages", "cannot read: permission denied"),
    QT_TRANSLATE_NOOP("CoreMessages", "cannot read: {error}"),
    QT_TRANSLATE_NOOP("CoreMessages", "unsupported format ({fmt}): convert it to JPEG or PNG"),
    QT_TRANSLATE_NOOP("CoreMessages", "corrupt image: it starts like a {fmt} file but its header is damaged"),
    QT_TRANSLATE_NOOP("CoreMessages", "unsupported image format ({fmt}): convert it to JPEG or PNG"),
    QT_TRANSLATE_NOOP("CoreMessages", "not an image: the content is not a {ext} file (damaged, or not really a picture)"),
    QT_TRANSLATE_NOOP("CoreMessages", "not an image (unrecognised content)"),
    QT_TRANSLATE_NOOP("CoreMessages", "empty file (0 bytes)"),
    QT_TRANSLATE_NOOP("CoreMessages", "refused: {size} MB is too large for a training image"),
    QT_TRANSLATE_NOOP("CoreMessages", "refused: {size} pixels is too large to decode safely (limit {limit} pixels; "
                                      "possible decompression bomb)"),
    QT_TRANSLATE_NOOP("CoreMessages", "refused: too many pixels is too large to decode safely (limit {limit} pixels; "
                                      "possible decompression bomb)"),
    QT_TRANSLATE_NOOP("CoreMessages", "corrupt or truncated image: {error}"),
    QT_TRANSLATE_NOOP("CoreMessages", "corrupt image: unreadable header ({error})"),
    QT_TRANSLATE_NOOP("CoreMessages", "corrupt image: it has no pixels"),
    QT_TRANSLATE_NOOP("CoreMessages", "refused: possible decompression bomb ({error})"),
    QT_TRANSLATE_NOOP("CoreMessages", "refused: not enough memory to decode this image"),
    QT_TRANSLATE_NOOP("CoreMessages", "not a file"),
    QT_TRANSLATE_NOOP("CoreMessages", "not a regular file (device, pipe or socket)"),
    QT_TRANSLATE_NOOP("CoreMessages", "cannot inspect: {error}"),
    # the short reasons the scan summary counts ("2 corrupt image, 1 empty file")
    QT_TRANSLATE_NOOP("CoreMessages", "{n} {reason}"),
    QT_TRANSLATE_NOOP("CoreMessages", "{first}, {rest}"),
    QT_TRANSLATE_NOOP("CoreMessages", "corrupt image"),
    QT_TRANSLATE_NOOP("CoreMessages", "corrupt or truncated image"),
    QT_TRANSLATE_NOOP("CoreMessages", "not an image"),
    QT_TRANSLATE_NOOP("CoreMessages", "empty file"),
    QT_TRANSLATE_NOOP("CoreMessages", "refused"),
    QT_TRANSLATE_NOOP("CoreMessages", "unsupported format"),
    QT_TRANSLATE_NOOP("CoreMessages", "unsupported image format"),
    QT_TRANSLATE_NOOP("CoreMessages", "cannot read"),
    QT_TRANSLATE_NOOP("CoreMessages", "hidden or system file"),
    # counted nouns inside warnings
    QT_TRANSLATE_NOOP("CoreMessages", "1 image"),
    QT_TRANSLATE_NOOP("CoreMessages", "{n} images"),
    QT_TRANSLATE_NOOP("CoreMessages", "1 file"),
    QT_TRANSLATE_NOOP("CoreMessages", "{n} files"),
    QT_TRANSLATE_NOOP("CoreMessages", "1 hidden, system or stray file"),
    QT_TRANSLATE_NOOP("CoreMessages", "{n} hidden, system or stray files"),
    # ---- app.core.data.dataset: scan warnings
    QT_TRANSLATE_NOOP("CoreMessages", "No class folders found: put each class's images in its own subfolder."),
    QT_TRANSLATE_NOOP("CoreMessages", "No class folders found: put each class's images in its own subfolder "
                                      "({images} lie directly in the folder)."),
    QT_TRANSLATE_NOOP("CoreMessages", "This does not look like an image dataset: none of its {files} is a usable "
                                      "image."),
    QT_TRANSLATE_NOOP("CoreMessages", "Most files here are not usable images ({n} of {total}): is this the right "
                                      "folder?"),
    QT_TRANSLATE_NOOP("CoreMessages", "{files} cannot be used ({summary}); see the problem list."),
    QT_TRANSLATE_NOOP("CoreMessages", "Class '{c}' has no usable images and will be left out."),
    QT_TRANSLATE_NOOP("CoreMessages", "Class '{c}' has only {images}: results will be unreliable."),
    QT_TRANSLATE_NOOP("CoreMessages", "Heavy class imbalance: '{big}' has {n} images, '{small}' only {count}."),
    QT_TRANSLATE_NOOP("CoreMessages", "Class names that differ only in case or spaces: {names}; they are separate "
                                      "classes. Rename the folders if they are meant to be one."),
    QT_TRANSLATE_NOOP("CoreMessages", "The '{split}' split has no images of {classes}."),
    QT_TRANSLATE_NOOP("CoreMessages", "Grayscale and colour images are mixed ({gray} of {total} grayscale, e.g. "
                                      "{example}); grayscale ones are used as 3 equal channels."),
    QT_TRANSLATE_NOOP("CoreMessages", "Images whose extension does not match their content: {n} (e.g. {example}); "
                                      "they are read by their content."),
    QT_TRANSLATE_NOOP("CoreMessages", "Images in a format TensorFlow cannot read directly or correctly: {n} (e.g. "
                                      "{example}); they are converted to PNG for training."),
    QT_TRANSLATE_NOOP("CoreMessages", "CMYK images: {n} (e.g. {example}); they are converted to RGB."),
    QT_TRANSLATE_NOOP("CoreMessages", "Images with 16 bits per channel: {n} (e.g. {example}); they are reduced to "
                                      "8 bits."),
    QT_TRANSLATE_NOOP("CoreMessages", "Images with transparency: {n} (e.g. {example}); it is dropped and "
                                      "transparent areas keep their stored colour."),
    QT_TRANSLATE_NOOP("CoreMessages", "Photos with an EXIF rotation: {n} (e.g. {example}); they are turned upright "
                                      "for training."),
    QT_TRANSLATE_NOOP("CoreMessages", "Animated images: {n} (e.g. {example}); only the first frame is used."),
    QT_TRANSLATE_NOOP("CoreMessages", "Images smaller than {n} px on a side: {count} (e.g. {example}); they are "
                                      "stretched to the training size and carry little information."),
    QT_TRANSLATE_NOOP("CoreMessages", "Class '{c}' has {files} in subfolders; they count as '{label}'."),
    QT_TRANSLATE_NOOP("CoreMessages", "{files} skipped (e.g. {example})."),
    QT_TRANSLATE_NOOP("CoreMessages", "The same image is in different classes ({classes}): {names}"),
    QT_TRANSLATE_NOOP("CoreMessages", "The same image is in more than one split ({split}), which inflates "
                                      "validation scores: {names}"),
    # ---- app.core.data.dataset: why a folder cannot be used
    QT_TRANSLATE_NOOP("CoreMessages", "No folder chosen: choose the folder that holds one subfolder per class."),
    QT_TRANSLATE_NOOP("CoreMessages", "{root}: folder not found"),
    QT_TRANSLATE_NOOP("CoreMessages", "{root}: folder not found (was it moved or deleted?)"),
    QT_TRANSLATE_NOOP("CoreMessages", "{root}: not a folder (choose the folder that holds the class folders)"),
    QT_TRANSLATE_NOOP("CoreMessages", "{root}: cannot open folder ({error})"),
    QT_TRANSLATE_NOOP("CoreMessages", "{root}: cannot read folder (permission denied)"),
    QT_TRANSLATE_NOOP("CoreMessages", "{root}: cannot read folder ({error})"),
    QT_TRANSLATE_NOOP("CoreMessages", "{root}: the folder disappeared during the scan"),
    QT_TRANSLATE_NOOP("CoreMessages", "{root}: the folder's path is not valid text (UTF-8); rename it"),
    QT_TRANSLATE_NOOP("CoreMessages", "{root} has no class folders. Put each class's images in its own subfolder "
                                      "(e.g. cats/ and dogs/)."),
    QT_TRANSLATE_NOOP("CoreMessages", "{root}: its class folders are empty. Put each class's images in its own "
                                      "subfolder."),
    QT_TRANSLATE_NOOP("CoreMessages", "{root}: a classifier needs at least two classes with usable images (found "
                                      "only '{c}'). Put each class's images in its own subfolder."),
    # ---- app.core.search.runner / budget: why a search ended
    QT_TRANSLATE_NOOP("CoreMessages", "The time budget is spent."),
    QT_TRANSLATE_NOOP("CoreMessages", "Time budget of {budget} reached."),
    QT_TRANSLATE_NOOP("CoreMessages", "Time budget of {budget} reached. {detail}"),
    QT_TRANSLATE_NOOP("CoreMessages", "All 1 trial ran."),
    QT_TRANSLATE_NOOP("CoreMessages", "All {done} trials ran."),
    QT_TRANSLATE_NOOP("CoreMessages", "All 1 trial ran within the {budget} budget."),
    QT_TRANSLATE_NOOP("CoreMessages", "All {done} trials ran within the {budget} budget."),
    QT_TRANSLATE_NOOP("CoreMessages", "The {remaining} s left are too short for another useful trial (about "
                                      "{need} s for {least} epochs and the model's set-up)."),
    QT_TRANSLATE_NOOP("CoreMessages", "No better trial in the last {n} trials: the search has plateaued and ends "
                                      "early."),
    # app.core.transfer_search: a staged transfer search
    QT_TRANSLATE_NOOP("CoreMessages", "{n} head trials on cached features, then fine-tuning, within the {budget} "
                                      "budget."),
    QT_TRANSLATE_NOOP("CoreMessages", "{n} head trials on cached features, within the {budget} budget."),
    QT_TRANSLATE_NOOP("CoreMessages", "{n} head trials on cached features, then fine-tuning, within the trial "
                                      "limit."),
    QT_TRANSLATE_NOOP("CoreMessages", "{n} head trials on cached features, within the trial limit."),
    QT_TRANSLATE_NOOP("CoreMessages", "Transfer learning from {name} at {size} px: the frozen network reads about "
                                      "{n} images/s here, so its features of {count} images ({total} views each) "
                                      "take about {seconds} s once; later searches of these files reuse them."),
    QT_TRANSLATE_NOOP("CoreMessages", "The final model is the fine-tuned trial {n} (validation {value} against "
                                      "{low} for the best head alone)."),
    QT_TRANSLATE_NOOP("CoreMessages", "The final model is head trial {n}: fine-tuning scored {value} on "
                                      "validation, not above the head's {low}."),
    QT_TRANSLATE_NOOP("CoreMessages", "The final model is head trial {n} on the frozen {name}."),
    QT_TRANSLATE_NOOP("CoreMessages", "No better head in the last {n} head trials: the head search has plateaued "
                                      "and ends; fine-tuning follows when the budget allows."),
    QT_TRANSLATE_NOOP("CoreMessages", "No fine-tuning: the {remaining} s left are too short for {least} epochs "
                                      "(about {need} s each here)."),
    QT_TRANSLATE_NOOP("CoreMessages", "Training from scratch: no pretrained network's weights are on this machine. "
                                      "On a folder of photos (these are about {size} px), starting from MobileNetV2 "
                                      "pretrained on ImageNet usually scores far higher in minutes (published "
                                      "results on five flower classes: about 0.86-0.90 with the network frozen, "
                                      "0.95 after fine-tuning, against about 0.74 from scratch here). Get its "
                                      "weights (9 MB) with 'tunestudio weights fetch mobilenet_v2', or on an "
                                      "offline machine copy the file into the Keras cache ({folder}), then start "
                                      "again."),
    QT_TRANSLATE_NOOP("CoreMessages", "the search ended"),
    QT_TRANSLATE_NOOP("CoreMessages", "unknown error"),
    # ---- app.core.search.runner: notices during a search (the Training tab)
    QT_TRANSLATE_NOOP("CoreMessages", "Image size {size} px."),
    QT_TRANSLATE_NOOP("CoreMessages", "Image size {size} px (chosen for {budget})."),
    QT_TRANSLATE_NOOP("CoreMessages", "Image size {size} px; measured epoch times: {times}."),
    QT_TRANSLATE_NOOP("CoreMessages", "Image size {size} px (chosen for {budget}); measured epoch times: {times}."),
    QT_TRANSLATE_NOOP("CoreMessages", "width {width} at {size} px ~{seconds} s"),
    QT_TRANSLATE_NOOP("CoreMessages", "{count} file(s) cannot be used and are left out (first: {path}: {reason})."),
    QT_TRANSLATE_NOOP("CoreMessages", "{count} file(s) disappeared or changed since the scan and are left out "
                                      "(first: {path})."),
    QT_TRANSLATE_NOOP("CoreMessages", "Trial {n} stopped after {epochs} epochs: clearly behind the best trial at the "
                                      "same epoch; its time goes to the next trial."),
    QT_TRANSLATE_NOOP("CoreMessages", "This budget holds one trial of {epochs} epochs: one well-trained model scores "
                                      "higher than several short trials. A search of several trials needs about "
                                      "{budget}."),
    QT_TRANSLATE_NOOP("CoreMessages", "This budget holds about {n} trials of {epochs} epochs each."),
    QT_TRANSLATE_NOOP("CoreMessages", "The budget holds about {n} trials: the next trials keep the best trial's "
                                      "choices and refine its numeric settings (learning rate, dropout, ...) instead "
                                      "of sampling the whole search space."),
    QT_TRANSLATE_NOOP("CoreMessages", "The final model averages trials {names}: validation accuracy {score} against "
                                      "{best} for the best trial alone."),
    QT_TRANSLATE_NOOP("CoreMessages", "The final model averages trials {names}: validation loss {score} against "
                                      "{best} for the best trial alone."),
    QT_TRANSLATE_NOOP("CoreMessages", "Out of memory at batch size {size}; retrying this trial once at batch size "
                                      "{half}. ({error})"),
    QT_TRANSLATE_NOOP("CoreMessages", "{count} training image(s) could not be read any more (moved, deleted or "
                                      "changed since the scan) and were left out."),
    QT_TRANSLATE_NOOP("CoreMessages", "{count} validation image(s) could not be read any more (moved, deleted or "
                                      "changed since the scan) and were left out."),
    QT_TRANSLATE_NOOP("CoreMessages", "The classes are heavily imbalanced, so each is weighted by the inverse of its "
                                      "share of the training images (class weights on)."),
    QT_TRANSLATE_NOOP("CoreMessages", "Mixed precision needs a GPU; training in float32 on the CPU."),
    QT_TRANSLATE_NOOP("CoreMessages", "Mixed precision needs a GPU with fast float16 (compute capability 7.0 or "
                                      "later); training in float32."),
    QT_TRANSLATE_NOOP("CoreMessages", "{count} training images: batch size lowered from {value} to {choices}, so an "
                                      "epoch has {n} or more steps (batch norm and the learning-rate schedule learn "
                                      "per step; one step an epoch leaves validation at chance)."),
    QT_TRANSLATE_NOOP("CoreMessages", "XLA on for {name} on {path}: a training step took {value} s compiled against "
                                      "{limit} s plain."),
    QT_TRANSLATE_NOOP("CoreMessages", "XLA off for {name} on {path}: a training step took {value} s compiled against "
                                      "{limit} s plain."),
    QT_TRANSLATE_NOOP("CoreMessages", "XLA failed for {name} on {path} ({error}); using the plain graph."),
    QT_TRANSLATE_NOOP("CoreMessages", "stopped by user; it will run again on resume"),
    # ---- app.core.options.options / app.core.options.config: why an option's value is refused (the options column)
    QT_TRANSLATE_NOOP("CoreMessages", "{value} is not true/false"),
    QT_TRANSLATE_NOOP("CoreMessages", "give a value"),
    QT_TRANSLATE_NOOP("CoreMessages", "{value} is not a number"),
    QT_TRANSLATE_NOOP("CoreMessages", "{value} is not a whole number"),
    QT_TRANSLATE_NOOP("CoreMessages", "give a value, a list such as 32,64, or a range such as 16:128"),
    QT_TRANSLATE_NOOP("CoreMessages", "give one value or a comma-separated list here"),
    QT_TRANSLATE_NOOP("CoreMessages", "{value}: a range is MIN:MAX, MIN:MAX:log or MIN:MAX:STEP"),
    QT_TRANSLATE_NOOP("CoreMessages", "give at least one value"),
    QT_TRANSLATE_NOOP("CoreMessages", "tick at least one"),
    QT_TRANSLATE_NOOP("CoreMessages", "{value} is not one of {choices}"),
    QT_TRANSLATE_NOOP("CoreMessages", "must be greater than 0 (got {value})"),
    QT_TRANSLATE_NOOP("CoreMessages", "must be at least {low} (got {value})"),
    QT_TRANSLATE_NOOP("CoreMessages", "must be at most {high} (got {value})"),
    QT_TRANSLATE_NOOP("CoreMessages", "must be from {low} to {high} (got {value})"),
    QT_TRANSLATE_NOOP("CoreMessages", "choices must be a non-empty list"),
    QT_TRANSLATE_NOOP("CoreMessages", "choices contain duplicates"),
    QT_TRANSLATE_NOOP("CoreMessages", "a range needs both 'min' and 'max'"),
    QT_TRANSLATE_NOOP("CoreMessages", "min ({low}) is greater than max ({high})"),
    QT_TRANSLATE_NOOP("CoreMessages", "a log range must start above 0"),
    QT_TRANSLATE_NOOP("CoreMessages", "step must be greater than 0 (got {value})"),
    QT_TRANSLATE_NOOP("CoreMessages", "{value} is not a duration"),
    QT_TRANSLATE_NOOP("CoreMessages", "{value} is not a duration: write 10m, 90s, 2h, 1h30m or none"),
    QT_TRANSLATE_NOOP("CoreMessages", "transfer backbones need at least {size} px"),
    QT_TRANSLATE_NOOP("CoreMessages", "must be at least 5 seconds (or 0 for no limit)"),
    QT_TRANSLATE_NOOP("CoreMessages", "Hyperband needs at least 2 epochs"),
    QT_TRANSLATE_NOOP("CoreMessages", "must be a fraction from 0 to below 1 (got {value})"),
    QT_TRANSLATE_NOOP("CoreMessages", "a validation split is needed to score trials"),
    QT_TRANSLATE_NOOP("CoreMessages", "validation and test together leave too little to train on"),
    QT_TRANSLATE_NOOP("CoreMessages", "must be from 0 to 1 (got {value})"),
    QT_TRANSLATE_NOOP("CoreMessages", "weights file not found: {path}"),
    QT_TRANSLATE_NOOP("CoreMessages", "folder not found: {path}"),
)

# Only inside another message (they would match almost any text with a comma or a number).
_NESTED_ONLY = {"{n} {reason}", "{first}, {rest}"}


def _pattern(template: str) -> re.Pattern:
    parts = re.split(r"\{(\w+)\}", template)
    regex = ""
    for i, part in enumerate(parts):
        if i % 2 == 0:
            regex += re.escape(part)
        elif part in _NUMBER_FIELDS:
            regex += rf"(?P<{part}>[\d,.]+)"
        elif part in _COUNTED_FIELDS:
            regex += rf"(?P<{part}>[\d,.]+ [\w ,]+?)"
        else:
            regex += rf"(?P<{part}>.+?)"
    return re.compile(regex, re.DOTALL)


@lru_cache(maxsize=None)
def _compiled() -> tuple[tuple[str, re.Pattern], ...]:
    # Templates with more literal text first: "{root}: folder not found" before "{n} {reason}".
    ordered = sorted(TEMPLATES, key=lambda t: -len(re.sub(r"\{\w+\}", "", t)))
    return tuple((t, _pattern(t)) for t in ordered)


def warm_up() -> None:
    """Compile the patterns now (about 30 ms), on an idle turn after the window is built, rather
    than inside the first notice a running search shows."""
    _compiled()


def translate_message(data: dict, english: str = "") -> str:
    """A message given as ``{"id", "template", "fields"}`` in the window's language, by its id; its
    fields that are messages are translated in turn, the others shown as they are. The English
    (``english``, else the template filled) when there is no translation or it does not fit."""
    fields = {key: translate_message(value) if isinstance(value, dict) and value.get("id") else value
              for key, value in (data.get("fields") or {}).items()}
    template = str(data.get("template") or "")
    try:
        english = english or template.format(**fields)
        return QCoreApplication.translate(CONTEXT, template, str(data.get("id"))).format(**fields)
    except (KeyError, IndexError, ValueError):
        return english or template  # a translation with a wrong field: the English is better than a crash


def translate_event(event: dict, key: str = "message") -> str:
    """An event's message field in the window's language: by its id when the core sent one
    (``<key>_msg``), else by its wording (:func:`translate`)."""
    data = event.get(f"{key}_msg")
    text = str(event.get(key) or "")
    if isinstance(data, dict) and data.get("id"):
        return translate_message(data, text)
    return translate(text)


def translate(text: str, _depth: int = 0) -> str:
    """``text`` (an English message of the core) in the window's language; unchanged when unknown."""
    if not text or _depth > 3:
        return text
    data = message_data(text)
    if data is not None:  # a message of this process that knows its id
        return translate_message(data, str(text))
    stripped = text.strip()
    for template, pattern in _compiled():
        if _depth == 0 and template in _NESTED_ONLY:
            continue
        match = pattern.fullmatch(stripped)
        if match is None:
            continue
        fields = {}
        for key, value in match.groupdict().items():
            keep = key in _VERBATIM and key not in _COUNTED_FIELDS
            fields[key] = value if keep else translate(value, _depth + 1)
        translated = QCoreApplication.translate(CONTEXT, template)
        try:
            return translated.format(**fields)
        except (KeyError, IndexError, ValueError):
            return text  # a translation with a wrong field: the English is better than a crash
    return text


def translate_lines(texts) -> list[str]:
    return [translate(str(t)) for t in texts]


# The preparation stages before the first trial (app/core/search/stages.py).
STAGE_WORDS = {
    "scanning": QT_TRANSLATE_NOOP("SearchStatus", "Scanning the images…"),
    "starting_tensorflow": QT_TRANSLATE_NOOP("SearchStatus", "Starting TensorFlow…"),
    "measuring": QT_TRANSLATE_NOOP("SearchStatus", "Measuring this machine…"),
    "compiling": QT_TRANSLATE_NOOP("SearchStatus", "Trying the compiled (XLA) training step…"),
    "loading": QT_TRANSLATE_NOOP("SearchStatus", "Decoding the images…"),
}


def stage_text(stage: dict | None) -> str:
    """``Measuring this machine: 2 of 3 candidates`` in the window's language ("" without a stage)."""
    if not stage:
        return ""
    words = STAGE_WORDS.get(stage.get("stage"))
    text = QCoreApplication.translate("SearchStatus", words) if words else str(stage.get("stage"))
    if stage.get("total"):
        text = QCoreApplication.translate("SearchStatus", "Measuring this machine: {done} of {total} candidates").format(
            done=stage.get("done") or 0, total=stage["total"])
    return text


def status_text(state) -> str:
    """``SearchState.status_text()`` in the window's language: ``Trial 3 of 10 · epoch 4/12 · ...``."""
    from app.core.util.formatting import format_clock

    def tr(text: str) -> str:
        # lupdate files these tr() calls of a module-level function under the empty context, so
        # that is where their translations are (under "SearchStatus" none was ever found).
        return QCoreApplication.translate("", text)

    parts = []
    if not state.trial_number and state.status == "preparing" and state.stage_event:
        parts.append(stage_text(state.stage_event))
    elif state.features_running():
        parts.append(tr("Features: {done} of {total} images").format(done=state.stage_done, total=state.stage_total))
    elif state.stage == "head":
        parts.append(tr("Head trials"))
    elif state.stage == "fine_tune":
        parts.append(tr("Fine-tuning"))
    if state.trial_number:
        parts.append((tr("Trial {n} of {total}") if state.max_trials else tr("Trial {n}")).format(
            n=state.trial_number, total=state.max_trials))
    if state.epochs and state.trial_started_at is not None:
        parts.append(tr("epoch {epoch}/{epochs}").format(
            epoch=min(state.epoch + 1, state.epochs), epochs=state.epochs))
    if state.time_budget:
        parts.append(tr("{spent} of {budget}").format(spent=format_clock(state.budget_spent()),
                                                      budget=format_clock(state.time_budget)))
    else:
        parts.append(tr("elapsed {clock}").format(clock=format_clock(state.elapsed())))
    eta = state.eta_seconds()
    if eta is not None:
        parts.append(tr("about {clock} left").format(clock=format_clock(eta)))
    return " · ".join(parts)


# ---------------------------------------------------------------------- words the core uses as data

# A trial's or a search's status (Keras Tuner's upper-case names, and the history's lower-case ones).
STATUS_WORDS = {
    "RUNNING": QT_TRANSLATE_NOOP("Status", "running"),
    "COMPLETED": QT_TRANSLATE_NOOP("Status", "completed"),
    "FAILED": QT_TRANSLATE_NOOP("Status", "failed"),
    "INVALID": QT_TRANSLATE_NOOP("Status", "invalid"),
    "STOPPED": QT_TRANSLATE_NOOP("Status", "stopped"),
    "CANCELLED": QT_TRANSLATE_NOOP("Status", "cancelled"),
    "INTERRUPTED": QT_TRANSLATE_NOOP("Status", "interrupted"),
    "IDLE": QT_TRANSLATE_NOOP("Status", "idle"),
}
# The search space's hyperparameter names (app.core.model.models), as the tutorials name them.
HYPERPARAMETERS = {
    "learning_rate": QT_TRANSLATE_NOOP("Hyperparameters", "learning rate"),
    "batch_size": QT_TRANSLATE_NOOP("Hyperparameters", "batch size"),
    "optimizer": QT_TRANSLATE_NOOP("Hyperparameters", "optimizer"),
    "width": QT_TRANSLATE_NOOP("Hyperparameters", "width"),
    "depth": QT_TRANSLATE_NOOP("Hyperparameters", "depth"),
    "dropout": QT_TRANSLATE_NOOP("Hyperparameters", "dropout"),
    "batch_norm": QT_TRANSLATE_NOOP("Hyperparameters", "batch norm"),
    "dense_units": QT_TRANSLATE_NOOP("Hyperparameters", "dense units"),
    "initializer": QT_TRANSLATE_NOOP("Hyperparameters", "initializer"),
    "l1": QT_TRANSLATE_NOOP("Hyperparameters", "L1"),
    "l2": QT_TRANSLATE_NOOP("Hyperparameters", "L2"),
    "augmentation": QT_TRANSLATE_NOOP("Hyperparameters", "augmentation"),
    "momentum": QT_TRANSLATE_NOOP("Hyperparameters", "momentum"),
    "nesterov": QT_TRANSLATE_NOOP("Hyperparameters", "Nesterov"),
    "schedule": QT_TRANSLATE_NOOP("Hyperparameters", "schedule"),
    "warmup_fraction": QT_TRANSLATE_NOOP("Hyperparameters", "warm-up fraction"),
    "weight_decay": QT_TRANSLATE_NOOP("Hyperparameters", "weight decay"),
    "label_smoothing": QT_TRANSLATE_NOOP("Hyperparameters", "label smoothing"),
    "clip_value": QT_TRANSLATE_NOOP("Hyperparameters", "clipping threshold"),
    "clip_mode": QT_TRANSLATE_NOOP("Hyperparameters", "gradient clipping"),
    "image_size": QT_TRANSLATE_NOOP("Hyperparameters", "image size"),
    "fine_tune": QT_TRANSLATE_NOOP("Hyperparameters", "fine-tune"),
    "stage": QT_TRANSLATE_NOOP("Hyperparameters", "stage"),
    "head_units": QT_TRANSLATE_NOOP("Hyperparameters", "head units"),
    "class_weights": QT_TRANSLATE_NOOP("Hyperparameters", "class weights"),
    "head_trial": QT_TRANSLATE_NOOP("Hyperparameters", "head trial"),
    "unfrozen_share": QT_TRANSLATE_NOOP("Hyperparameters", "unfrozen share"),
    "epochs": QT_TRANSLATE_NOOP("Hyperparameters", "epochs"),
}
_YES, _NO = QT_TRANSLATE_NOOP("Values", "yes"), QT_TRANSLATE_NOOP("Values", "no")
# A staged transfer search's trial stages (the "stage" hyperparameter's values).
STAGE_VALUES = {"head": QT_TRANSLATE_NOOP("Values", "head"), "fine_tune": QT_TRANSLATE_NOOP("Values", "fine-tuning")}


def option_text(text: str) -> str:
    """A label of the option table (architectures, tuners, ...), marked there under "Options"."""
    return QCoreApplication.translate("Options", text) if text else text


def status_word(status: str | None) -> str:
    """'completed' (or its translation) for COMPLETED, completed, ..."""
    text = str(status or "")
    word = STATUS_WORDS.get(text.upper())
    return QCoreApplication.translate("Status", word) if word else text.lower()


def hp_label(name: str) -> str:
    """A hyperparameter's name for people: 'learning rate' (学习率) for learning_rate."""
    label = HYPERPARAMETERS.get(str(name))
    return QCoreApplication.translate("Hyperparameters", label) if label else str(name).replace("_", " ")


def value_text(value) -> str:
    """``app.core.util.formatting.format_value`` with yes/no in the window's language."""
    from app.core.util.formatting import format_value

    if isinstance(value, bool):
        return QCoreApplication.translate("Values", _YES if value else _NO)
    if isinstance(value, str) and value in STAGE_VALUES:
        return QCoreApplication.translate("Values", STAGE_VALUES[value])
    return format_value(value)

