import ShopLookCore
import ShopLookPose
import Testing

@Suite struct PoseEvaluationTests {
    @Test func metricsCountTheRightPhotos() {
        let labels: [PoseVerdict] = [.fullFront, .fullFront, .fullFront, .partial, .noPerson, .fullBack]
        let verdicts: [PoseVerdict] = [.fullFront, .fullFront, .partial, .fullFront, .noPerson, .fullFront]
        let evaluation = PoseEvaluation(labels: labels, verdicts: verdicts)
        #expect(evaluation.photos == 6)
        #expect(abs(evaluation.accuracy - 3.0 / 6) < 1e-12)
        // Right side of front-or-not: photos 1, 2, 5.
        #expect(abs(evaluation.fullFrontAccuracy - 3.0 / 6) < 1e-12)
        #expect(abs(evaluation.fullFrontPrecision - 2.0 / 4) < 1e-12)
        #expect(abs(evaluation.fullFrontRecall - 2.0 / 3) < 1e-12)
        #expect(evaluation.confusion["full_front"] == ["full_front": 2, "partial": 1])
        #expect(evaluation.confusion["full_back"] == ["full_front": 1])
    }
}
