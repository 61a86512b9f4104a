"""Classify images with an exported ONNX model: python onnx_classify.py MODEL.onnx IMAGE..."""
import json
import sys
from pathlib import Path

import numpy as np
import onnxruntime as ort
from PIL import Image, ImageOps

model = Path(sys.argv[1])
session = ort.InferenceSession(str(model), providers=["CPUExecutionProvider"])
labels = json.loads(session.get_modelmeta().custom_metadata_map["classes"])
size = session.get_inputs()[0].shape[1]
# Upright RGB at the model's size, as in training (the model takes uint8 pixels).
pixels = np.stack([np.asarray(ImageOps.exif_transpose(Image.open(p)).convert("RGB")
                              .resize((size, size), Image.Resampling.BILINEAR)) for p in sys.argv[2:]])
probabilities = session.run(["probabilities"], {"images": pixels})[0]
for path, p in zip(sys.argv[2:], probabilities):
    print(f"{path}\t{labels[int(np.argmax(p))]}\t{float(np.max(p)):.3f}")
