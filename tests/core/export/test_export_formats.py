"""Export to every format: each artifact scored in its own runtime, by the card and by a plain script."""
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from app.core.export.export import ExportError, export_trial
from app.core.export.export_formats import FILE_NAMES, FORMATS
from export_data import CLASSES, pattern

pytestmark = pytest.mark.slow
REQUIRED_KEYS = {"format", "path", "size_bytes", "val_accuracy", "agreement", "max_prob_diff", "ms_per_image",
                 "passed"}


@pytest.fixture(scope="module")
def exported(tmp_path_factory, tiny_search_dir):
    """The tiny search exported to every format, shared by the tests of this module."""
    root = tmp_path_factory.mktemp("export")
    search_dir = tiny_search_dir
    events = []
    card = export_trial(search_dir, root / "out", formats=list(FORMATS), progress=events.append)
    return {"search_dir": Path(search_dir), "out": root / "out", "card": card, "events": events, "root": root}


def test_the_card_holds_a_passed_proof_for_every_format(exported):
    card, out = exported["card"], exported["out"]
    info = json.loads((exported["search_dir"] / "search.json").read_text())
    assert [a["format"] for a in card["artifacts"]] == list(FORMATS)
    assert json.loads((out / "model_card.json").read_text())["artifacts"] == card["artifacts"]
    for a in card["artifacts"]:
        assert REQUIRED_KEYS <= set(a), a
        assert a["passed"] is True, a
        assert a["images"] == len(info["splits"]["val"])  # the whole validation split
        assert "test_accuracy" in a and "test_agreement" in a  # and the test split
        path = out / a["path"]
        assert a["path"] == FILE_NAMES[a["format"]] and path.exists()
        if path.is_file():
            assert a["size_bytes"] == path.stat().st_size
        assert a["val_accuracy"] >= 0.9  # the generated classes are easy: a real model, not noise
    sizes = {a["format"]: a["size_bytes"] for a in card["artifacts"]}
    assert sizes["tflite-int8"] < sizes["tflite-fp16"] < sizes["tflite"]
    assert card["self_check"]["passed"] and card["tolerances"]["tflite-int8"]["min_agreement"] < 0.99
    steps = [e for e in exported["events"] if e["type"] == "export_progress"]
    assert steps[-1]["done"] == steps[-1]["total"] - 1 and {e["format"] for e in steps} >= set(FORMATS)


SCRIPT = r'''
import base64, json, sys
from pathlib import Path
import numpy as np
import tensorflow as tf

out = Path(sys.argv[1])
card = json.loads((out / "model_card.json").read_text())
split = json.loads((out / "reproduce" / "split.json").read_text())
size = card["input"]["image_size"]
files = [f for f, _ in split["val"]]
labels = np.array([label for _, label in split["val"]])

def pixels(path):
    image = tf.io.decode_image(tf.io.read_file(path), channels=3, expand_animations=False)
    image = tf.image.resize(image, (size, size), antialias=True)
    return tf.cast(tf.clip_by_value(tf.round(image), 0, 255), tf.uint8).numpy()

x = np.stack([pixels(f) for f in files])
probs = {}
model = tf.saved_model.load(str(out / "saved_model"))
probs["saved_model"] = model.signatures["serving_default"](images=tf.constant(x))["probabilities"].numpy()
# TensorFlow Serving's REST body; the server turns each {"b64": ...} into one string of the batch.
body = json.dumps({"instances": [{"b64": base64.b64encode(open(f, "rb").read()).decode()} for f in files]})
batch = [base64.b64decode(item["b64"]) for item in json.loads(body)["instances"]]
served = model.signatures["serve_bytes"](image_bytes=tf.constant(batch))
probs["serve_bytes"] = served["probabilities"].numpy()
names = [n.decode() for n in served["class_name"].numpy()]
import keras
probs["keras"] = keras.saving.load_model(out / "model.keras", safe_mode=True).predict(x, verbose=0)
for fmt in ("tflite", "tflite-fp16", "tflite-int8"):
    interpreter = tf.lite.Interpreter(model_path=str(out / {"tflite": "model.tflite", "tflite-fp16": "model_fp16.tflite",
                                                             "tflite-int8": "model_int8.tflite"}[fmt]))
    runner = interpreter.get_signature_runner()
    result = list(runner(**{runner.get_input_details().popitem()[0]: x}).values())[0]
    scale, zero = list(runner.get_output_details().values())[0]["quantization"]
    probs[fmt] = (result.astype(np.float32) - zero) * scale if result.dtype == np.uint8 else result
import onnxruntime as ort
session = ort.InferenceSession(str(out / "model.onnx"), providers=["CPUExecutionProvider"])
probs["onnx"] = session.run(None, {"images": x})[0]
assert json.loads(session.get_modelmeta().custom_metadata_map["classes"]) == split["classes"]
assert "app" not in sys.modules
print(json.dumps({"accuracy": {k: float(np.mean(np.argmax(p, -1) == labels)) for k, p in probs.items()},
                  "predicted": {k: np.argmax(p, -1).tolist() for k, p in probs.items()},
                  "names": names}))
'''


