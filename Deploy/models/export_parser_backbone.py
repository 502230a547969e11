#!/usr/bin/env python3
"""Export the garment parser's backbone: EfficientNet-Lite0's first 11 blocks, for a 384x192 person crop, in float and int8.

Used by Deploy/fetch-models beside export_lite0_onnx.py (same weights, same virtual environment). The
garment parser (Sources/ShopLookPose/Parsing) classifies the cells of a person crop from two of the
network's intermediate feature maps:

- `s8`:  [N, 40, 48, 24]  the output of block 4 (stride 8, 40 channels: edges, colour, texture);
- `s16`: [N, 112, 24, 12] the output of block 10 (stride 16, 112 channels: parts of garments).

Input `input`: float32 [N, 3, 384, 192] NCHW RGB, (x - 127) / 128, the person's box from the pose
landmarks widened to 1:2 (height:width). Padding is TensorFlow SAME computed per dimension for this size,
as in the classifier export. The rest of Lite0 (blocks 11-15, head, pooling, classifier) is not run: the
parser costs about half of one Lite0 run. BatchNorm is folded into the convolutions.

Verification: the file run by onnxruntime must match an independent numpy forward pass of the same
blocks from the state dict (BN not folded, float64) within --tolerance on random inputs and a photo.

With --int8-out and --calibration, the float file is then quantised the way quantize_lite0.py quantises the
classifier (static QDQ, weights int8 per output channel, activations uint8 per tensor) with the ranges the
project committed for Lite0 (Models/lite0-int8-calibration.json: the backbone's tensors carry the classifier's
names, so no data set is needed), and checked against the float file: on every --check-photo, the median over
cells of each output's per-cell cosine must reach --min-cosine and its 5th percentile --min-p5-cosine. The parser runs the int8 file (issue 16: the
384x192 crop at 0.73 of the float 320x160 crop's time, measured with onnxruntime on one thread).
Exit status is non-zero (with a message on stderr) when anything fails.
"""

from __future__ import annotations

import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import export_lite0_onnx as lite0  # noqa: E402

HEIGHT, WIDTH = 384, 192
OUTPUT_BLOCKS = {4: "s8", 10: "s16"}
LAST_BLOCK = max(OUTPUT_BLOCKS)


def truncated_layers(net):
    """The stem and blocks 0..LAST_BLOCK of the classifier's layer list."""
    layers, _, _ = net
    kept = []
    for layer in layers:
        if layer["kind"] == "block" and int(layer["name"][len("block"):]) > LAST_BLOCK:
            break
        kept.append(layer)
    return kept


def reference(layers, x):
    """numpy float64 forward pass (BN not folded): {output name: array}."""
    x = x.astype(np.float64)
    outputs = {}
    for layer in layers:
        if layer["kind"] == "block":
            y = x
            for sub in layer["layers"]:
                y = lite0._ref_layer(y, sub)
            x = x + y if layer["residual"] else y
            index = int(layer["name"][len("block"):])
            if index in OUTPUT_BLOCKS:
                outputs[OUTPUT_BLOCKS[index]] = x
        else:
            x = lite0._ref_layer(x, layer)
    return outputs


def build(layers, doc):
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    nodes, inits = [], []
    inits.append(numpy_helper.from_array(np.array(0.0, np.float32), "relu6_min"))
    inits.append(numpy_helper.from_array(np.array(6.0, np.float32), "relu6_max"))
    size = [HEIGHT, WIDTH]
    shapes = {}

    def conv(x, layer):
        return lite0.conv_nodes(nodes, inits, x, layer, size)

    x = "input"
    for layer in layers:
        if layer["kind"] == "block":
            y = x
            for sub in layer["layers"]:
                y = conv(y, sub)
            if layer["residual"]:
                out = f"{layer['name']}.out"
                nodes.append(helper.make_node("Add", [y, x], [out], name=f"{layer['name']}/Add"))
                y = out
            x = y
            index = int(layer["name"][len("block"):])
            if index in OUTPUT_BLOCKS:
                name = OUTPUT_BLOCKS[index]
                channels = layer["layers"][-1]["w"].shape[0]
                nodes.append(helper.make_node("Identity", [x], [name], name=f"{name}/Identity"))
                shapes[name] = ["N", channels, size[0], size[1]]
        else:
            x = conv(x, layer)

    graph = helper.make_graph(
        nodes, "efficientnet_lite0_parser_backbone",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", 3, HEIGHT, WIDTH])],
        [helper.make_tensor_value_info(name, TensorProto.FLOAT, shapes[name]) for name in ("s8", "s16")],
        initializer=inits)
    model = helper.make_model(graph, producer_name="shoplook-fetch-models", producer_version="1",
                              opset_imports=[helper.make_opsetid("", 13)], doc_string=doc)
    model.ir_version = 7
    meta = {
        "model": "efficientnet-lite0 (ImageNet-1k) blocks 0-10, garment parser backbone",
        "input": f"input: float32 [N,3,{HEIGHT},{WIDTH}] NCHW RGB, (x - 127) / 128",
        "outputs": f"s8: [N,40,{HEIGHT // 8},{WIDTH // 8}] block 4 (stride 8); s16: [N,112,{HEIGHT // 16},{WIDTH // 16}] block 10 (stride 16)",
        "padding": f"TensorFlow SAME (static, for {HEIGHT}x{WIDTH})",
    }
    for key, value in meta.items():
        prop = model.metadata_props.add()
        prop.key, prop.value = key, value
    onnx.checker.check_model(model, full_check=True)
    return model, shapes


