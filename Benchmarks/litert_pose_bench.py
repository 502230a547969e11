#!/usr/bin/env python3
"""BlazePose per image with the ai-edge-litert Python package: the Python side of run-pose-bench.

Runs the same pipeline as ShopLook's PoseEstimator.estimate(jpeg:) (Sources/ShopLookPose), stage for stage:

  decode       JPEG bytes -> RGB (Pillow's libjpeg-turbo; EXIF orientation applied, as JPEGDecoder does)
  detector     letterbox to 224x224 (plain 2-tap bilinear, black padding, as RGBImage.letterboxed), scale to
               [-1, 1], invoke pose_detection.tflite, decode the 2254 SSD anchors (numpy), threshold 0.5,
               MediaPipe weighted NMS (IoU 0.3), map back to image pixels
  ROI          largest person: centre = keypoint 0, side = 2|kp1 - kp0| x 1.25, rotation from kp0 -> kp1
  landmarks    affine warp of the rotated square to 256x256 (bilinear, black border, as RGBImage.warpAffine;
               Pillow's Image.transform), scale to [0, 1], invoke pose_landmark_full.tflite, map the 33
               landmarks back to image pixels

Both interpreters use XNNPACK with num_threads=1. Per image it records the end-to-end time (file bytes in
memory -> landmarks in image pixels) and the inference time alone (the two invoke() calls). Prints one JSON
object: medians over images of the per-image times, after --warmup untimed passes over the first images.

    python Benchmarks/litert_pose_bench.py --images DIR [--models DIR] [--passes 1] [--warmup 5]

Run by Benchmarks/run-pose-bench in its private venv (pinned ai-edge-litert, numpy, pillow).
"""

from __future__ import annotations

import argparse
import io
import json
import math
import os
import statistics
import sys
import time

import numpy as np
from ai_edge_litert.interpreter import Interpreter
from PIL import Image, ImageOps

DETECTOR_SIDE = 224
LANDMARK_SIDE = 256
MIN_SCORE = 0.5
IOU_THRESHOLD = 0.3
ROI_SCALE = 1.25


# ------------------------------------------------------------------------------ anchors (SSDAnchors.swift)

def ssd_anchors() -> np.ndarray:
    """MediaPipe SsdAnchorsCalculator with pose_detection's options; rows (cx, cy); sizes are fixed at 1."""
    strides = [8, 16, 32, 32, 32]
    centres = []
    layer = 0
    while layer < len(strides):
        last = layer
        per_cell = 0
        while last < len(strides) and strides[last] == strides[layer]:
            per_cell += 2  # aspect ratio 1.0 plus the interpolated scale
            last += 1
        side = (DETECTOR_SIDE + strides[layer] - 1) // strides[layer]
        for y in range(side):
            for x in range(side):
                centres.extend([((x + 0.5) / side, (y + 0.5) / side)] * per_cell)
        layer = last
    return np.asarray(centres, dtype=np.float32)


# ------------------------------------------------------------------------------ image stages

