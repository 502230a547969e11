import ShopLookCore
import Testing
@testable import ShopLookPose

@Suite("PoseFeatures")
struct PoseFeaturesTests {
    static func value(_ vector: [Double], _ name: String) -> Double {
        vector[PoseFeatures.names.firstIndex(of: name)!]
    }

    @Test("one name per value, 33 × 5 landmark values then the whole-pose ones")
    func shape() {
        #expect(PoseFeatures.names.count == PoseFeatures.count)
        #expect(Set(PoseFeatures.names).count == PoseFeatures.count)
        #expect(PoseFeatures.names.first == "nose.x")
        #expect(PoseFeatures.vector(VerdictTests.result(VerdictTests.person())).count == PoseFeatures.count)
    }

    @Test("a foot below the frame is never seen and has a negative edge; a foot inside is seen")
    func frameEdge() {
        let inside = PoseFeatures.vector(VerdictTests.result(VerdictTests.person()))
        #expect(Self.value(inside, "leftHeel.seen") > 0.9)
        #expect(Self.value(inside, "leftHeel.edge") > 0)
        var cut = VerdictTests.person()
        for i in 27...32 { cut[i].y += 100 }  // 840–870 in an 800-high image, still "visible" to the model
        let outside = PoseFeatures.vector(VerdictTests.result(cut))
        #expect(Self.value(outside, "leftHeel.seen") == 0)
        #expect(Self.value(outside, "leftHeel.edge") < 0)
        #expect(Self.value(outside, "feet_margin") < 0)
        #expect(Self.value(outside, "leftHeel.presence") == cut[29].presence)
    }

    @Test("facing the camera gives a positive shoulder span, from behind a negative one; side views a narrow one")
    func facing() {
        let front = PoseFeatures.vector(VerdictTests.result(VerdictTests.person()))
        let back = PoseFeatures.vector(VerdictTests.result(VerdictTests.person(facing: false)))
        let side = PoseFeatures.vector(VerdictTests.result(VerdictTests.person(shoulderHalfWidth: 10)))
        #expect(Self.value(front, "shoulder_span") > 0.3)
        #expect(Self.value(back, "shoulder_span") < -0.3)
        #expect(Self.value(side, "shoulder_width") < Self.value(front, "shoulder_width") / 3)
        // Positions are in torso heights around the torso's centre: the nose is about 1.5 torsos up.
        #expect(abs(Self.value(front, "nose.y") - (100 - 325) / 250) < 1e-9)
    }

    @Test("no person: only the detector score, everything else zero")
    func noPerson() {
        let vector = PoseFeatures.vector(VerdictTests.result(nil))
        #expect(vector.allSatisfy { $0 == 0 })
        var weak = VerdictTests.result(nil)
        weak.detectionScore = 0.4
        let withScore = PoseFeatures.vector(weak)
        #expect(Self.value(withScore, "detection_score") == 0.4)
        #expect(Self.value(withScore, "has_person") == 0)
    }
}
