#!/usr/bin/env python3
"""Export EfficientNet-Lite0 (ImageNet) from a PyTorch state-dict file to ONNX, without torch.

Used by Deploy/fetch-models, inside its private virtual environment (numpy, onnx,
onnxruntime, pillow). Steps:

1. Read the .pth file with a restricted unpickler (no torch): the legacy
   (pre-1.6, "magic number + pickles + raw storages") format and the zip format
   are both understood; only the handful of globals a plain state dict needs are
   allowed.
2. Build the EfficientNet-Lite0 graph with onnx.helper: stem conv 3x3/2 (32) +
   BN + ReLU6, 16 MBConv blocks (no squeeze-excite, ReLU6), head conv 1x1 (1280)
   + BN + ReLU6, global average pool -> `features` [N,1280], FC -> `logits`
   [N,1000]. BatchNorm is folded into the conv weights/biases.
   Padding is TensorFlow "SAME" (asymmetric for stride 2: the extra row/column
   goes to the bottom/right), as in the TF checkpoint these weights were
   converted from and in the PyTorch port that loads this file
   (Conv2dStaticSamePadding at 224x224). The input size is therefore fixed at
   224x224; the batch dimension is dynamic.
3. Verify: an independent numpy forward pass straight from the state dict (BN
   not folded, float64, padding computed per layer from the actual input size)
   is compared with the exported model run by onnxruntime; then real photos
   must be classified sensibly.

Exit status is non-zero (with a message on stderr) when anything fails.
"""

from __future__ import annotations

import argparse
import collections
import io
import json
import math
import os
import pickle
import struct
import sys
import time
import zipfile

import numpy as np

# --------------------------------------------------------------------------------------
# Network description
# --------------------------------------------------------------------------------------

IMAGE_SIZE = 224
BN_EPS = 1e-3  # TF default used by all EfficientNet checkpoints
STEM_CHANNELS = 32
HEAD_CHANNELS = 1280
NUM_CLASSES = 1000
# (expand_ratio, kernel, stride, out_channels, repeats) -- EfficientNet-Lite0
# (width 1.0, depth 1.0; stem and head not scaled, no squeeze-excite).
STAGES = [
    (1, 3, 1, 16, 1),
    (6, 3, 2, 24, 2),
    (6, 5, 2, 40, 2),
    (6, 3, 2, 80, 3),
    (6, 5, 1, 112, 3),
    (6, 5, 2, 192, 4),
    (6, 3, 1, 320, 1),
]
# EfficientNet-Lite preprocessing: RGB in 0..255, (x - 127) / 128.
MEAN = 127.0
STD = 128.0
RESIZE_SHORTER = 256  # = 224 / 0.875
# Sanity-check expectations (ImageNet-1k indices).
CAT_CLASSES = {281: "tabby", 282: "tiger cat", 283: "Persian cat", 284: "Siamese cat",
               285: "Egyptian cat"}
COFFEE_CLASSES = {967: "espresso", 968: "cup", 504: "coffee mug", 505: "coffeepot"}


class ExportError(Exception):
    pass


def block_specs():
    """Expand STAGES into one entry per MBConv block: (index, expand, k, stride, cin, cout)."""
    specs = []
    cin = STEM_CHANNELS
    idx = 0
    for expand, k, stride, cout, repeats in STAGES:
        for r in range(repeats):
            specs.append((idx, expand, k, stride if r == 0 else 1, cin, cout))
            cin = cout
            idx += 1
    return specs