def decode(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image = ImageOps.exif_transpose(image)
    return image.convert("RGB")


def letterbox(image: Image.Image):
    """LetterboxTransform + plain bilinear resize (Image.transform AFFINE does no antialiasing, like Swift's
    .bilinear). Returns the 224x224 image and (offset_x, offset_y, content_w, content_h)."""
    w, h = image.size
    scale = min(DETECTOR_SIDE / w, DETECTOR_SIDE / h)
    cw = min(DETECTOR_SIDE, max(1, round(w * scale)))
    ch = min(DETECTOR_SIDE, max(1, round(h * scale)))
    resized = image.transform((cw, ch), Image.Transform.AFFINE, (w / cw, 0, 0, 0, h / ch, 0),
                              resample=Image.Resampling.BILINEAR)
    canvas = Image.new("RGB", (DETECTOR_SIDE, DETECTOR_SIDE))
    ox, oy = (DETECTOR_SIDE - cw) // 2, (DETECTOR_SIDE - ch) // 2
    canvas.paste(resized, (ox, oy))
    return canvas, (ox, oy, cw, ch, w, h)


def iou(a, b) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    if w <= 0 or h <= 0:
        return 0.0
    inter = w * h
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def weighted_nms(scores, boxes, keypoints):
    """DetectionDecoding.swift's weightedNonMaxSuppression: score-weighted mean of each overlapping cluster."""
    remaining = sorted(range(len(scores)), key=lambda i: (-scores[i], i))
    out = []
    while remaining:
        top = remaining[0]
        cluster, rest = [top], []
        for i in remaining[1:]:
            (cluster if iou(boxes[top], boxes[i]) > IOU_THRESHOLD else rest).append(i)
        wts = scores[cluster].astype(np.float64)
        box = (boxes[cluster] * wts[:, None]).sum(0) / wts.sum()
        kps = (keypoints[cluster] * wts[:, None, None]).sum(0) / wts.sum()
        out.append((float(scores[top]), box, kps))
        remaining = rest
    return out


class Pipeline:
    def __init__(self, models: str, threads: int):
        self.detector = Interpreter(model_path=os.path.join(models, "blazepose/pose_detection.tflite"),
                                    num_threads=threads)
        self.landmarker = Interpreter(model_path=os.path.join(models, "blazepose/pose_landmark_full.tflite"),
                                      num_threads=threads)
        for interpreter in (self.detector, self.landmarker):
            interpreter.allocate_tensors()
        by_shape = lambda it: {tuple(d["shape"]): d["index"] for d in it.get_output_details()}
        det = by_shape(self.detector)
        self.det_in = self.detector.get_input_details()[0]["index"]
        self.det_boxes, self.det_scores = det[(1, 2254, 12)], det[(1, 2254, 1)]
        lm = by_shape(self.landmarker)
        self.lm_in = self.landmarker.get_input_details()[0]["index"]
        self.lm_points, self.lm_presence = lm[(1, 195)], lm[(1, 1)]
        self.anchors = ssd_anchors()
        assert len(self.anchors) == 2254

    def estimate(self, data: bytes):
        """Returns (presence score or None, inference seconds)."""
        inference = 0.0
        image = decode(data)

        # Detector.
        boxed, (ox, oy, cw, ch, w, h) = letterbox(image)
        tensor = (np.asarray(boxed, dtype=np.float32) * (1 / 127.5) - 1)[None]
        self.detector.set_tensor(self.det_in, tensor)
        t = time.perf_counter()
        self.detector.invoke()
        inference += time.perf_counter() - t
        raw = self.detector.get_tensor(self.det_boxes)[0]
        logits = self.detector.get_tensor(self.det_scores)[0, :, 0]
        with np.errstate(over="ignore"):  # exp(100) overflows float32 to inf: score 0, as expf does in Swift
            scores = 1 / (1 + np.exp(-np.clip(logits, -100, 100)))
        keep = np.nonzero(scores >= MIN_SCORE)[0]
        detections = []
        if len(keep):
            r = raw[keep] / DETECTOR_SIDE
            centre = self.anchors[keep]
            cx, cy = r[:, 0] + centre[:, 0], r[:, 1] + centre[:, 1]
            bw, bh = r[:, 2], r[:, 3]
            boxes = np.stack([cx - bw / 2, cy - bh / 2, cx + bw / 2, cy + bh / 2], 1).astype(np.float64)
            kps = (r[:, 4:12].reshape(-1, 4, 2) + centre[:, None, :]).astype(np.float64)
            valid = (bw > 0) & (bh > 0)
            # Normalised -> letterbox pixels -> image pixels.
            to_image = lambda p: np.stack([(p[..., 0] * DETECTOR_SIDE - ox) * w / cw,
                                           (p[..., 1] * DETECTOR_SIDE - oy) * h / ch], -1)
            merged = weighted_nms(scores[keep][valid], boxes[valid], kps[valid])
            detections = [(s, to_image(k)) for s, _, k in merged]
        if not detections:
            return None, inference

        # Largest ROI (ties: the first, i.e. the best score).
        def roi(kps):
            (x0, y0), (x1, y1) = kps[0], kps[1]
            side = 2 * math.hypot(x1 - x0, y1 - y0) * ROI_SCALE
            angle = math.pi / 2 - math.atan2(-(y1 - y0), x1 - x0)
            angle -= 2 * math.pi * math.floor((angle + math.pi) / (2 * math.pi))
            return x0, y0, side, angle
        cx, cy, side, angle = max((roi(k) for _, k in detections), key=lambda r: r[2])

        # Crop -> ROI: output = S * R(-angle) * (p - c) + 128, S = 256 / side. Pillow wants output -> source.
        s = side / LANDMARK_SIDE
        cos, sin = math.cos(angle), math.sin(angle)
        a, b, d, e = s * cos, -s * sin, s * sin, s * cos  # source = c + s * R(angle) * (q - 128)
        c0 = cx - (a + b) * LANDMARK_SIDE / 2
        f0 = cy - (d + e) * LANDMARK_SIDE / 2
        crop = image.transform((LANDMARK_SIDE, LANDMARK_SIDE), Image.Transform.AFFINE, (a, b, c0, d, e, f0),
                               resample=Image.Resampling.BILINEAR, fillcolor=(0, 0, 0))
        self.landmarker.set_tensor(self.lm_in, (np.asarray(crop, dtype=np.float32) * (1 / 255))[None])
        t = time.perf_counter()
        self.landmarker.invoke()
        inference += time.perf_counter() - t
        points = self.landmarker.get_tensor(self.lm_points)[0].reshape(39, 5)[:33].astype(np.float64)
        presence = float(np.clip(self.landmarker.get_tensor(self.lm_presence)[0, 0], 0, 1))
        _ = np.stack([a * points[:, 0] + b * points[:, 1] + c0, d * points[:, 0] + e * points[:, 1] + f0], 1)
        _ = 1 / (1 + np.exp(-points[:, 3:5]))  # visibility and presence, as the Swift side computes them
        return presence, inference


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--images", required=True, help="folder of JPEGs (*.jpg, *.jpeg)")
    parser.add_argument("--models", default=os.environ.get("SHOPLOOK_MODELS") or ".models")
    parser.add_argument("--passes", type=int, default=1, help="timed passes over all images")
    parser.add_argument("--warmup", type=int, default=5, help="untimed images before timing")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()

    files = sorted(os.path.join(args.images, n) for n in os.listdir(args.images)
                   if n.lower().endswith((".jpg", ".jpeg")))
    if not files:
        print(f"litert_pose_bench: no JPEGs in {args.images}", file=sys.stderr)
        return 2
    blobs = [open(path, "rb").read() for path in files]
    pipeline = Pipeline(args.models, args.threads)
    for data in blobs[:args.warmup]:
        pipeline.estimate(data)
    total, inference, presences = [], [], []
    for _ in range(args.passes):
        for data in blobs:
            t = time.perf_counter()
            presence, infer = pipeline.estimate(data)
            total.append((time.perf_counter() - t) * 1e3)
            inference.append(infer * 1e3)
            presences.append(presence)
    people = [p for p in presences[:len(blobs)] if p is not None]
    import ai_edge_litert
    print(json.dumps({
        "runtime": "python ai-edge-litert Interpreter",
        "version": getattr(ai_edge_litert, "__version__", "?"),
        "threads": args.threads,
        "images": len(blobs),
        "images_with_person": len(people),
        "mean_presence": statistics.fmean(people) if people else 0,
        "median_ms": statistics.median(total),
        "median_inference_ms": statistics.median(inference),
        "median_other_ms": statistics.median(t - i for t, i in zip(total, inference)),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
