#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ShopLookImaging

/// MediaPipe's `TensorsToDetectionsCalculator` for pose_detection.tflite: raw boxes are
/// `[x_center, y_center, w, h, kp0x, kp0y, …, kp3x, kp3y]` offsets (`reverse_output_order`),
/// in input pixels relative to the anchor centre (x/y/w/h scale 224, no exponential on sizes);
/// scores are logits clipped to ±100 then passed through a sigmoid.
struct DetectionDecoder {
    let anchors: [SSDAnchor]
    var inputSize: Float = 224
    var coordinatesPerBox = 12
    var keypointCount = 4
    var scoreClip: Float = 100

    /// Detections scoring at least `threshold`, in normalised input coordinates (0…1), in anchor order.
    func decode(boxes: UnsafeBufferPointer<Float>, scores: UnsafeBufferPointer<Float>, threshold: Float) -> [PoseDetection] {
        var result: [PoseDetection] = []
        for (index, anchor) in anchors.enumerated() {
            let score = Self.sigmoid(min(max(scores[index], -scoreClip), scoreClip))
            guard score >= threshold else { continue }
            let raw = index * coordinatesPerBox
            let cx = boxes[raw] / inputSize * anchor.width + anchor.centerX
            let cy = boxes[raw + 1] / inputSize * anchor.height + anchor.centerY
            let w = boxes[raw + 2] / inputSize * anchor.width
            let h = boxes[raw + 3] / inputSize * anchor.height
            var keypoints: [ImagePoint] = []
            keypoints.reserveCapacity(keypointCount)
            for k in 0..<keypointCount {
                let kx = boxes[raw + 4 + 2 * k] / inputSize * anchor.width + anchor.centerX
                let ky = boxes[raw + 5 + 2 * k] / inputSize * anchor.height + anchor.centerY
                keypoints.append(ImagePoint(x: Double(kx), y: Double(ky)))
            }
            let box = PoseBox(minX: Double(cx - w / 2), minY: Double(cy - h / 2),
                              maxX: Double(cx + w / 2), maxY: Double(cy + h / 2))
            guard box.width > 0, box.height > 0 else { continue }
            result.append(PoseDetection(score: score, box: box, keypoints: keypoints))
        }
        return result
    }

    static func sigmoid(_ x: Float) -> Float { 1 / (1 + expf(-x)) }
}

/// MediaPipe's weighted non-maximum suppression (`NonMaxSuppressionCalculator`, algorithm
/// WEIGHTED, IoU overlap): repeatedly take the best remaining detection, gather every remaining
/// one overlapping it by more than `threshold` (itself included), and replace it by their
/// score-weighted mean box and keypoints, keeping the best score. Output is sorted by score.
func weightedNonMaxSuppression(_ detections: [PoseDetection], iouThreshold: Double = 0.3) -> [PoseDetection] {
    // Stable order: score descending, then original index (deterministic on ties).
    var remaining = detections.indices.sorted {
        detections[$0].score != detections[$1].score ? detections[$0].score > detections[$1].score : $0 < $1
    }
    var output: [PoseDetection] = []
    while let first = remaining.first {
        let top = detections[first]
        var cluster: [PoseDetection] = [top]
        var rest: [Int] = []
        for index in remaining.dropFirst() {
            if top.box.iou(detections[index].box) > iouThreshold { cluster.append(detections[index]) } else { rest.append(index) }
        }
        var merged = top
        if cluster.count > 1 {
            var total = 0.0, minX = 0.0, minY = 0.0, maxX = 0.0, maxY = 0.0
            var points = [ImagePoint](repeating: ImagePoint(x: 0, y: 0), count: top.keypoints.count)
            for candidate in cluster {
                let w = Double(candidate.score)
                total += w
                minX += candidate.box.minX * w; minY += candidate.box.minY * w
                maxX += candidate.box.maxX * w; maxY += candidate.box.maxY * w
                for k in points.indices {
                    points[k].x += candidate.keypoints[k].x * w
                    points[k].y += candidate.keypoints[k].y * w
                }
            }
            merged.box = PoseBox(minX: minX / total, minY: minY / total, maxX: maxX / total, maxY: maxY / total)
            merged.keypoints = points.map { ImagePoint(x: $0.x / total, y: $0.y / total) }
        }
        output.append(merged)
        remaining = rest
    }
    return output
}
