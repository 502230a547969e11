import ShopLookCore
import ShopLookTestSupport
import Foundation
import Testing
@testable import ShopLookRuntimes

@Suite("LiteRT", .requiresModels)
struct LiteRtTests {
    @Test("pose_detection loads: input 1×224×224×3, outputs 1×2254×12 and 1×2254×1")
    func detectorShapes() throws {
        try requireModels(.liteRt, .blazePose)
        let model = try LiteRtModel(runtime: SharedRuntimes.liteRt(), path: TestEnvironment.poseDetectionPath)
        #expect(model.inputs.map(\.shape) == [[1, 224, 224, 3]])
        #expect(model.inputs.map(\.elementType) == [.float32])
        #expect(model.outputs.map(\.shape) == [[1, 2254, 12], [1, 2254, 1]])
        #expect(model.outputs.allSatisfy { $0.elementType == .float32 })
        #expect(Set(model.outputs.map(\.name)).count == 2)
    }

    @Test("pose_detection runs on a constant image deterministically, both APIs agree")
    func detectorDeterministic() throws {
        try requireModels(.liteRt, .blazePose)
        let model = try LiteRtModel(runtime: SharedRuntimes.liteRt(), path: TestEnvironment.poseDetectionPath)
        let compiled = try LiteRtCompiledModel(model: model, options: .init(threads: 1))
        let image = [Float](repeating: 0.25, count: 224 * 224 * 3)
        let first = try compiled.run(inputs: [image])
        let second = try compiled.run(inputs: [image])
        #expect(first.map(\.count) == [2254 * 12, 2254])
        #expect(first == second)
        #expect(first.allSatisfy { $0.allSatisfy(\.isFinite) })
        #expect(Set(first[0]).count > 100)  // real output, not a zeroed buffer

        // In place: write the input, run, read the outputs without intermediate arrays.
        try compiled.withInputBuffer(0) { buffer in
            #expect(buffer.count == image.count)
            #expect(Int(bitPattern: buffer.baseAddress) % 64 == 0)
            buffer.update(repeating: 0.25)
        }
        try compiled.run()
        let scores = try compiled.withOutputBuffer(1) { Array($0) }
        let boxes = try compiled.withOutputBuffer(0) { Array($0) }
        #expect(boxes == first[0])
        #expect(scores == first[1])

        // A different image gives different outputs (the input really is read).
        let other = try compiled.run(inputs: [[Float](repeating: -0.5, count: image.count)])
        #expect(other[1] != first[1])
    }

    @Test("pose_landmark_full loads: input 1×256×256×3 and its 5 outputs")
    func landmarkShapes() throws {
        try requireModels(.liteRt, .blazePose)
        let model = try LiteRtModel(runtime: SharedRuntimes.liteRt(), path: TestEnvironment.poseLandmarkFullPath)
        #expect(model.inputs.map(\.shape) == [[1, 256, 256, 3]])
        #expect(model.outputs.count == 5)
        #expect(model.outputs.map(\.shape) == [[1, 195], [1, 1], [1, 256, 256, 1], [1, 64, 64, 39], [1, 117]])
        let compiled = try LiteRtCompiledModel(model: model)
        let out = try compiled.run(inputs: [[Float](repeating: 0.5, count: 256 * 256 * 3)])
        #expect(out.map(\.count) == [195, 1, 256 * 256, 64 * 64 * 39, 117])
        #expect(out.allSatisfy { $0.allSatisfy(\.isFinite) })
    }

    @Test("2 XNNPACK threads give the same result as 1 (within float tolerance)")
    func threads() throws {
        try requireModels(.liteRt, .blazePose)
        let model = try LiteRtModel(runtime: SharedRuntimes.liteRt(), path: TestEnvironment.poseDetectionPath)
        var generator = SplitMix64(seed: 7)
        let image = (0..<(224 * 224 * 3)).map { _ in Float(generator.nextUnit() * 2 - 1) }
        let one = try LiteRtCompiledModel(model: model, options: .init(threads: 1)).run(inputs: [image])
        let two = try LiteRtCompiledModel(model: model, options: .init(threads: 2)).run(inputs: [image])
        for (a, b) in zip(one, two) {
            let worst = zip(a, b).map { abs($0 - $1) / max(1, abs($0)) }.max() ?? 0
            #expect(worst < 1e-4)
        }
        #expect(throws: RuntimeError.self) { try LiteRtCompiledModel(model: model, options: .init(threads: 0)) }
    }