def same_pads(size, k, s):
    """TensorFlow 'SAME' padding for one spatial dim: returns (before, after, out_size)."""
    out = -(-size // s)  # ceil
    total = max((out - 1) * s + k - size, 0)
    return total // 2, total - total // 2, out


# --------------------------------------------------------------------------------------
# Reading the .pth file without torch
# --------------------------------------------------------------------------------------

_LEGACY_MAGIC = 0x1950A86A20F9469CFC6C
_LEGACY_PROTOCOL = 1001

_STORAGE_DTYPES = {
    "DoubleStorage": np.dtype("<f8"),
    "FloatStorage": np.dtype("<f4"),
    "HalfStorage": np.dtype("<f2"),
    "BFloat16Storage": "bfloat16",  # handled specially (numpy has no bfloat16)
    "LongStorage": np.dtype("<i8"),
    "IntStorage": np.dtype("<i4"),
    "ShortStorage": np.dtype("<i2"),
    "CharStorage": np.dtype("i1"),
    "ByteStorage": np.dtype("u1"),
    "BoolStorage": np.dtype("?"),
    "UntypedStorage": np.dtype("u1"),
}


class _StorageType:
    def __init__(self, name):
        self.name = name
        self.dtype = _STORAGE_DTYPES[name]

    @property
    def itemsize(self):
        return 2 if self.dtype == "bfloat16" else self.dtype.itemsize

    def from_bytes(self, raw):
        if self.dtype == "bfloat16":
            u16 = np.frombuffer(raw, dtype="<u2")
            return (u16.astype(np.uint32) << 16).view(np.float32)
        return np.frombuffer(raw, dtype=self.dtype)


class _Storage:
    """A (possibly not yet read) flat storage; `data` is filled in later for legacy files."""

    def __init__(self, key, stype, numel):
        self.key = key
        self.stype = stype
        self.numel = numel
        self.data = None


class _TensorRef:
    def __init__(self, storage, offset, size, stride):
        self.storage = storage
        self.offset = int(offset)
        self.size = tuple(int(d) for d in size)
        self.stride = tuple(int(d) for d in stride)

    def materialize(self):
        flat = self.storage.data
        if flat is None:
            raise ExportError(f"storage {self.storage.key} was never read")
        if not self.size:
            return np.array(flat[self.offset])
        needed = self.offset + sum((n - 1) * st for n, st in zip(self.size, self.stride)) + 1
        if any(n == 0 for n in self.size):
            return np.zeros(self.size, dtype=flat.dtype)
        if needed > flat.size:
            raise ExportError(f"tensor view exceeds storage {self.storage.key}")
        item = flat.itemsize
        view = np.lib.stride_tricks.as_strided(
            flat[self.offset:], shape=self.size, strides=[st * item for st in self.stride])
        return np.array(view)  # copy, contiguous


def _rebuild_tensor(storage, storage_offset, size, stride, *unused):
    return _TensorRef(storage, storage_offset, size, stride)


def _rebuild_parameter(data, requires_grad=False, backward_hooks=None, *unused):
    return data


class _RestrictedUnpickler(pickle.Unpickler):
    """Allows only what a plain state dict of tensors needs; everything else is refused."""

    def __init__(self, fileobj, storages, load_zip_record=None):
        super().__init__(fileobj)
        self._storages = storages
        self._load_zip_record = load_zip_record

    def find_class(self, module, name):
        if module == "collections" and name == "OrderedDict":
            return collections.OrderedDict
        if module == "torch._utils" and name in ("_rebuild_tensor_v2", "_rebuild_tensor"):
            return _rebuild_tensor
        if module == "torch._utils" and name == "_rebuild_parameter":
            return _rebuild_parameter
        if module == "torch" and name in _STORAGE_DTYPES:
            return _StorageType(name)
        raise pickle.UnpicklingError(f"refusing to load global {module}.{name} from the .pth file")

    def persistent_load(self, pid):
        if not (isinstance(pid, tuple) and pid and pid[0] == "storage"):
            raise pickle.UnpicklingError(f"unexpected persistent id {pid!r}")
        stype, key, _location, numel = pid[1], str(pid[2]), pid[3], int(pid[4])
        if not isinstance(stype, _StorageType):
            raise pickle.UnpicklingError(f"unexpected storage type {stype!r}")
        view = pid[5] if len(pid) > 5 else None
        if key not in self._storages:
            st = _Storage(key, stype, numel)
            if self._load_zip_record is not None:
                st.data = stype.from_bytes(self._load_zip_record(key))
                if st.data.size != numel:
                    raise ExportError(f"storage {key}: expected {numel} elements, "
                                      f"found {st.data.size}")
            self._storages[key] = st
        root = self._storages[key]
        if view is not None:  # legacy storage view: (view_key, offset, size)
            view_key, v_off, v_size = view
            return _StorageView(root, str(view_key), int(v_off), int(v_size))
        return root


class _StorageView:
    def __init__(self, root, key, offset, size):
        self.root, self.key, self.offset, self.size = root, key, offset, size

    @property
    def data(self):
        if self.root.data is None:
            return None
        return self.root.data[self.offset:self.offset + self.size]


def load_state_dict(path):
    """Return an OrderedDict name -> numpy array from a torch.save()d state dict."""
    if zipfile.is_zipfile(path):
        return _load_zip(path)
    return _load_legacy(path)


def _load_zip(path):
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        pkl = [n for n in names if n.endswith("/data.pkl") or n == "data.pkl"]
        if len(pkl) != 1:
            raise ExportError(f"{path}: zip checkpoint without a single data.pkl")
        prefix = pkl[0][: -len("data.pkl")]
        if f"{prefix}byteorder" in names:
            order = zf.read(f"{prefix}byteorder").decode().strip()
            if order != "little":
                raise ExportError(f"{path}: unsupported byte order {order}")
        storages = {}
        unpickler = _RestrictedUnpickler(
            io.BytesIO(zf.read(pkl[0])), storages,
            load_zip_record=lambda key: zf.read(f"{prefix}data/{key}"))
        obj = unpickler.load()
    return _finish(obj, path)


def _load_legacy(path):
    with open(path, "rb") as f:
        plain = lambda: _RestrictedUnpickler(f, {}).load()  # noqa: E731
        try:
            magic = plain()
        except (pickle.UnpicklingError, EOFError, ValueError, TypeError) as e:
            raise ExportError(f"{path}: not a PyTorch checkpoint ({e})") from None
        if magic != _LEGACY_MAGIC:
            raise ExportError(f"{path}: not a PyTorch checkpoint (bad magic number)")
        protocol = plain()
        if protocol != _LEGACY_PROTOCOL:
            raise ExportError(f"{path}: unsupported legacy protocol {protocol}")
        sys_info = plain()
        if not sys_info.get("little_endian", True):
            raise ExportError(f"{path}: big-endian checkpoint not supported")
        storages = {}
        obj = _RestrictedUnpickler(f, storages).load()
        keys = plain()
        for key in keys:
            st = storages.get(str(key))
            if st is None:
                raise ExportError(f"{path}: storage {key} listed but never referenced")
            (numel,) = struct.unpack("<q", f.read(8))
            if numel != st.numel:
                raise ExportError(f"{path}: storage {key}: header says {numel} elements, "
                                  f"expected {st.numel}")
            nbytes = numel * st.stype.itemsize
            raw = f.read(nbytes)
            if len(raw) != nbytes:
                raise ExportError(f"{path}: truncated data for storage {key}")
            st.data = st.stype.from_bytes(raw)
        if f.read(1):
            raise ExportError(f"{path}: trailing bytes after the last storage")
    return _finish(obj, path)


def _finish(obj, path):
    if isinstance(obj, dict) and "state_dict" in obj and isinstance(obj["state_dict"], dict):
        obj = obj["state_dict"]
    if not isinstance(obj, dict):
        raise ExportError(f"{path}: expected a state dict, got {type(obj).__name__}")
    out = collections.OrderedDict()
    for k, v in obj.items():
        if isinstance(v, _TensorRef):
            out[str(k)] = v.materialize()
        else:
            raise ExportError(f"{path}: entry {k} is not a tensor ({type(v).__name__})")
    return out


# --------------------------------------------------------------------------------------
# State-dict layout (EfficientNet-PyTorch / efficientnet_lite_pytorch naming)
# --------------------------------------------------------------------------------------


class Weights:
    """Typed access to the state dict; checks shapes and that every tensor is used."""

    def __init__(self, sd):
        self.sd = sd
        self.used = set()

    def get(self, name, shape):
        if name not in self.sd:
            raise ExportError(f"state dict has no '{name}'")
        arr = self.sd[name]
        if tuple(arr.shape) != tuple(shape):
            raise ExportError(f"'{name}' has shape {tuple(arr.shape)}, expected {tuple(shape)}")
        self.used.add(name)
        return arr.astype(np.float64)

    def bn(self, prefix, c):
        self.used.add(f"{prefix}.num_batches_tracked")  # not needed for inference
        return (self.get(f"{prefix}.weight", (c,)), self.get(f"{prefix}.bias", (c,)),
                self.get(f"{prefix}.running_mean", (c,)), self.get(f"{prefix}.running_var", (c,)))

    def check_all_used(self):
        unused = [k for k in self.sd if k not in self.used]
        if unused:
            raise ExportError(f"state dict has {len(unused)} unexpected tensors, e.g. {unused[:5]}"
                              " -- not an EfficientNet-Lite0 checkpoint?")


def layer_list(w):
    """The network as a flat list of layer dicts (shared by the exporter and the reference)."""
    layers = [dict(kind="conv", name="stem", w=w.get("_conv_stem.weight", (STEM_CHANNELS, 3, 3, 3)),
                   bn=w.bn("_bn0", STEM_CHANNELS), stride=2, groups=1, relu6=True)]
    for idx, expand, k, stride, cin, cout in block_specs():
        p = f"_blocks.{idx}"
        mid = cin * expand
        block = []
        if expand != 1:
            block.append(dict(kind="conv", name=f"block{idx}.expand",
                              w=w.get(f"{p}._expand_conv.weight", (mid, cin, 1, 1)),
                              bn=w.bn(f"{p}._bn0", mid), stride=1, groups=1, relu6=True))
        block.append(dict(kind="conv", name=f"block{idx}.depthwise",
                          w=w.get(f"{p}._depthwise_conv.weight", (mid, 1, k, k)),
                          bn=w.bn(f"{p}._bn1", mid), stride=stride, groups=mid, relu6=True))
        block.append(dict(kind="conv", name=f"block{idx}.project",
                          w=w.get(f"{p}._project_conv.weight", (cout, mid, 1, 1)),
                          bn=w.bn(f"{p}._bn2", cout), stride=1, groups=1, relu6=False))
        layers.append(dict(kind="block", name=f"block{idx}", layers=block,
                           residual=(stride == 1 and cin == cout)))
    layers.append(dict(kind="conv", name="head",
                       w=w.get("_conv_head.weight", (HEAD_CHANNELS, 320, 1, 1)),
                       bn=w.bn("_bn1", HEAD_CHANNELS), stride=1, groups=1, relu6=True))
    fc_w = w.get("_fc.weight", (NUM_CLASSES, HEAD_CHANNELS))
    fc_b = w.get("_fc.bias", (NUM_CLASSES,))
    w.check_all_used()
    return layers, fc_w, fc_b


# --------------------------------------------------------------------------------------
# numpy reference forward pass (BN not folded, float64)
# --------------------------------------------------------------------------------------


def _ref_conv(x, wt, stride, groups):
    n, c, h, wd = x.shape
    cout, cin_g, k, _ = wt.shape
    t, b, ho = same_pads(h, k, stride)
    l, r, wo = same_pads(wd, k, stride)
    xp = np.pad(x, ((0, 0), (0, 0), (t, b), (l, r)))
    if groups == 1 and k == 1:
        xs = xp[:, :, ::stride, ::stride][:, :, :ho, :wo]
        return np.einsum("nchw,oc->nohw", xs, wt[:, :, 0, 0], optimize=True)
    if groups == 1:  # im2col
        win = np.lib.stride_tricks.sliding_window_view(xp, (k, k), axis=(2, 3))
        win = win[:, :, ::stride, ::stride][:, :, :ho, :wo]  # n,c,ho,wo,k,k
        cols = win.transpose(0, 2, 3, 1, 4, 5).reshape(n, ho, wo, c * k * k)
        out = cols @ wt.reshape(cout, -1).T  # n,ho,wo,cout
        return out.transpose(0, 3, 1, 2)
    if groups == c == cout and cin_g == 1:  # depthwise
        out = np.zeros((n, c, ho, wo), dtype=x.dtype)
        for i in range(k):
            for j in range(k):
                patch = xp[:, :, i:i + stride * (ho - 1) + 1:stride, j:j + stride * (wo - 1) + 1:stride]
                out += patch * wt[:, 0, i, j][None, :, None, None]
        return out
    raise ExportError("unsupported conv configuration in reference")


def _ref_bn(x, bn):
    gamma, beta, mean, var = bn
    inv = gamma / np.sqrt(var + BN_EPS)
    return (x - mean[None, :, None, None]) * inv[None, :, None, None] + beta[None, :, None, None]


def _ref_layer(x, layer):
    y = _ref_bn(_ref_conv(x, layer["w"], layer["stride"], layer["groups"]), layer["bn"])
    return np.clip(y, 0.0, 6.0) if layer["relu6"] else y


def reference_forward(net, x):
    layers, fc_w, fc_b = net
    x = x.astype(np.float64)
    for layer in layers:
        if layer["kind"] == "block":
            y = x
            for sub in layer["layers"]:
                y = _ref_layer(y, sub)
            x = x + y if layer["residual"] else y
        else:
            x = _ref_layer(x, layer)
    features = x.mean(axis=(2, 3))
    logits = features @ fc_w.T + fc_b
    return features, logits


# --------------------------------------------------------------------------------------
# ONNX export
# --------------------------------------------------------------------------------------


def fold_bn(wt, bn):
    """Fold eval-mode BN into conv weights; computed in float64, rounded once to float32."""
    gamma, beta, mean, var = bn
    scale = gamma / np.sqrt(var + BN_EPS)
    w = (wt * scale[:, None, None, None]).astype(np.float32)
    b = (beta - mean * scale).astype(np.float32)
    return w, b


def conv_nodes(nodes, inits, x, layer, size):
    """Appends one convolution (BN folded, static SAME pads for the input size [height, width], ReLU6 when the
    layer has it) to `nodes` and its weights to `inits`; updates `size` to the output's and returns its name."""
    from onnx import helper, numpy_helper

    name = layer["name"]
    w, b = fold_bn(layer["w"], layer["bn"])
    k = w.shape[2]
    top, bottom, out_h = same_pads(size[0], k, layer["stride"])
    left, right, out_w = same_pads(size[1], k, layer["stride"])
    size[0], size[1] = out_h, out_w
    inits.append(numpy_helper.from_array(w, f"{name}.weight"))
    inits.append(numpy_helper.from_array(b, f"{name}.bias"))
    y = f"{name}.conv"
    nodes.append(helper.make_node(
        "Conv", [x, f"{name}.weight", f"{name}.bias"], [y], name=f"{name}/Conv",
        kernel_shape=[k, k], strides=[layer["stride"]] * 2, group=layer["groups"],
        pads=[top, left, bottom, right], dilations=[1, 1]))
    if layer["relu6"]:
        nodes.append(helper.make_node("Clip", [y, "relu6_min", "relu6_max"], [f"{name}.out"],
                                      name=f"{name}/ReLU6"))
        return f"{name}.out"
    return y


def build_onnx(net, doc):
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    layers, fc_w, fc_b = net
    nodes, inits = [], []
    inits.append(numpy_helper.from_array(np.array(0.0, np.float32), "relu6_min"))
    inits.append(numpy_helper.from_array(np.array(6.0, np.float32), "relu6_max"))
    size = [IMAGE_SIZE, IMAGE_SIZE]  # tracked for the static SAME pads

    def conv(x, layer):
        return conv_nodes(nodes, inits, x, layer, size)

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
        else:
            x = conv(x, layer)
    nodes.append(helper.make_node("GlobalAveragePool", [x], ["pooled"], name="pool/GlobalAveragePool"))
    nodes.append(helper.make_node("Flatten", ["pooled"], ["features"], name="pool/Flatten", axis=1))
    inits.append(numpy_helper.from_array(fc_w.astype(np.float32), "fc.weight"))
    inits.append(numpy_helper.from_array(fc_b.astype(np.float32), "fc.bias"))
    nodes.append(helper.make_node("Gemm", ["features", "fc.weight", "fc.bias"], ["logits"],
                                  name="fc/Gemm", transB=1))

    graph = helper.make_graph(
        nodes, "efficientnet_lite0",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", 3, IMAGE_SIZE, IMAGE_SIZE])],
        [helper.make_tensor_value_info("features", TensorProto.FLOAT, ["N", HEAD_CHANNELS]),
         helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["N", NUM_CLASSES])],
        initializer=inits)
    model = helper.make_model(graph, producer_name="shoplook-fetch-models", producer_version="1",
                              opset_imports=[helper.make_opsetid("", 13)], doc_string=doc)
    model.ir_version = 7  # the IR version that goes with opset 13: readable by old runtimes too
    meta = {
        "model": "efficientnet-lite0 (ImageNet-1k)",
        "input": f"input: float32 [N,3,{IMAGE_SIZE},{IMAGE_SIZE}] NCHW RGB",
        "preprocessing": f"RGB 0..255, resize shorter side to {RESIZE_SHORTER} (bilinear), "
                         f"centre crop {IMAGE_SIZE}, (x - {MEAN:g}) / {STD:g}",
        "outputs": "features: [N,1280] global-average-pooled head activations (before dropout/FC);"
                   " logits: [N,1000] ImageNet-1k",
        "padding": "TensorFlow SAME (static, for 224x224)",
    }
    for k, v in meta.items():
        p = model.metadata_props.add()
        p.key, p.value = k, v
    onnx.checker.check_model(model, full_check=True)
    return model


