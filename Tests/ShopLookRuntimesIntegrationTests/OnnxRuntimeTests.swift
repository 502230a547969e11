import ShopLookCore
import ShopLookTestSupport
import Foundation
import Testing
@testable import ShopLookRuntimes

@Suite("ONNX Runtime", .requiresModels)
struct OnnxRuntimeTests {
    /// Rows of small integers and halves: exact in float32 through the dense model.
    static let features: [Float] = [
        1, 2, -1, 0.5,
        -3, 0.5, 2, 1,
        0, 0, 0, 0,
    ]

    @Test("the library loads, the API table probes fine")
    func loads() throws {
        let runtime = try SharedRuntimes.onnx()
        #expect(runtime.version.hasPrefix("1."))
        #expect(runtime.apiVersion >= Int(OrtApiTable.minimumApiVersion))
        #expect(runtime.apiVersion <= Int(OrtApiTable.maximumApiVersion))
    }

    @Test("input/output names and shapes are read from the session")
    func namesAndShapes() throws {
        try TestModels.dumpIfRequested()
        let runtime = try SharedRuntimes.onnx()
        let dense = try OnnxSession(runtime: runtime, modelBytes: TestModels.dense())
        #expect(dense.inputs == [TensorInfo(name: "features", elementType: .float32, shape: [-1, 4])])
        #expect(dense.outputs == [TensorInfo(name: "activations", elementType: .float32, shape: [-1, 3])])

        let two = try OnnxSession(runtime: runtime, modelBytes: TestModels.twoOutputs())
        #expect(two.inputs.map(\.name) == ["x"])
        #expect(two.outputs == [
            TensorInfo(name: "doubled", elementType: .float32, shape: [-1, 3]),
            TensorInfo(name: "total", elementType: .float32, shape: [-1, 1]),
        ])
    }

    @Test("the test-built model gives exactly the numbers computed in Swift")
    func exactSingle() throws {
        let session = try OnnxSession(runtime: SharedRuntimes.onnx(), modelBytes: TestModels.dense())
        let input = Array(Self.features[0..<4])
        let out = try session.run(inputs: ["features": FloatTensor(shape: [1, 4], data: input)], outputs: ["activations"])
        let expected = TestModels.denseExpected(input, batch: 1)
        #expect(out["activations"] == FloatTensor(shape: [1, 3], data: expected))
        // By hand: [1, 2, -1, .5]·W + b = [6.5, -2, 1.375]; Relu → [6.5, 0, 1.375]
        #expect(expected == [6.5, 0, 1.375])
    }

    @Test("a batch of 3 works and every row matches")
    func batchOfThree() throws {
        let session = try OnnxSession(runtime: SharedRuntimes.onnx(), modelBytes: TestModels.dense())
        let out = try session.run(inputs: ["features": FloatTensor(shape: [3, 4], data: Self.features)])
        let result = try #require(out["activations"])
        #expect(result.shape == [3, 3])
        #expect(result.data == TestModels.denseExpected(Self.features, batch: 3))
        #expect(result.data[6..<9] == [0.5, 0, 1])  // zero row → Relu(bias)
    }

    @Test("a model with two outputs of different shapes")
    func twoOutputs() throws {
        let session = try OnnxSession(runtime: SharedRuntimes.onnx(), modelBytes: TestModels.twoOutputs())
        let x: [Float] = [1, 2, 3, -4, 0.5, 0.25]
        let out = try session.run(inputs: ["x": FloatTensor(shape: [2, 3], data: x)])
        #expect(out["doubled"] == FloatTensor(shape: [2, 3], data: x.map { $0 * 2 }))
        #expect(out["total"] == FloatTensor(shape: [2, 1], data: [6, -3.25]))
        let onlyTotal = try session.run(inputs: ["x": FloatTensor(shape: [2, 3], data: x)], outputs: ["total"])
        #expect(Array(onlyTotal.keys) == ["total"])
    }

    @Test("a model loads from a file path too")
    func fromFile() throws {
        let runtime = try SharedRuntimes.onnx()
        let dir = TestEnvironment.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("dense.onnx")
        try Data(TestModels.dense()).write(to: file)
        let session = try OnnxSession(runtime: runtime, modelPath: file.path)
        let out = try session.run(inputs: ["features": FloatTensor(shape: [3, 4], data: Self.features)])
        #expect(out["activations"]?.data == TestModels.denseExpected(Self.features, batch: 3))

        let missing = dir.appendingPathComponent("nope.onnx").path
        #expect(throws: RuntimeError.fileMissing(path: missing, hint: RuntimeError.fetchModelsHint)) {
            try OnnxSession(runtime: runtime, modelPath: missing)
        }
    }

    @Test("a wrong input name is a RuntimeError carrying ORT's message")
    func wrongInputName() throws {
        let session = try OnnxSession(runtime: SharedRuntimes.onnx(), modelBytes: TestModels.dense())
        let error = #expect(throws: RuntimeError.self) {
            try session.run(inputs: ["nope": FloatTensor(shape: [1, 4], repeating: 1)])
        }
        guard case let .onnxRuntime(code, message) = error else {
            Issue.record("expected .onnxRuntime, got \(String(describing: error))")
            return
        }
        #expect(code == 2)  // ORT_INVALID_ARGUMENT
        #expect(message.contains("nope"))
    }

    @Test("a wrong shape is a RuntimeError carrying ORT's message")
    func wrongShape() throws {
        let session = try OnnxSession(runtime: SharedRuntimes.onnx(), modelBytes: TestModels.dense())
        let error = #expect(throws: RuntimeError.self) {
            try session.run(inputs: ["features": FloatTensor(shape: [2, 5], repeating: 1)])
        }
        guard case let .onnxRuntime(code, message) = error else {
            Issue.record("expected .onnxRuntime, got \(String(describing: error))")
            return
        }
        #expect(code == 2)
        #expect(message.contains("features"))
        #expect(message.lowercased().contains("dimension"))

        // A shape that does not match the data is caught before ORT sees it.
        #expect(throws: RuntimeError.self) {
            try session.run(inputs: ["features": FloatTensor(shape: [2, 4], data: [1, 2, 3])])
        }
    }

    @Test("garbage model bytes are a RuntimeError, not a crash")
    func garbageModel() throws {
        let runtime = try SharedRuntimes.onnx()
        #expect(throws: RuntimeError.self) {
            try OnnxSession(runtime: runtime, modelBytes: Array("definitely not protobuf".utf8))
        }
    }

    @Test("1 and 2 intra-op threads, spinning or not, with or without the memory pattern, give identical outputs")
    func threadCounts() throws {
        let runtime = try SharedRuntimes.onnx()
        let batch = 256
        var generator = SplitMix64(seed: 42)
        let input = (0..<(batch * 4)).map { _ in Float(generator.nextUnit() * 8 - 4) }
        var results: [FloatTensor] = []
        for threads in [1, 2] {
            for spin in [false, true] {
                for pattern in [false, true] {
                    let options = OnnxSessionOptions(intraOpThreads: threads, allowSpinning: spin, memoryPattern: pattern)
                    let session = try OnnxSession(runtime: runtime, modelBytes: TestModels.dense(), options: options)
                    #expect(session.options.intraOpThreads == threads)
                    let out = try session.run(inputs: ["features": FloatTensor(shape: [batch, 4], data: input)])
                    results.append(try #require(out["activations"]))
                }
            }
        }
        for result in results.dropFirst() { #expect(result == results[0]) }
        #expect(results[0].shape == [batch, 3])
    }

    @Test("session config entries (OrtApi slot 130, AddSessionConfigEntry) reach the session")
    func configEntriesTakeEffect() throws {
        let runtime = try SharedRuntimes.onnx()
        let dir = TestEnvironment.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("dense.onnx")
        try Data(TestModels.dense()).write(to: file)
        // Observable effect: told the file is in ORT format, ORT refuses the ONNX file.
        let ortFormat = OnnxSessionOptions(extraConfigEntries: ["session.load_model_format": "ORT"])
        let error = #expect(throws: RuntimeError.self) {
            try OnnxSession(runtime: runtime, modelPath: file.path, options: ortFormat)
        }
        if case .onnxRuntime(_, let message)? = error {
            #expect(message.contains("ORT model verification failed") || message.lowercased().contains("ort format"))
        } else {
            Issue.record("expected .onnxRuntime, got \(String(describing: error))")
        }
        let onnxFormat = OnnxSessionOptions(extraConfigEntries: ["session.load_model_format": "ONNX"])
        _ = try OnnxSession(runtime: runtime, modelPath: file.path, options: onnxFormat)
    }

    @Test("prepared run writes into caller-visible buffers, repeatedly")
    func preparedRun() throws {
        let session = try OnnxSession(runtime: SharedRuntimes.onnx(), modelBytes: TestModels.dense())
        let prepared = try session.prepare(inputShapes: ["features": [3, 4]])
        #expect(prepared.inputs.map(\.shape) == [[3, 4]])
        #expect(prepared.outputs == [TensorInfo(name: "activations", elementType: .float32, shape: [3, 3])])
        #expect(try prepared.inputIndex("features") == 0)
        #expect(try prepared.outputIndex("activations") == 0)

        for scale in [Float(1), 2, -1] {
            let input = Self.features.map { $0 * scale }
            prepared.withInputBuffer(0) { buffer in
                #expect(Int(bitPattern: buffer.baseAddress) % 64 == 0)
                _ = buffer.update(fromContentsOf: input)
            }
            try prepared.run()
            let out = prepared.withOutputBuffer(0) { Array($0) }
            #expect(out == TestModels.denseExpected(input, batch: 3))
        }

        let two = try OnnxSession(runtime: SharedRuntimes.onnx(), modelBytes: TestModels.twoOutputs())
        let preparedTwo = try two.prepare(inputShapes: ["x": [1, 3]], outputShapes: ["total": [1, 1]])
        #expect(preparedTwo.outputs.map(\.name) == ["total"])
        preparedTwo.withInputBuffer(0) { _ = $0.update(fromContentsOf: [1, 2, 4] as [Float]) }
        try preparedTwo.run()
        #expect(preparedTwo.withOutputBuffer(0) { Array($0) } == [7])

        #expect(throws: RuntimeError.self) { try session.prepare(inputShapes: [:]) }
        #expect(throws: RuntimeError.self) { try session.prepare(inputShapes: ["features": [1, 4], "extra": [1]]) }
        // Wrong fixed shape: ORT rejects it at run time with its own message.
        let wrong = try session.prepare(inputShapes: ["features": [1, 5]], outputShapes: ["activations": [1, 3]])
        #expect(throws: RuntimeError.self) { try wrong.run() }
    }
}