    @Test("wrong input count or size is a RuntimeError")
    func wrongInputs() throws {
        try requireModels(.liteRt, .blazePose)
        let model = try LiteRtModel(runtime: SharedRuntimes.liteRt(), path: TestEnvironment.poseDetectionPath)
        let compiled = try LiteRtCompiledModel(model: model)
        #expect(throws: RuntimeError.self) { try compiled.run(inputs: []) }
        #expect(throws: RuntimeError.self) { try compiled.run(inputs: [[1, 2, 3]]) }
        #expect(throws: RuntimeError.self) { try compiled.withInputBuffer(1) { _ in } }
        #expect(throws: RuntimeError.self) { try compiled.withOutputBuffer(2) { _ in } }
        // Running while an input is still locked (run() called from inside withInputBuffer) is
        // refused by LiteRT with a status, not a deadlock or a crash.
        let error = #expect(throws: RuntimeError.self) {
            try compiled.withInputBuffer(0) { (_) throws(RuntimeError) in try compiled.run() }
        }
        if case let .liteRt(status, what)? = error {
            #expect(status != 0)
            #expect(what.contains("LiteRtRunCompiledModel"))
        } else {
            Issue.record("expected .liteRt, got \(String(describing: error))")
        }
        // …and the model still works afterwards.
        #expect(try compiled.run(inputs: [[Float](repeating: 0, count: 224 * 224 * 3)]).count == 2)
    }

    @Test("a corrupt .tflite is a clear LiteRT error, a missing one names the file")
    func corruptModel() throws {
        try requireModels(.liteRt, .blazePose)
        let runtime = try SharedRuntimes.liteRt()
        let dir = TestEnvironment.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }

        let garbage = dir.appendingPathComponent("garbage.tflite")
        var generator = SplitMix64(seed: 1)
        try Data((0..<4096).map { _ in UInt8(truncatingIfNeeded: generator.next()) }).write(to: garbage)
        let error = #expect(throws: RuntimeError.self) { try LiteRtModel(runtime: runtime, path: garbage.path) }
        guard case let .liteRt(status, what) = error else {
            Issue.record("expected .liteRt, got \(String(describing: error))")
            return
        }
        #expect(status != 0)
        #expect(what.contains(garbage.path))

        let truncated = dir.appendingPathComponent("truncated.tflite")
        let original = try Data(contentsOf: URL(fileURLWithPath: TestEnvironment.poseDetectionPath))
        try original.prefix(2048).write(to: truncated)
        #expect(throws: RuntimeError.self) { try LiteRtModel(runtime: runtime, path: truncated.path) }

        let missing = dir.appendingPathComponent("missing.tflite").path
        #expect(throws: RuntimeError.fileMissing(path: missing, hint: RuntimeError.fetchModelsHint)) {
            try LiteRtModel(runtime: runtime, path: missing)
        }
    }

    @Test("models and compiled models can be dropped in any order")
    func lifetimes() throws {
        try requireModels(.liteRt, .blazePose)
        var compiled: LiteRtCompiledModel?
        do {
            // Runtime and model references go away here; the compiled model keeps them alive.
            let runtime = try LiteRtRuntime(modelsDirectory: TestEnvironment.modelsDirectory)
            let model = try LiteRtModel(runtime: runtime, path: TestEnvironment.poseDetectionPath)
            compiled = try LiteRtCompiledModel(model: model)
        }
        let out = try #require(compiled).run(inputs: [[Float](repeating: 0, count: 224 * 224 * 3)])
        #expect(out.count == 2)
        compiled = nil
    }
}
