import Foundation
import ShopLookCore
import ShopLookImaging
import Testing
@testable import ShopLookPose

@Suite("PoseObservation and PoseVerdictPolicy")
struct PoseObservationTests {
    @Test("a result survives the JSON round trip: same rules verdict, same features")
    func roundTrip() throws {
        var result = VerdictTests.result(VerdictTests.person())
        result.roi = PoseROI(center: ImagePoint(x: 200, y: 450), size: 900, rotation: 0.1)
        result.personBox = PoseBox(minX: 150, minY: 80, maxX: 250, maxY: 790)
        let decoded = try JSONDecoder().decode(PoseObservation.self, from: JSONEncoder().encode(PoseObservation(result))).result
        #expect(decoded == result)
        #expect(PoseVerdictRules().assess(decoded).reason == PoseVerdictRules().assess(result).reason)
        let empty = VerdictTests.result(nil)
        #expect(PoseObservation(empty).result == empty)
    }

    @Test("without a network the rules decide and say so; with one, the network")
    func policy() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pose-policy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent(PoseVerdictNetwork.fileName)
        let person = VerdictTests.result(VerdictTests.person())

        let fallback = PoseVerdictPolicy.load(url: url)
        #expect(fallback.kind == "rules")
        #expect(fallback.assess(person).verdict == .fullFront)
        #expect(fallback.assess(person).reason.hasPrefix("rules (no learned verdict: \(url.path) absent)"))

        // A network that calls everybody partial: the policy must follow it, not the rules.
        let samples = (0..<10).map { _ in PoseFeatures.vector(person) }
        var trainer = PoseVerdictTrainer()
        trainer.epochs = 50
        try trainer.train(features: samples, labels: Array(repeating: .partial, count: 10)).serialized().write(to: url)
        let learned = PoseVerdictPolicy.load(url: url)
        #expect(learned.kind == "learned")
        #expect(learned.assess(person).verdict == .partial)
        #expect(learned.assess(person).reason.hasPrefix("learned verdict"))
        #expect(learned.assess(VerdictTests.result(nil)).verdict == .noPerson)

        try Data("{}".utf8).write(to: url)
        let broken = PoseVerdictPolicy.load(url: url)
        #expect(broken.kind == "rules")
        #expect(broken.fallbackNote?.contains(url.path) == true)
    }
}
