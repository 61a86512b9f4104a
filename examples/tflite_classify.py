"""Classify images with an exported TensorFlow Lite model: python tflite_classify.py MODEL.tflite IMAGE..."""
import json
import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

try:  # LiteRT, TensorFlow Lite's successor; TensorFlow's own interpreter works the same way
    from ai_edge_litert.interpreter import Interpreter
except ImportError:
    import tensorflow as tf

    Interpreter = tf.lite.Interpreter

model = Path(sys.argv[1])
size = json.loads((model.parent / "model_card.json").read_text())["input"]["image_size"]
labels = (model.parent / "labels.txt").read_text().split("\n")
# Upright RGB at the model's size, as in training (the TFLite model takes uint8 pixels).
pixels = np.stack([np.asarray(ImageOps.exif_transpose(Image.open(p)).convert("RGB")
                              .resize((size, size), Image.Resampling.BILINEAR)) for p in sys.argv[2:]])
interpreter = Interpreter(model_path=str(model))
inp, out = interpreter.get_input_details()[0], interpreter.get_output_details()[0]
interpreter.resize_tensor_input(inp["index"], pixels.shape)
interpreter.allocate_tensors()
interpreter.set_tensor(inp["index"], pixels)
interpreter.invoke()
probabilities = interpreter.get_tensor(out["index"])
if out["dtype"] == np.uint8:  # the int8 model: quantized probabilities
    scale, zero = out["quantization"]
    probabilities = (probabilities.astype(np.float32) - zero) * scale
for path, p in zip(sys.argv[2:], probabilities):
    print(f"{path}\t{labels[int(np.argmax(p))]}\t{float(np.max(p)):.3f}")