def test_a_plain_script_scores_every_format_as_the_card_says(exported):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    env.pop("PYTHONPATH", None)
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(exported["out"])], capture_output=True, text=True,
                          env=env, cwd=exported["root"], timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    card = {a["format"]: a for a in exported["card"]["artifacts"]}
    for fmt in FORMATS:
        assert result["accuracy"][fmt] == pytest.approx(card[fmt]["val_accuracy"]), fmt
    # The bytes signature decodes in the graph exactly as training did.
    assert result["predicted"]["serve_bytes"] == result["predicted"]["saved_model"]
    assert result["names"] == [CLASSES[i] for i in result["predicted"]["saved_model"]]


def _jpeg(pixels: np.ndarray, orientation: int | None = None, mode: str = "RGB") -> bytes:
    from PIL import Image

    image = Image.fromarray(pixels).convert(mode)
    buffer = io.BytesIO()
    kwargs = {}
    if orientation is not None:
        exif = Image.Exif()
        exif[0x0112] = orientation
        kwargs["exif"] = exif.tobytes()
    image.save(buffer, "JPEG", quality=98, **kwargs)
    return buffer.getvalue()


def test_serve_bytes_turns_a_rotated_phone_photo_upright(exported):
    import tensorflow as tf

    serve = tf.saved_model.load(str(exported["out"] / "saved_model")).signatures["serve_bytes"]
    upright = pattern("top", np.random.default_rng(5))
    # A phone stores the sensor's pixels (a quarter turn counter-clockwise) and tags orientation 6.
    stored = np.ascontiguousarray(np.rot90(upright, 1))
    batch = [_jpeg(upright), _jpeg(stored, orientation=6), _jpeg(stored), _jpeg(upright, mode="CMYK"),
             _jpeg(upright, mode="L")]
    result = serve(image_bytes=tf.constant(batch))
    names = [n.decode() for n in result["class_name"].numpy()]
    probs = result["probabilities"].numpy()
    assert names[0] == "top" and names[1] == "top"
    assert np.max(np.abs(probs[1] - probs[0])) < 0.02
    assert names[2] == "left"  # the same pixels without the tag: what ignoring EXIF would give
    assert names[3] == "top" and np.max(np.abs(probs[3] - probs[0])) < 0.05  # CMYK made RGB
    assert names[4] == "top"  # grayscale used as three equal channels


@pytest.mark.parametrize("orientation", range(1, 9))
def test_exif_orientation_matches_pillow(orientation):
    import tensorflow as tf
    from PIL import Image, ImageOps

    from app.core.export.serving_graph import apply_orientation, exif_orientation

    pixels = pattern("top", np.random.default_rng(orientation), size=24)[:, :16]  # not square
    data = _jpeg(pixels, orientation=orientation)
    expected = np.asarray(ImageOps.exif_transpose(Image.open(io.BytesIO(data))).convert("RGB"), dtype=int)
    assert int(exif_orientation(tf.constant(data))) == orientation
    decoded = tf.io.decode_image(data, channels=3, expand_animations=False)
    got = apply_orientation(decoded, exif_orientation(tf.constant(data))).numpy().astype(int)
    assert got.shape == expected.shape
    assert np.mean(np.abs(got - expected)) < 3  # JPEG decoders differ by a level or two, not by a turn


def test_no_exif_or_broken_data_means_upright():
    import tensorflow as tf

    from app.core.export.serving_graph import exif_orientation

    png = io.BytesIO()
    from PIL import Image

    Image.fromarray(pattern("top", np.random.default_rng(0))).save(png, "PNG")
    for data in (png.getvalue(), b"", b"\xff\xd8Exif\0\0MM\0*\xff\xff\xff\xff", _jpeg(np.zeros((8, 8, 3), np.uint8))):
        assert int(exif_orientation(tf.constant(data))) == 1


