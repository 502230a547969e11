import ShopLookCore
/// The rules turning a ``PoseResult`` into a ``PoseVerdict``, with their thresholds.
///
/// 1. No detection, detector score < `minimumDetectionScore`, or pose presence < `minimumPresence`
///    → `no_person`. The detector is face-anchored, so garments alone (which the landmark model may
///    read as a confident pose) score low there: on `people/` they scored 0.51–0.75, people 0.82–0.99.
/// 2. Full body needs, in each of three groups — shoulders (11, 12), hips (23, 24), feet
///    (ankles 27, 28, heels 29, 30, foot indices 31, 32) — at least one landmark that is
///    *seen*: visibility ≥ `minimumVisibility`, presence ≥ `minimumVisibility`, and inside the
///    image (within `margin` × image side of its border). Otherwise → `partial`.
///    One per group (not both) so that side views, where the far limb is hidden, still count.
///    Feet hidden under a long skirt or dress have low visibility; they still count when all four
///    heel and toe landmarks are *placed* (presence ≥ `minimumVisibility`) inside the image.
///    The head must be in the picture too: the nose or an ear inside the image with presence
///    ≥ `minimumVisibility` (visibility is not required: it is low on back views).
///    And every foot landmark (ankles, heels, toes of both feet, wherever BlazePose places them, seen or
///    hidden) must lie inside the frame, at least `feetEdgeMargin` × image height above its bottom edge: a
///    landmark outside the frame, or on its edge, is never in view. Without this, a photo cut below the knees
///    passed on one ankle placed just inside (the rules called 49 % of ccp photos cut at the top of the shoes
///    `full_front`; with it 7 %, for 0.4 % of the whole photos rejected).
/// 3. Side: shoulder width (distance between 11 and 12) < `sideRatio` × torso height
///    (mid-shoulder to mid-hip) → `full_side`.
/// 4. Front vs back: a frontal person's left shoulder (11) appears on the image's right
///    (x11 > x12), and their face is visible (max visibility of nose 0, eyes 2 and 5 ≥
///    `minimumVisibility`). Face not visible → `full_back`; face visible with the shoulders in
///    back order (x11 < x12, e.g. looking over the shoulder) → `full_back`; else `full_front`.
///    The face decides first because BlazePose tends to label a back view as if it were frontal.
///
/// Thresholds chosen on `people/` (see `shoplook eval pose`) and checked on `ccp/` (699 street photos,
/// nearly all full-body frontal: 688 come out `full_front`).
public struct PoseVerdictRules: Sendable, Hashable {
    public var minimumDetectionScore = 0.75
    public var minimumPresence = 0.7
    public var minimumVisibility = 0.5
    /// Allowed overshoot past the image border, as a fraction of the image's width/height.
    public var margin = 0.0
    public var sideRatio = 0.28
    /// Least distance of every foot landmark above the frame's bottom edge, as a fraction of the image height.
    public var feetEdgeMargin = 0.01

    public init() {}

    /// The verdict and a short reason (for logs and evaluation reports).
    public func assess(_ result: PoseResult) -> (verdict: PoseVerdict, reason: String) {
        guard result.people > 0, let lm = result.landmarks, lm.count >= PoseLandmarkIndex.bodyCount else {
            return (.noPerson, "no detection")
        }
        guard result.detectionScore >= minimumDetectionScore else {
            return (.noPerson, "detector score \(rounded(result.detectionScore)) < \(minimumDetectionScore)")
        }
        guard result.presenceScore >= minimumPresence else {
            return (.noPerson, "pose presence \(rounded(result.presenceScore)) < \(minimumPresence)")
        }
        let seen = { (index: PoseLandmarkIndex) in self.isSeen(lm[index], width: result.imageWidth, height: result.imageHeight) }
        let groups: [(String, [PoseLandmarkIndex])] = [
            ("shoulders", [.leftShoulder, .rightShoulder]),
            ("hips", [.leftHip, .rightHip]),
            ("feet", [.leftAnkle, .rightAnkle, .leftHeel, .rightHeel, .leftFootIndex, .rightFootIndex]),
        ]
        let placedInside = { (index: PoseLandmarkIndex) in
            lm[index].presence >= self.minimumVisibility && self.isInside(lm[index], width: result.imageWidth, height: result.imageHeight)
        }
        let feetInFrame = [PoseLandmarkIndex.leftHeel, .rightHeel, .leftFootIndex, .rightFootIndex].allSatisfy(placedInside)
        var missing = groups.filter { group in
            !group.1.contains(where: seen) && !(group.0 == "feet" && feetInFrame)
        }.map(\.0)
        let headInside = [PoseLandmarkIndex.nose, .leftEar, .rightEar].contains(where: placedInside)
        if !headInside { missing.insert("head", at: 0) }
        if !missing.isEmpty {
            return (.partial, "not seen: \(missing.joined(separator: ", "))")
        }
        let feet = [PoseLandmarkIndex.leftAnkle, .rightAnkle, .leftHeel, .rightHeel, .leftFootIndex, .rightFootIndex]
        let floor = Double(result.imageHeight) * (1 - feetEdgeMargin)
        if let cut = feet.first(where: { !isInside(lm[$0], width: result.imageWidth, height: result.imageHeight) || lm[$0].y > floor }) {
            return (.partial, "feet at or past the frame's edge (\(cut))")
        }
        let ls = lm[.leftShoulder], rs = lm[.rightShoulder], lh = lm[.leftHip], rh = lm[.rightHip]
        let shoulderWidth = distance(ls.x, ls.y, rs.x, rs.y)
        let torso = distance((ls.x + rs.x) / 2, (ls.y + rs.y) / 2, (lh.x + rh.x) / 2, (lh.y + rh.y) / 2)
        let ratio = torso > 0 ? shoulderWidth / torso : 0
        if ratio < sideRatio {
            return (.fullSide, "shoulder width / torso height \(rounded(ratio)) < \(sideRatio)")
        }
        let face = [lm[.nose], lm[.leftEye], lm[.rightEye]].map(\.visibility).max() ?? 0
        guard face >= minimumVisibility else {
            return (.fullBack, "face visibility \(rounded(face)) < \(minimumVisibility)")
        }
        if ls.x < rs.x {
            return (.fullBack, "face visible but left shoulder on the image's left")
        }
        return (.fullFront, "face visible, left shoulder on the image's right, width/torso \(rounded(ratio))")
    }

    /// Just the verdict.
    public func verdict(_ result: PoseResult) -> PoseVerdict { assess(result).verdict }

    /// Whether a landmark is *seen*: visible, present, and inside the image (within `margin`).
    public func isSeen(_ landmark: Landmark, width: Int, height: Int) -> Bool {
        landmark.visibility >= minimumVisibility && landmark.presence >= minimumVisibility
            && isInside(landmark, width: width, height: height)
    }

    /// Whether a landmark lies inside the image (within `margin` of its border).
    public func isInside(_ landmark: Landmark, width: Int, height: Int) -> Bool {
        let mx = margin * Double(width), my = margin * Double(height)
        return landmark.x >= -mx && landmark.x <= Double(width) + mx
            && landmark.y >= -my && landmark.y <= Double(height) + my
    }

    private func distance(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double) -> Double {
        ((x1 - x0) * (x1 - x0) + (y1 - y0) * (y1 - y0)).squareRoot()
    }

    private func rounded(_ value: Double) -> Double { (value * 100).rounded() / 100 }
}
