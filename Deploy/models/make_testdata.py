#!/usr/bin/env python3
"""Writes JPEG copies of the test photos and the reference EfficientNet-Lite0 outputs for them.

The Swift tests decode JPEG only and compare their embeddings with these references, computed here with
onnxruntime and Pillow: RGB, resize shorter side to 256 (bilinear), centre crop 224, (x - 127) / 128.
Usage: make_testdata.py --onnx MODEL --testdata DIR --provenance FILE
"""
import argparse
import json
import os

import numpy as np
import onnxruntime as ort
from PIL import Image

PHOTOS = ["chelsea", "coffee", "astronaut"]


def preprocess(image):
    image = image.convert("RGB")
    width, height = image.size
    scale = 256 / min(width, height)
    image = image.resize((max(224, round(width * scale)), max(224, round(height * scale))), Image.BILINEAR)
    width, height = image.size
    left, top = (width - 224) // 2, (height - 224) // 2
    image = image.crop((left, top, left + 224, top + 224))
    array = (np.asarray(image, dtype=np.float32) - 127) / 128
    return array.transpose(2, 0, 1)[None]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--onnx", required=True)
    parser.add_argument("--testdata", required=True)
    parser.add_argument("--provenance", required=True)
    args = parser.parse_args()
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    session = ort.InferenceSession(args.onnx, options)
    references = {}
    with open(args.provenance, "a", encoding="utf-8") as provenance:
        for name in PHOTOS:
            jpeg = os.path.join(args.testdata, f"{name}.jpg")
            Image.open(os.path.join(args.testdata, f"{name}.png")).convert("RGB").save(jpeg, quality=95, subsampling=0)
            provenance.write(f"testdata/{name}.jpg\t" + json.dumps(
                {"generated_by": "Deploy/models/make_testdata.py", "from": f"testdata/{name}.png"}) + "\n")
            with Image.open(jpeg) as image:
                features, logits = session.run(["features", "logits"], {"input": preprocess(image)})
            features = features[0] / np.linalg.norm(features[0])
            references[f"{name}.jpg"] = {
                "features": [round(float(x), 6) for x in features],
                "top5": [int(i) for i in np.argsort(-logits[0])[:5]],
            }
        # A 224x224 crop: the model's input size, so no resampling stands between two implementations.
        exact = os.path.join(args.testdata, "chelsea-224.jpg")
        with Image.open(os.path.join(args.testdata, "chelsea.png")) as image:
            image = image.convert("RGB")
            left, top = (image.width - 224) // 2, (image.height - 224) // 2
            image.crop((left, top, left + 224, top + 224)).save(exact, quality=95, subsampling=0)
        provenance.write("testdata/chelsea-224.jpg\t" + json.dumps(
            {"generated_by": "Deploy/models/make_testdata.py", "from": "testdata/chelsea.png"}) + "\n")
        with Image.open(exact) as image:
            array = (np.asarray(image.convert("RGB"), dtype=np.float32) - 127) / 128
            features, logits = session.run(["features", "logits"], {"input": array.transpose(2, 0, 1)[None]})
        references["chelsea-224.jpg"] = {
            "features": [round(float(x), 6) for x in features[0] / np.linalg.norm(features[0])],
            "logits": [round(float(x), 5) for x in logits[0]],
            "top5": [int(i) for i in np.argsort(-logits[0])[:5]],
        }
        path = os.path.join(args.testdata, "reference-embeddings.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump({"model": "efficientnet-lite0", "preprocessing": "shorter side 256 bilinear, centre crop 224, (x-127)/128",
                       "photos": references}, f, indent=1)
        provenance.write("testdata/reference-embeddings.json\t" + json.dumps(
            {"generated_by": "Deploy/models/make_testdata.py"}) + "\n")


if __name__ == "__main__":
    main()