def test_the_bundle_reproduces_the_trial(exported):
    out, card = exported["out"], exported["card"]
    info = json.loads((exported["search_dir"] / "search.json").read_text())
    bundle = out / "reproduce"
    assert sorted(p.name for p in bundle.iterdir()) == ["environment.json", "reproduce.sh", "search_config.json",
                                                         "split.json", "trial_config.json"]
    assert json.loads((bundle / "search_config.json").read_text()) == info["config"]
    split = json.loads((bundle / "split.json").read_text())
    for name, rows in info["splits"].items():
        assert split[name] == [[row[2], row[1]] for row in rows]
    env = json.loads((bundle / "environment.json").read_text())
    assert env["seed"] == info["config"]["seed"] and env["dataset_fingerprint"] == info["dataset_fingerprint"]
    assert env["versions"]["tensorflow"] and env["trial_id"] == card["trial_id"]
    trial = json.loads((bundle / "trial_config.json").read_text())
    assert trial["max_trials"] == 1 and trial["deterministic"] is True
    for name, value in card["hyperparameters"].items():
        assert (trial["augmentation"]["enabled"] if name == "augmentation" else trial[name]) == value
    assert card["reproduce"]["command"] == f"tunestudio search --config {bundle / 'trial_config.json'}"
    assert card["reproduce"]["command"] in (bundle / "reproduce.sh").read_text()


def test_cli_export_json_prints_the_artifacts_table(exported, tmp_path, capsys):
    from app.cli.main import main

    code = main(["export", str(exported["search_dir"]), str(tmp_path / "cli"), "--format", "tflite,keras", "--json"])
    result = json.loads(capsys.readouterr().out)
    assert code == 0
    assert [a["format"] for a in result["artifacts"]] == ["keras", "tflite"]
    for a in result["artifacts"]:
        assert REQUIRED_KEYS <= set(a) and Path(a["path"]).is_file() and a["passed"]
    card = json.loads((tmp_path / "cli" / "model_card.json").read_text())
    assert [a["format"] for a in card["artifacts"]] == ["keras", "tflite"]
    assert main(["export", str(exported["search_dir"]), str(tmp_path / "bad"), "--format", "tflite,png"]) == 2
    assert "unknown format png" in capsys.readouterr().err


def test_a_missing_onnx_converter_says_what_to_install(exported, tmp_path, monkeypatch, capsys):
    import app.core.export.export_formats as formats
    from app.cli.main import main

    real = formats.missing_requirement
    monkeypatch.setattr(formats, "missing_requirement",
                        lambda fmt: formats.ONNX_INSTALL_HINT if fmt == "onnx" else real(fmt))
    assert main(["export", str(exported["search_dir"]), str(tmp_path / "o"), "--format", "onnx"]) == 2
    assert "pip install 'tunestudio[onnx]'" in capsys.readouterr().err
    with pytest.raises(ExportError, match="tf2onnx"):
        export_trial(exported["search_dir"], tmp_path / "o2", formats=["onnx"])
    assert "onnx" not in formats.available_formats()
    assert not (tmp_path / "o").exists() and not (tmp_path / "o2").exists()


def test_the_serving_examples_classify_like_the_card(exported):
    """examples/ run as a user would, with only NumPy, Pillow and the runtime."""
    out = exported["out"]
    split = json.loads((out / "reproduce" / "split.json").read_text())
    files = [f for f, _ in split["val"][:6]]
    expected = [split["classes"][label] for _, label in split["val"][:6]]
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    env.pop("PYTHONPATH", None)
    repo = Path(__file__).resolve().parents[3]
    for script, model in (("onnx_classify.py", "model.onnx"), ("tflite_classify.py", "model_int8.tflite")):
        done = subprocess.run([sys.executable, str(repo / "examples" / script), str(out / model), *files],
                              capture_output=True, text=True, env=env, cwd=exported["root"], timeout=300)
        assert done.returncode == 0, done.stderr[-2000:]
        names = [line.split("\t")[1] for line in done.stdout.strip().splitlines()]
        assert names == expected, script  # the generated classes are easy: every one right


def test_cancel_stops_between_steps_and_leaves_nothing(exported, tmp_path):
    import threading

    from app.core.export.export import ExportCancelled

    cancel = threading.Event()

    def progress(event):
        if event.get("format") == "keras":  # saved_model is already written in the staging folder
            cancel.set()

    exports = tmp_path / "exports"
    with pytest.raises(ExportCancelled):
        export_trial(exported["search_dir"], exports / "out", formats=["saved_model", "keras"], progress=progress,
                     cancel=cancel)
    assert list(exports.iterdir()) == []
