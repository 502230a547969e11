import ShopLookCore
import Testing
import ShopLookImaging
@testable import ShopLookPose

@Suite("PoseVerdict")
struct VerdictTests {
    /// A synthetic standing person in a 400×800 image, facing the camera, everything visible.
    static func person(shoulderHalfWidth: Double = 50, facing front: Bool = true) -> [Landmark] {
        var lm = [Landmark](repeating: Landmark(x: 200, y: 100, z: 0, visibility: 0.99, presence: 0.99), count: 33)
        func set(_ i: PoseLandmarkIndex, _ x: Double, _ y: Double) { lm[i.rawValue].x = x; lm[i.rawValue].y = y }
        let s = front ? 1.0 : -1.0   // the person's left is on the image's right when facing the camera
        set(.nose, 200, 100); set(.leftEye, 200 + 8 * s, 90); set(.rightEye, 200 - 8 * s, 90)
        set(.leftShoulder, 200 + shoulderHalfWidth * s, 200); set(.rightShoulder, 200 - shoulderHalfWidth * s, 200)
        set(.leftHip, 200 + 30 * s, 450); set(.rightHip, 200 - 30 * s, 450)
        for (l, r, y) in [(PoseLandmarkIndex.leftAnkle, PoseLandmarkIndex.rightAnkle, 740.0),
                          (.leftHeel, .rightHeel, 755), (.leftFootIndex, .rightFootIndex, 770)] {
            set(l, 200 + 25 * s, y); set(r, 200 - 25 * s, y)
        }
        return lm
    }

    static func result(_ landmarks: [Landmark]?, presence: Double = 0.95, detectionScore: Double = 0.9) -> PoseResult {
        let detection = PoseDetection(score: 0.9, box: PoseBox(minX: 170, minY: 60, maxX: 230, maxY: 130),
                                      keypoints: Array(repeating: ImagePoint(x: 200, y: 450), count: 4))
        return PoseResult(detections: landmarks == nil ? [] : [detection], detectionScore: landmarks == nil ? 0 : detectionScore, landmarks: landmarks, roi: nil,
                          personBox: nil, presenceScore: landmarks == nil ? 0 : presence, mask: nil,
                          imageWidth: 400, imageHeight: 800)
    }

    let rules = PoseVerdictRules()

    @Test("front, back (face hidden), back (shoulders reversed), side, partial, no person")
    func synthetic() {
        #expect(rules.verdict(Self.result(Self.person())) == .fullFront)

        var back = Self.person(facing: false)
        for i in [PoseLandmarkIndex.nose, .leftEye, .rightEye] { back[i.rawValue].visibility = 0.1 }
        #expect(rules.verdict(Self.result(back)) == .fullBack)
        // Face hidden but the model kept frontal labels: still back.
        var mislabelled = Self.person()
        for i in [PoseLandmarkIndex.nose, .leftEye, .rightEye] { mislabelled[i.rawValue].visibility = 0.1 }
        #expect(rules.verdict(Self.result(mislabelled)) == .fullBack)
        // Looking over the shoulder: face visible, shoulders in back order.
        #expect(rules.verdict(Self.result(Self.person(facing: false))) == .fullBack)

        #expect(rules.verdict(Self.result(Self.person(shoulderHalfWidth: 10))) == .fullSide)
        // Shoulder width / torso height 70 / 250 = 0.28 is the boundary; just above it is frontal.
        #expect(rules.verdict(Self.result(Self.person(shoulderHalfWidth: 34))) == .fullSide)
        #expect(rules.verdict(Self.result(Self.person(shoulderHalfWidth: 36))) == .fullFront)

        var cut = Self.person()  // feet below the frame
        for i in [PoseLandmarkIndex.leftAnkle, .rightAnkle, .leftHeel, .rightHeel, .leftFootIndex, .rightFootIndex] {
            cut[i.rawValue].y += 100
        }
        #expect(rules.verdict(Self.result(cut)) == .partial)
        var hidden = Self.person()  // feet in the frame but hidden (a long dress): still full body
        for i in 27...32 { hidden[i].visibility = 0.2 }
        #expect(rules.verdict(Self.result(hidden)) == .fullFront)
        var unplaced = hidden  // … unless the model does not place all four heel and toe points
        unplaced[PoseLandmarkIndex.leftFootIndex.rawValue].presence = 0.3
        #expect(rules.assess(Self.result(unplaced)).reason == "not seen: feet")
        var toeOutside = hidden  // … or one of them lies outside the image
        toeOutside[PoseLandmarkIndex.rightFootIndex.rawValue].y = 805
        #expect(rules.verdict(Self.result(toeOutside)) == .partial)
        var oneFoot = Self.person()  // side-ish: one heel seen is enough
        for i in [27, 28, 30, 31, 32] { oneFoot[i].visibility = 0.2 }
        #expect(rules.verdict(Self.result(oneFoot)) == .fullFront)

        var headless = Self.person()  // head above the frame
        for i in 0...10 { headless[i].y -= 150 }
        #expect(rules.assess(Self.result(headless)).reason == "not seen: head")
        var backOfHead = back  // back view: face not visible but inside the image — still full
        for i in 0...10 { backOfHead[i].visibility = 0.05 }
        #expect(rules.verdict(Self.result(backOfHead)) == .fullBack)

        #expect(rules.verdict(Self.result(nil)) == .noPerson)
        #expect(rules.verdict(Self.result(Self.person(), presence: 0.5)) == .noPerson)
        // A confident pose on a weak (face-anchored) detection: a garment, not a person.
        #expect(rules.assess(Self.result(Self.person(), presence: 1, detectionScore: 0.7)).verdict == .noPerson)
        #expect(rules.verdict(Self.result(Self.person(), presence: 1, detectionScore: 0.8)) == .fullFront)
        #expect(PoseVerdict.allCases.map(\.rawValue) == ["full_front", "full_back", "full_side", "partial", "no_person"])
    }
}