def photo_input(path):
    from PIL import Image

    with Image.open(path) as image:
        image = image.convert("RGB").resize((WIDTH, HEIGHT), Image.BILINEAR)
        x = (np.asarray(image, dtype=np.float32) - lite0.MEAN) / lite0.STD
    return x.transpose(2, 0, 1)[None]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pth", required=True, help="efficientnet-lite0 state dict (.pth)")
    ap.add_argument("--out", required=True, help="ONNX file to write")
    ap.add_argument("--photo", required=True, help="a photo for the check")
    ap.add_argument("--tolerance", type=float, default=1e-3)
    ap.add_argument("--int8-out", help="also write the int8 file here (needs --calibration)")
    ap.add_argument("--calibration", help="onnxruntime calibration cache (Models/lite0-int8-calibration.json)")
    ap.add_argument("--check-photo", action="append", default=[], help="a photo for the int8 check (repeatable)")
    ap.add_argument("--min-cosine", type=float, default=0.97, help="least median over cells of the per-cell cosine")
    ap.add_argument("--min-p5-cosine", type=float, default=0.90, help="least 5th percentile over cells of the per-cell cosine")
    args = ap.parse_args(argv)
    if args.int8_out and not (args.calibration and args.check_photo):
        ap.error("--int8-out needs --calibration and at least one --check-photo")

    layers = truncated_layers(lite0.layer_list(lite0.Weights(lite0.load_state_dict(args.pth))))
    doc = ("EfficientNet-Lite0 blocks 0-10 (the garment parser's backbone) exported without torch from "
           f"{os.path.basename(args.pth)} by Deploy/models/export_parser_backbone.py; BatchNorm folded.")
    model, shapes = build(layers, doc)
    tmp = args.out + ".tmp"
    with open(tmp, "wb") as f:
        f.write(model.SerializeToString())

    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    session = ort.InferenceSession(tmp, options, providers=["CPUExecutionProvider"])
    rng = np.random.default_rng(20261205)
    inputs = {
        "random_uniform_b2": rng.uniform(-1.0, 1.0, (2, 3, HEIGHT, WIDTH)).astype(np.float32),
        "photo": photo_input(args.photo),
    }
    for name, x in inputs.items():
        expected = reference(layers, x)
        got = dict(zip(("s8", "s16"), session.run(["s8", "s16"], {"input": x})))
        for output in ("s8", "s16"):
            if list(got[output].shape[1:]) != shapes[output][1:]:
                raise lite0.ExportError(f"{name}: {output} has shape {got[output].shape}, expected {shapes[output]}")
            diff = float(np.max(np.abs(got[output] - expected[output])))
            scale = float(np.max(np.abs(expected[output])))
            print(f"  {name}: {output} max |onnx - reference| {diff:.2e} (values up to {scale:.1f})")
            if not diff <= args.tolerance * max(1.0, scale):
                raise lite0.ExportError(f"{name}: {output} differs from the reference by {diff}")
    if args.int8_out:
        quantize_and_check(session, tmp, args)
    os.replace(tmp, args.out)
    print(f"  wrote {args.out}")


def cell_cosines(a, b):
    """Per-cell cosine of two [1, C, H, W] maps."""
    a = a[0].reshape(a.shape[1], -1).T.astype(np.float64)
    b = b[0].reshape(b.shape[1], -1).T.astype(np.float64)
    return (a * b).sum(1) / np.maximum(np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1), 1e-12)


def quantize_and_check(float_session, float_path, args):
    import onnxruntime as ort
    import quantize_lite0

    if not os.path.isfile(args.calibration):
        raise lite0.ExportError(f"calibration file {args.calibration} is missing")
    tmp = args.int8_out + ".tmp"
    quantize_lite0.quantize(float_path, tmp, args.calibration, None)
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    session = ort.InferenceSession(tmp, options, providers=["CPUExecutionProvider"])
    for path in args.check_photo:
        x = photo_input(path)
        expected = float_session.run(["s8", "s16"], {"input": x})
        got = session.run(["s8", "s16"], {"input": x})
        for output, a, b in zip(("s8", "s16"), expected, got):
            cosines = cell_cosines(a, b)
            median, low = float(np.median(cosines)), float(np.percentile(cosines, 5))
            print(f"  int8 {os.path.basename(path)}: {output} per-cell cosine to float: median {median:.4f}, "
                  f"5th percentile {low:.4f}, min {float(cosines.min()):.4f}")
            if not median >= args.min_cosine:
                raise lite0.ExportError(f"int8 {output} on {path}: median cell cosine {median:.4f} < {args.min_cosine}")
            if not low >= args.min_p5_cosine:
                raise lite0.ExportError(f"int8 {output} on {path}: 5th percentile of the cell cosines {low:.4f} < {args.min_p5_cosine}")
    os.replace(tmp, args.int8_out)
    print(f"  wrote {args.int8_out}")


if __name__ == "__main__":
    try:
        main()
    except lite0.ExportError as error:
        print(f"export_parser_backbone: error: {error}", file=sys.stderr)
        sys.exit(1)