# --------------------------------------------------------------------------------------
# Images
# --------------------------------------------------------------------------------------


def preprocess(path):
    from PIL import Image

    with Image.open(path) as im:
        im = im.convert("RGB")
        w, h = im.size
        scale = RESIZE_SHORTER / min(w, h)
        nw, nh = max(IMAGE_SIZE, round(w * scale)), max(IMAGE_SIZE, round(h * scale))
        im = im.resize((nw, nh), Image.BILINEAR)
        left, top = (nw - IMAGE_SIZE) // 2, (nh - IMAGE_SIZE) // 2
        im = im.crop((left, top, left + IMAGE_SIZE, top + IMAGE_SIZE))
        arr = np.asarray(im, dtype=np.float32)
    return ((arr - MEAN) / STD).transpose(2, 0, 1)[None]


def softmax(z):
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


# --------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pth", required=True, help="efficientnet-lite0 state dict (.pth)")
    ap.add_argument("--out", required=True, help="ONNX file to write")
    ap.add_argument("--cat-image", required=True, help="photo of a cat (sanity check)")
    ap.add_argument("--coffee-image", help="photo of a cup of coffee (sanity check)")
    ap.add_argument("--classes", help="imagenet_classes.txt (1000 lines) for readable output")
    ap.add_argument("--report", help="write verification numbers as JSON here")
    ap.add_argument("--tolerance", type=float, default=1e-3)
    args = ap.parse_args(argv)

    t0 = time.time()
    sd = load_state_dict(args.pth)
    print(f"  state dict: {len(sd)} tensors, "
          f"{sum(v.size for v in sd.values() if v.dtype == np.float32):,} float32 values")
    net = layer_list(Weights(sd))

    doc = (f"EfficientNet-Lite0 ImageNet classifier exported without torch from "
           f"{os.path.basename(args.pth)} by Deploy/models/export_lite0_onnx.py; BatchNorm folded.")
    model = build_onnx(net, doc)
    tmp = args.out + ".tmp"
    with open(tmp, "wb") as f:
        f.write(model.SerializeToString())

    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    sess = ort.InferenceSession(tmp, opts, providers=["CPUExecutionProvider"])

    rng = np.random.default_rng(20240611)
    inputs = {
        "random_uniform_b2": rng.uniform(-1.0, 1.0, (2, 3, IMAGE_SIZE, IMAGE_SIZE)).astype(np.float32),
        "random_normal_b1": np.clip(rng.normal(0.0, 0.5, (1, 3, IMAGE_SIZE, IMAGE_SIZE)), -1, 1)
        .astype(np.float32),
        "cat_photo": preprocess(args.cat_image),
    }
    if args.coffee_image:
        inputs["coffee_photo"] = preprocess(args.coffee_image)

    report = {"tolerance": args.tolerance, "inputs": {}, "onnxruntime": ort.__version__}
    worst = {"features": 0.0, "logits": 0.0}
    outputs = {}
    for name, x in inputs.items():
        ref_f, ref_l = reference_forward(net, x)
        ort_f, ort_l = sess.run(["features", "logits"], {"input": x})
        if ort_f.shape != ref_f.shape or ort_l.shape != ref_l.shape:
            raise ExportError(f"{name}: output shapes {ort_f.shape}/{ort_l.shape} differ from "
                              f"reference {ref_f.shape}/{ref_l.shape}")
        df = float(np.max(np.abs(ort_f - ref_f)))
        dl = float(np.max(np.abs(ort_l - ref_l)))
        worst["features"] = max(worst["features"], df)
        worst["logits"] = max(worst["logits"], dl)
        report["inputs"][name] = {"batch": int(x.shape[0]), "max_abs_diff_features": df,
                                  "max_abs_diff_logits": dl,
                                  "max_abs_logit": float(np.max(np.abs(ref_l)))}
        outputs[name] = ort_l
        print(f"  {name:18s} batch {x.shape[0]}: max |onnx - numpy ref|  "
              f"features {df:.2e}  logits {dl:.2e}")
    report["max_abs_diff"] = worst
    if worst["features"] >= args.tolerance or worst["logits"] >= args.tolerance:
        raise ExportError(f"exported model differs from the numpy reference by more than "
                          f"{args.tolerance}: {worst}")

    names = None
    if args.classes:
        with open(args.classes, encoding="utf-8") as f:
            names = [line.rstrip("\n") for line in f]

    def top5(logits):
        p = softmax(logits[0].astype(np.float64))
        idx = np.argsort(-p)[:5]
        return [{"index": int(i), "prob": round(float(p[i]), 4),
                 **({"name": names[i]} if names else {})} for i in idx]

    checks = [("cat_photo", CAT_CLASSES, "top-1")]
    if args.coffee_image:
        checks.append(("coffee_photo", COFFEE_CLASSES, "top-5"))
    report["sanity"] = {}
    for name, expected, rule in checks:
        t5 = top5(outputs[name])
        report["sanity"][name] = t5
        print(f"  {name}: top-5 " + ", ".join(
            f"{e['index']}{' ' + repr(e['name']) if 'name' in e else ''} {e['prob']:.3f}" for e in t5))
        hit = t5[0]["index"] in expected if rule == "top-1" else any(e["index"] in expected for e in t5)
        if not hit:
            raise ExportError(f"sanity check failed: {name} should have {rule} in "
                              f"{sorted(expected)} ({', '.join(expected.values())}); got {t5}")

    os.replace(tmp, args.out)
    report["seconds"] = round(time.time() - t0, 1)
    if args.report:
        with open(args.report, "w", encoding="utf-8") as f:
            json.dump(report, f, indent=2)
            f.write("\n")
    print(f"  verified in {report['seconds']} s: max abs diff features {worst['features']:.2e}, "
          f"logits {worst['logits']:.2e} (< {args.tolerance})")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (ExportError, pickle.UnpicklingError) as e:
        print(f"export_lite0_onnx: error: {e}", file=sys.stderr)
        sys.exit(1)
    finally:
        _out = next((sys.argv[i + 1] for i, v in enumerate(sys.argv[:-1]) if v == "--out"), None)
        if _out and os.path.exists(_out + ".tmp"):
            os.unlink(_out + ".tmp")  # never leave a half-verified model behind
