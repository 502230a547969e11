#!/usr/bin/env python3
"""Builds the ONNX test models of ShopLookRuntimesIntegrationTests with the `onnx` package.

The Swift tests do NOT use this script at test time: they encode the very same graphs
themselves (Tests/ShopLookRuntimesIntegrationTests/OnnxModelBuilder.swift) so that they need only
libonnxruntime.so. This script is the reference for those graphs and a cross-check:

    .venv/bin/python Tests/Fixtures/make_test_models.py OUT_DIR
        writes OUT_DIR/dense.onnx and OUT_DIR/two_outputs.onnx, checks and runs them.

    SHOPLOOK_DUMP_TEST_MODELS=/tmp/swift-models swift test --filter namesAndShapes
    .venv/bin/python Tests/Fixtures/make_test_models.py --check /tmp/swift-models
        runs onnx.checker and Python onnxruntime on the models the Swift encoder wrote and
        compares their outputs with the expected numbers.

Needs: pip install onnx onnxruntime numpy
"""
import argparse
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

# Same values as TestModels.denseWeights / denseBias in OnnxModelBuilder.swift: short binary
# fractions, so small-integer / half-integer inputs give exact float32 results.
DENSE_WEIGHTS = np.array(
    [[0.5, -1.0, 2.0], [1.5, 0.25, -0.5], [-2.0, 1.0, 0.75], [1.0, -0.5, 0.25]], dtype=np.float32
)
DENSE_BIAS = np.array([0.5, -0.25, 1.0], dtype=np.float32)
FEATURES = np.array([[1, 2, -1, 0.5], [-3, 0.5, 2, 1], [0, 0, 0, 0]], dtype=np.float32)
OPSET = 17
IR_VERSION = 8


def dense_model() -> onnx.ModelProto:
    """activations[N,3] = Relu(Gemm(features[N,4], weights[4,3], bias[3]))."""
    graph = helper.make_graph(
        nodes=[
            helper.make_node("Gemm", ["features", "weights", "bias"], ["pre_activation"],
                             alpha=1.0, beta=1.0, transA=0, transB=0),
            helper.make_node("Relu", ["pre_activation"], ["activations"]),
        ],
        name="dense_relu",
        inputs=[helper.make_tensor_value_info("features", TensorProto.FLOAT, ["N", 4])],
        outputs=[helper.make_tensor_value_info("activations", TensorProto.FLOAT, ["N", 3])],
        initializer=[
            numpy_helper.from_array(DENSE_WEIGHTS, "weights"),
            numpy_helper.from_array(DENSE_BIAS, "bias"),
        ],
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], ir_version=IR_VERSION,
                             producer_name="shoplook-runtime-tests")


def two_outputs_model() -> onnx.ModelProto:
    """doubled[N,3] = x * 2 and total[N,1] = ReduceSum(x, axes=[1], keepdims=1)."""
    graph = helper.make_graph(
        nodes=[
            helper.make_node("Mul", ["x", "two"], ["doubled"]),
            helper.make_node("ReduceSum", ["x", "axes"], ["total"], keepdims=1),
        ],
        name="two_outputs",
        inputs=[helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 3])],
        outputs=[
            helper.make_tensor_value_info("doubled", TensorProto.FLOAT, ["N", 3]),
            helper.make_tensor_value_info("total", TensorProto.FLOAT, ["N", 1]),
        ],
        initializer=[
            numpy_helper.from_array(np.array(2.0, dtype=np.float32), "two"),
            numpy_helper.from_array(np.array([1], dtype=np.int64), "axes"),
        ],
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], ir_version=IR_VERSION,
                             producer_name="shoplook-runtime-tests")


def check(directory: str) -> None:
    import onnxruntime as ort

    for name in ("dense.onnx", "two_outputs.onnx"):
        onnx.checker.check_model(onnx.load(os.path.join(directory, name)), full_check=True)

    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    dense = ort.InferenceSession(os.path.join(directory, "dense.onnx"), options, providers=["CPUExecutionProvider"])
    (activations,) = dense.run(["activations"], {"features": FEATURES})
    expected = np.maximum(FEATURES @ DENSE_WEIGHTS + DENSE_BIAS, 0)
    assert np.array_equal(activations, expected), (activations, expected)
    assert np.array_equal(expected[0], np.array([6.5, 0, 1.375], dtype=np.float32))

    two = ort.InferenceSession(os.path.join(directory, "two_outputs.onnx"), options, providers=["CPUExecutionProvider"])
    x = np.array([[1, 2, 3], [-4, 0.5, 0.25]], dtype=np.float32)
    doubled, total = two.run(["doubled", "total"], {"x": x})
    assert np.array_equal(doubled, x * 2)
    assert np.array_equal(total, np.array([[6], [-3.25]], dtype=np.float32))
    print(f"ok: {directory} passes onnx.checker and gives the expected outputs "
          f"(onnx {onnx.__version__}, onnxruntime {ort.__version__})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("directory")
    parser.add_argument("--check", action="store_true", help="only check the models already in DIRECTORY")
    args = parser.parse_args()
    if not args.check:
        os.makedirs(args.directory, exist_ok=True)
        onnx.save(dense_model(), os.path.join(args.directory, "dense.onnx"))
        onnx.save(two_outputs_model(), os.path.join(args.directory, "two_outputs.onnx"))
    check(args.directory)
    return 0


if __name__ == "__main__":
    sys.exit(main())
