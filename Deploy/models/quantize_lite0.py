#!/usr/bin/env python3
"""EfficientNet-Lite0 in int8: static QDQ quantisation of the exported float model (issue 17).

Two commands, run in the export venv of Deploy/fetch-models (numpy, onnx, onnxruntime, pillow):

  calibrate --model FLOAT.onnx --data DIR --out Models/lite0-int8-calibration.json [--count N] [--seed S]
      Runs the float model over N photos drawn (seeded) from DIR (class subfolders of JPEGs, e.g.
      clothing-small/train) as the embedder frames them -- the centre crop (shorter side 256, centre 224) and
      the whole photo fitted into 224x224 on white -- and writes every activation's range (min/max) as
      onnxruntime's calibration cache. The project commits the result, so that every machine quantises with
      the same ranges and gets the same file (its sha256 is pinned in Deploy/fetch-models): the data set is
      needed to calibrate, never to set up.

  build --model FLOAT.onnx --calibration JSON --out INT8.onnx --photos P1 [P2 ...] [--min-cosine C]
      Quantises with those ranges: weights int8 per output channel, activations uint8 per tensor, QDQ format
      (onnxruntime runs Conv/Gemm as integer kernels, VNNI where the CPU has it), and adds a third output,
      `feature_map`: the head's activations before the global pooling (N x 1280 x 7 x 7), from which the
      embedder's `banded` framing pools its horizontal bands in one pass. Then verifies the result
      against the float model on the photos given (features cosine >= --min-cosine per photo, both views);
      exit status 1 with a message when it does not hold.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys

import numpy as np
import onnxruntime as ort
from onnxruntime.quantization import CalibrationDataReader, QuantFormat, QuantType, quantize_static
from PIL import Image

SIDE = 224


def centre_crop(image: Image.Image) -> Image.Image:
    width, height = image.size
    scale = 256 / min(width, height)
    image = image.resize((max(SIDE, round(width * scale)), max(SIDE, round(height * scale))), Image.BILINEAR)
    width, height = image.size
    left, top = (width - SIDE) // 2, (height - SIDE) // 2
    return image.crop((left, top, left + SIDE, top + SIDE))


def padded(image: Image.Image) -> Image.Image:
    width, height = image.size
    scale = SIDE / max(width, height)
    resized = image.resize((max(1, round(width * scale)), max(1, round(height * scale))), Image.BILINEAR)
    canvas = Image.new("RGB", (SIDE, SIDE), (255, 255, 255))
    canvas.paste(resized, ((SIDE - resized.width) // 2, (SIDE - resized.height) // 2))
    return canvas


def tensor(image: Image.Image) -> np.ndarray:
    array = (np.asarray(image.convert("RGB"), dtype=np.float32) - 127) / 128
    return array.transpose(2, 0, 1)[None]


def views(path: str) -> list[np.ndarray]:
    with Image.open(path) as image:
        image = image.convert("RGB")
        return [tensor(centre_crop(image)), tensor(padded(image))]


def input_name(model: str) -> str:
    return ort.InferenceSession(model, providers=["CPUExecutionProvider"]).get_inputs()[0].name


class Photos(CalibrationDataReader):
    def __init__(self, paths: list[str], name: str):
        self.inputs = (view for path in paths for view in views(path))
        self.name = name

    def get_next(self):
        view = next(self.inputs, None)
        return None if view is None else {self.name: view}


def quantize(model: str, out: str, calibration: str, reader: CalibrationDataReader | None) -> None:
    quantize_static(
        model, out, reader,
        quant_format=QuantFormat.QDQ, per_channel=True, reduce_range=False,
        activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8,
        calibration_cache_path=calibration)


# The pooled head's input in the quantised graph: the head's activations, dequantised (what GlobalAveragePool reads).
POOL_INPUT = "head.out_DequantizeLinear_Output"


def add_feature_map(path: str) -> None:
    """Exposes the pooling's input as the output `feature_map` (an Identity of it): the same tensor the features
    are the mean of, so that a caller can pool parts of it without a second run."""
    import onnx

    model = onnx.load(path)
    graph = model.graph
    pools = [n for n in graph.node if n.op_type == "GlobalAveragePool"]
    if len(pools) != 1 or pools[0].input[0] != POOL_INPUT:
        raise SystemExit(f"quantize_lite0: expected one GlobalAveragePool reading {POOL_INPUT}, found "
                         f"{[(n.name, list(n.input)) for n in pools]}")
    graph.node.append(onnx.helper.make_node("Identity", [POOL_INPUT], ["feature_map"], name="feature_map_identity"))
    graph.output.append(onnx.helper.make_tensor_value_info(
        "feature_map", onnx.TensorProto.FLOAT, ["N", 1280, 7, 7]))
    onnx.checker.check_model(model)
    onnx.save(model, path)


def calibrate(args) -> int:
    photos = sorted(
        os.path.join(folder, name)
        for folder, _, names in os.walk(args.data) for name in names if name.lower().endswith((".jpg", ".jpeg")))
    if len(photos) < args.count:
        print(f"quantize_lite0: {args.data} holds {len(photos)} JPEGs, fewer than --count {args.count}", file=sys.stderr)
        return 1
    chosen = random.Random(args.seed).sample(photos, args.count)
    if os.path.exists(args.out):
        os.remove(args.out)  # the cache is written, not reused
    scratch = args.out + ".int8.onnx"
    try:
        quantize(args.model, scratch, args.out, Photos(chosen, input_name(args.model)))
    finally:
        if os.path.exists(scratch):
            os.remove(scratch)
    with open(args.out, encoding="utf-8") as handle:
        ranges = json.load(handle)
    if not ranges.get("data"):
        print(f"quantize_lite0: onnxruntime wrote no ranges to {args.out}", file=sys.stderr)
        return 1
    # Keys sorted, one per line: a stable file to commit and to read in a diff.
    with open(args.out, "w", encoding="utf-8") as handle:
        json.dump(ranges, handle, indent=1, sort_keys=True)
        handle.write("\n")
    print(f"quantize_lite0: {len(chosen)} photos x 2 views from {args.data} (seed {args.seed}), "
          f"{len(ranges['data'])} activation ranges -> {args.out}")
    return 0


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    a, b = a.ravel().astype(np.float64), b.ravel().astype(np.float64)
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def build(args) -> int:
    if not os.path.isfile(args.calibration):
        print(f"quantize_lite0: calibration file {args.calibration} is missing", file=sys.stderr)
        return 1
    quantize(args.model, args.out, args.calibration, None)
    add_feature_map(args.out)
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    reference = ort.InferenceSession(args.model, options, providers=["CPUExecutionProvider"])
    quantized = ort.InferenceSession(args.out, options, providers=["CPUExecutionProvider"])
    name = reference.get_inputs()[0].name
    worst = 1.0
    for path in args.photos:
        for index, view in enumerate(views(path)):
            expected = reference.run(["features"], {name: view})[0]
            got = quantized.run(["features"], {name: view})[0]
            similarity = cosine(expected, got)
            worst = min(worst, similarity)
            print(f"  {os.path.basename(path)} view {index}: features cosine int8 vs float {similarity:.4f}")
            features, feature_map = quantized.run(["features", "feature_map"], {name: view})
            # The map is what the features pool: the mean of its cells is the features, up to the features' own
            # uint8 step (the pooled values are quantised once more).
            pooled = feature_map.mean(axis=(2, 3))
            if feature_map.shape[1:] != (1280, 7, 7) or cosine(pooled, features) < 0.9999:
                print(f"quantize_lite0: feature_map {feature_map.shape} does not pool to the features "
                      f"(cosine {cosine(pooled, features):.6f})", file=sys.stderr)
                return 1
    if worst < args.min_cosine:
        print(f"quantize_lite0: the int8 model's features differ from the float model's (cosine {worst:.4f} < "
              f"{args.min_cosine})", file=sys.stderr)
        return 1
    print(f"quantize_lite0: {args.out} verified (worst features cosine {worst:.4f} >= {args.min_cosine})")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    c = commands.add_parser("calibrate")
    c.add_argument("--model", required=True)
    c.add_argument("--data", required=True)
    c.add_argument("--out", required=True)
    c.add_argument("--count", type=int, default=200)
    c.add_argument("--seed", type=int, default=1)
    b = commands.add_parser("build")
    b.add_argument("--model", required=True)
    b.add_argument("--calibration", required=True)
    b.add_argument("--out", required=True)
    b.add_argument("--photos", nargs="+", required=True)
    b.add_argument("--min-cosine", type=float, default=0.97)
    args = parser.parse_args(argv)
    return calibrate(args) if args.command == "calibrate" else build(args)


if __name__ == "__main__":
    sys.exit(main())
