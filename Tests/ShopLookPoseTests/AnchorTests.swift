import Testing
@testable import ShopLookPose
import ShopLookImaging

@Suite("SSD anchors and detection post-processing")
struct AnchorTests {
    @Test("pose_detection options give 2254 anchors; first and last values")
    func anchors() {
        let anchors = SSDAnchorOptions.poseDetection.generate()
        #expect(anchors.count == 2254)
        // stride 8: 28×28 cells × 2 anchors = 1568; stride 16: 14×14 × 2 = 392; stride 32 (3 layers): 7×7 × 6 = 294.
        let first = anchors[0]
        #expect(abs(first.centerX - 0.5 / 28) < 1e-6 && abs(first.centerY - 0.5 / 28) < 1e-6)
        #expect(first.width == 1 && first.height == 1)
        #expect(anchors[1] == first)  // two anchors per cell in the first layer
        #expect(abs(anchors[2].centerX - 1.5 / 28) < 1e-6)
        #expect(abs(anchors[1568].centerX - 0.5 / 14) < 1e-6)
        let last = anchors[2253]
        #expect(abs(last.centerX - 6.5 / 7) < 1e-6 && abs(last.centerY - 6.5 / 7) < 1e-6)
        #expect(last.width == 1 && last.height == 1)
        #expect(anchors[1960 ..< 1966].allSatisfy { abs($0.centerX - 0.5 / 7) < 1e-6 && abs($0.centerY - 0.5 / 7) < 1e-6 })
    }

    @Test("weighted NMS merges overlapping boxes by score and keeps separate ones")
    func weightedNMS() {
        func det(_ score: Float, _ x: Double) -> PoseDetection {
            PoseDetection(score: score, box: PoseBox(minX: x, minY: 0, maxX: x + 10, maxY: 10),
                          keypoints: [ImagePoint(x: x, y: 0)])
        }
        let out = weightedNonMaxSuppression([det(0.6, 1), det(0.9, 0), det(0.7, 100)], iouThreshold: 0.3)
        #expect(out.count == 2)
        #expect(out[0].score == 0.9)
        #expect(abs(out[0].box.minX - 0.6 / 1.5) < 1e-6)
        #expect(abs(out[0].keypoints[0].x - 0.6 / 1.5) < 1e-6)
        #expect(out[1].score == 0.7 && out[1].box.minX == 100)
    }

    @Test("ROI: upright person gives rotation 0; kp1 to the right gives +90°")
    func roi() {
        func roi(_ kp1: ImagePoint) -> PoseROI {
            PoseROI(detection: PoseDetection(score: 1, box: PoseBox(minX: 0, minY: 0, maxX: 1, maxY: 1),
                                             keypoints: [ImagePoint(x: 100, y: 200), kp1]))
        }
        let upright = roi(ImagePoint(x: 100, y: 120))  // kp1 above the hips
        #expect(abs(upright.rotation) < 1e-12)
        #expect(abs(upright.size - 2 * 80 * 1.25) < 1e-6)
        #expect(upright.center == ImagePoint(x: 100, y: 200))
        #expect(abs(roi(ImagePoint(x: 180, y: 200)).rotation - Double.pi / 2) < 1e-12)
        let down = roi(ImagePoint(x: 100, y: 280)).rotation
        #expect(abs(abs(down) - Double.pi) < 1e-12)
    }
}
