import ShopLookCore

/// The numbers the learned pose verdict reads from a ``PoseResult``: a fixed-length vector, the same for every
/// photo, that says where each landmark is relative to the body and to the frame.
///
/// Per landmark (all 33, in ``PoseLandmarkIndex`` order), five values:
/// - `x`, `y`: position relative to the torso's centre (mean of shoulders and hips), in torso heights
///   (mid-shoulder to mid-hip), clipped to ±4: pose shape independent of the photo's size and framing.
/// - `seen`: the visibility, but 0 for a landmark outside the frame ("a landmark outside the frame is never
///   visible"; BlazePose often reports a confident visibility for a foot it extrapolates below the border).
/// - `presence`: BlazePose's own in-image probability.
/// - `edge`: signed distance to the nearest border as a share of the image side, clipped to ±0.25 and scaled
///   to ±1: negative outside, near 0 on the border. This is what tells a foot resting on the frame's
///   edge (a photo cut at the ankles) from one standing inside it.
///
/// Then whole-pose values: whether anybody was found, the detector and presence scores, the number of people,
/// shoulder and hip width over torso height (small when seen from the side), the signed shoulder and hip
/// spans (x of the left minus x of the right landmark over torso height: positive when facing the camera,
/// negative from behind), the shoulders' depth difference (how far the body is turned), the face's visibility,
/// the ears' visibility difference and the nose's offset from the shoulders' middle (head turn), the margins
/// above the head and below the feet, and the body's height and torso's height as shares of the image.
///
/// A photo without a person is all zeros except the detector's score (itself 0 when nobody was found).
public enum PoseFeatures {
    static let perLandmark = ["x", "y", "seen", "presence", "edge"]
    static let global = [
        "has_person", "detection_score", "presence_score", "people", "shoulder_width", "hip_width", "shoulder_span",
        "hip_span", "shoulder_depth", "face_seen", "ear_difference", "nose_offset", "head_margin", "feet_margin",
        "body_height", "torso_height",
    ]

    /// The features' names, in vector order (`nose.x`, …, `feet_margin`, …).
    public static let names: [String] = PoseLandmarkIndex.allCases.flatMap { index in
        perLandmark.map { "\(index).\($0)" }
    } + global

    /// The vector's length.
    public static var count: Int { names.count }

    /// The feature vector of one pose result (``count`` values).
    public static func vector(_ result: PoseResult) -> [Double] {
        var values = [Double](repeating: 0, count: count)
        let globals = PoseLandmarkIndex.allCases.count * perLandmark.count
        values[globals + 1] = result.detectionScore
        guard result.people > 0, let lm = result.landmarks, lm.count >= PoseLandmarkIndex.bodyCount,
              result.imageWidth > 0, result.imageHeight > 0 else {
            return values
        }
        let width = Double(result.imageWidth), height = Double(result.imageHeight)
        func inside(_ l: Landmark) -> Bool { l.x >= 0 && l.x <= width && l.y >= 0 && l.y <= height }
        func edge(_ l: Landmark) -> Double {
            let nearest = min(l.x / width, 1 - l.x / width, l.y / height, 1 - l.y / height)
            return clip(nearest, 0.25) * 4
        }
        func seen(_ l: Landmark) -> Double { inside(l) ? l.visibility : 0 }
        let ls = lm[.leftShoulder], rs = lm[.rightShoulder], lh = lm[.leftHip], rh = lm[.rightHip]
        let centreX = (ls.x + rs.x + lh.x + rh.x) / 4, centreY = (ls.y + rs.y + lh.y + rh.y) / 4
        let shoulderX = (ls.x + rs.x) / 2, shoulderY = (ls.y + rs.y) / 2
        let torso = max(distance(shoulderX, shoulderY, (lh.x + rh.x) / 2, (lh.y + rh.y) / 2), 1)
        for index in PoseLandmarkIndex.allCases {
            let l = lm[index], base = index.rawValue * perLandmark.count
            values[base] = clip((l.x - centreX) / torso, 4)
            values[base + 1] = clip((l.y - centreY) / torso, 4)
            values[base + 2] = seen(l)
            values[base + 3] = l.presence
            values[base + 4] = edge(l)
        }
        let shoulderWidth = distance(ls.x, ls.y, rs.x, rs.y)
        let head = (0...10).map { lm[$0] }, feet = (27...32).map { lm[$0] }
        let headTop = head.map(\.y).min()!, feetBottom = feet.map(\.y).max()!
        let face = [lm[.nose], lm[.leftEye], lm[.rightEye]].map(seen).max()!
        values[globals] = 1
        values[globals + 2] = result.presenceScore
        values[globals + 3] = Double(min(result.people, 4)) / 4
        values[globals + 4] = min(shoulderWidth / torso, 3)
        values[globals + 5] = min(distance(lh.x, lh.y, rh.x, rh.y) / torso, 3)
        values[globals + 6] = clip((ls.x - rs.x) / torso, 3)
        values[globals + 7] = clip((lh.x - rh.x) / torso, 3)
        values[globals + 8] = clip((ls.z - rs.z) / torso, 3)
        values[globals + 9] = face
        values[globals + 10] = seen(lm[.leftEar]) - seen(lm[.rightEar])
        values[globals + 11] = clip((lm[.nose].x - shoulderX) / max(shoulderWidth, 1), 3)
        values[globals + 12] = clip(headTop / height, 0.5)
        values[globals + 13] = clip((height - feetBottom) / height, 0.5)
        values[globals + 14] = min((feetBottom - headTop) / height, 2)
        values[globals + 15] = min(torso / height, 2)
        return values
    }

    private static func clip(_ value: Double, _ limit: Double) -> Double { max(-limit, min(limit, value)) }

    private static func distance(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double) -> Double {
        ((x1 - x0) * (x1 - x0) + (y1 - y0) * (y1 - y0)).squareRoot()
    }
}
