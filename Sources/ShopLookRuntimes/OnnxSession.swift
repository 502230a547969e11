import Foundation

/// One ONNX model loaded into an `OrtSession`, run on the CPU with float32 tensors.
///
/// **Not thread-safe**: use one instance from one thread at a time (the project runs it on a
/// dedicated thread behind an actor). All calls block until ONNX Runtime returns.
/// The session keeps its ``OnnxRuntime`` (and so the `OrtEnv`) alive; `deinit` releases the
/// session first, the environment goes with the last reference to the runtime.
public final class OnnxSession {
    public let runtime: OnnxRuntime
    public let options: OnnxSessionOptions
    /// Model inputs in the model's order, with dynamic dimensions as -1.
    public let inputs: [TensorInfo]
    /// Model outputs in the model's order, with dynamic dimensions as -1.
    public let outputs: [TensorInfo]

    let session: OpaquePointer
    private var api: OrtApiTable { runtime.api }

    /// Loads the model file at `modelPath`.
    public convenience init(
        runtime: OnnxRuntime, modelPath: String, options: OnnxSessionOptions = OnnxSessionOptions()
    ) throws(RuntimeError) {
        guard FileManager.default.fileExists(atPath: modelPath) else {
            throw .fileMissing(path: modelPath, hint: RuntimeError.fetchModelsHint)
        }
        try self.init(runtime: runtime, options: options) { api, env, sessionOptions, out in
            api.createSession(env, modelPath, sessionOptions, out)
        }
    }

    /// Loads a model from its serialized bytes (read during the call only).
    public convenience init(
        runtime: OnnxRuntime, modelBytes: [UInt8], options: OnnxSessionOptions = OnnxSessionOptions()
    ) throws(RuntimeError) {
        try self.init(runtime: runtime, options: options) { api, env, sessionOptions, out in
            modelBytes.withUnsafeBytes { bytes in
                api.createSessionFromArray(env, bytes.baseAddress, bytes.count, sessionOptions, out)
            }
        }
    }

    private init(
        runtime: OnnxRuntime,
        options: OnnxSessionOptions,
        create: (OrtApiTable, OpaquePointer, OpaquePointer, UnsafeMutablePointer<OpaquePointer?>) -> OrtStatusPtr
    ) throws(RuntimeError) {
        self.runtime = runtime
        self.options = options
        let api = runtime.api
        guard options.intraOpThreads >= 0, options.interOpThreads >= 0,
              options.intraOpThreads <= Int(Int32.max), options.interOpThreads <= Int(Int32.max)
        else {
            throw .invalidArgument("thread counts must be >= 0 (0 = ONNX Runtime's default)")
        }

        var sessionOptions: OpaquePointer?
        try api.check(api.createSessionOptions(&sessionOptions))
        guard let sessionOptions else { throw .onnxRuntime(code: 1, message: "CreateSessionOptions gave NULL") }
        defer { api.releaseSessionOptions(sessionOptions) }  // the session keeps its own copy

        try api.check(api.setIntraOpNumThreads(sessionOptions, Int32(options.intraOpThreads)))
        try api.check(api.setInterOpNumThreads(sessionOptions, Int32(options.interOpThreads)))
        try api.check(api.setSessionExecutionMode(sessionOptions, 0 /* ORT_SEQUENTIAL */))
        try api.check(options.memoryPattern ? api.enableMemPattern(sessionOptions) : api.disableMemPattern(sessionOptions))
        try api.check(api.setSessionGraphOptimizationLevel(sessionOptions, options.graphOptimization.rawValue))
        let spin = options.allowSpinning ? "1" : "0"
        try api.check(api.addSessionConfigEntry(sessionOptions, "session.intra_op.allow_spinning", spin))
        try api.check(api.addSessionConfigEntry(sessionOptions, "session.inter_op.allow_spinning", spin))
        for (key, value) in options.extraConfigEntries.sorted(by: { $0.key < $1.key }) {
            try api.check(api.addSessionConfigEntry(sessionOptions, key, value))
        }

        var session: OpaquePointer?
        try api.check(create(api, runtime.env, sessionOptions, &session))
        guard let session else { throw .onnxRuntime(code: 1, message: "session creation gave NULL") }

        do {
            inputs = try OnnxSession.describe(api: api, session: session, allocator: runtime.defaultAllocator, inputs: true)
            outputs = try OnnxSession.describe(api: api, session: session, allocator: runtime.defaultAllocator, inputs: false)
        } catch {
            api.releaseSession(session)
            throw error
        }
        self.session = session
    }

    deinit {
        api.releaseSession(session)
    }

    /// Runs the model.
    ///
    /// - Parameters:
    ///   - inputs: input name → tensor. Names and shapes are checked by ONNX Runtime (its message
    ///     comes back as `.onnxRuntime`); a shape that does not match its data count is
    ///     `.invalidArgument`.
    ///   - outputs: names of the outputs wanted; empty means all, in model order.
    /// - Returns: output name → tensor (float32 outputs only).
    public func run(inputs: [String: FloatTensor], outputs wanted: [String] = []) throws(RuntimeError) -> [String: FloatTensor] {
        let inputNames = inputs.keys.sorted()
        let tensors = inputNames.map { inputs[$0]! }
        for (name, tensor) in zip(inputNames, tensors) {
            try tensor.validate("input \"\(name)\"")
        }
        let outputNames = wanted.isEmpty ? outputs.map(\.name) : wanted
        guard !outputNames.isEmpty else { return [:] }

        let inputCNames = CStringArray(inputNames)
        let outputCNames = CStringArray(outputNames)
        var outputValues = [OpaquePointer?](repeating: nil, count: outputNames.count)
        defer { for value in outputValues where value != nil { api.releaseValue(value) } }

        let result: Result<Void, RuntimeError> = withInputValues(tensors, index: 0, values: []) { inputValues in
            inputValues.withUnsafeBufferPointer { values in
                outputValues.withUnsafeMutableBufferPointer { outs in
                    do throws(RuntimeError) {
                        try api.check(api.run(
                            session, nil,
                            inputCNames.pointers, values.baseAddress, values.count,
                            outputCNames.pointers, outs.count, outs.baseAddress))
                        return .success(())
                    } catch {
                        return .failure(error)
                    }
                }
            }
        }
        try result.get()

        var results: [String: FloatTensor] = [:]
        for (name, value) in zip(outputNames, outputValues) {
            results[name] = try readFloatTensor(value, name: name)
        }
        return results
    }

    /// Creates a ``OnnxPreparedRun`` for fixed shapes: buffers and `OrtValue`s are made once and
    /// every ``OnnxPreparedRun/run()`` writes the outputs into them in place.
    ///
    /// - Parameters:
    ///   - inputShapes: a concrete shape for every model input.
    ///   - outputShapes: a concrete shape for every output wanted. When nil: all outputs, with
    ///     their model shapes, a dynamic first dimension taken from the first input's first
    ///     dimension (the batch); any other dynamic dimension is an error.
    public func prepare(
        inputShapes: [String: [Int]], outputShapes: [String: [Int]]? = nil
    ) throws(RuntimeError) -> OnnxPreparedRun {
        var inputInfos: [TensorInfo] = []
        for input in inputs {
            guard let shape = inputShapes[input.name] else {
                throw .invalidArgument("prepare: no shape for input \"\(input.name)\"")
            }
            inputInfos.append(TensorInfo(name: input.name, elementType: input.elementType, shape: shape))
        }
        for name in inputShapes.keys where !inputs.contains(where: { $0.name == name }) {
            throw .invalidArgument("prepare: the model has no input \"\(name)\" (inputs: \(inputs.map(\.name)))")
        }

        var outputInfos: [TensorInfo] = []
        if let outputShapes {
            for output in outputs where outputShapes[output.name] != nil {
                outputInfos.append(TensorInfo(name: output.name, elementType: output.elementType, shape: outputShapes[output.name]!))
            }
            for name in outputShapes.keys where !outputs.contains(where: { $0.name == name }) {
                throw .invalidArgument("prepare: the model has no output \"\(name)\" (outputs: \(outputs.map(\.name)))")
            }
        } else {
            let batch = inputInfos.first?.shape.first
            for output in outputs {
                var shape = output.shape
                if let first = shape.first, first < 0, let batch { shape[0] = batch }
                if shape.contains(where: { $0 < 0 }) {
                    throw .invalidArgument("prepare: output \"\(output.name)\" has dynamic dimensions \(output.shape); pass outputShapes")
                }
                outputInfos.append(TensorInfo(name: output.name, elementType: output.elementType, shape: shape))
            }
        }
        for info in inputInfos + outputInfos {
            if info.elementType != .float32 {
                throw .invalidArgument("prepare: \(info.name) is \(info.elementType); only float32 is supported")
            }
            if info.shape.contains(where: { $0 < 0 }) {
                throw .invalidArgument("prepare: \(info.name) needs a concrete shape, got \(info.shape)")
            }
        }
        return try OnnxPreparedRun(session: self, inputs: inputInfos, outputs: outputInfos)
    }

    // MARK: - Internals

    /// Calls `body` with `OrtValue`s over the tensors' own storage (no copy); releases them after.
    private func withInputValues<R>(
        _ tensors: [FloatTensor], index: Int, values: [OpaquePointer?],
        _ body: ([OpaquePointer?]) -> Result<R, RuntimeError>
    ) -> Result<R, RuntimeError> {
        if index == tensors.count { return body(values) }
        let tensor = tensors[index]
        return tensor.data.withUnsafeBufferPointer { data -> Result<R, RuntimeError> in
            let value: OpaquePointer
            do throws(RuntimeError) {
                value = try makeTensorValue(
                    UnsafeMutableRawPointer(mutating: data.baseAddress), count: data.count, shape: tensor.shape)
            } catch {
                return .failure(error)
            }
            defer { api.releaseValue(value) }
            return withInputValues(tensors, index: index + 1, values: values + [value], body)
        }
    }

    /// `CreateTensorWithDataAsOrtValue` over caller memory (which must outlive the value).
    func makeTensorValue(_ data: UnsafeMutableRawPointer?, count: Int, shape: [Int]) throws(RuntimeError) -> OpaquePointer {
        // ORT rejects a NULL data pointer even for empty tensors; point at a dummy then.
        var dummy: Float = 0
        let dims = shape.map(Int64.init)
        var value: OpaquePointer?
        let status = withUnsafeMutablePointer(to: &dummy) { dummyPointer in
            dims.withUnsafeBufferPointer { dimsPointer in
                api.createTensorWithDataAsOrtValue(
                    runtime.cpuMemoryInfo, data ?? UnsafeMutableRawPointer(dummyPointer),
                    count * MemoryLayout<Float>.stride, dimsPointer.baseAddress, dims.count,
                    OrtElementType.float, &value)
            }
        }
        try api.check(status)
        guard let value else { throw .onnxRuntime(code: 1, message: "CreateTensorWithDataAsOrtValue gave NULL") }
        return value
    }

    private func readFloatTensor(_ value: OpaquePointer?, name: String) throws(RuntimeError) -> FloatTensor {
        var info: OpaquePointer?
        try api.check(api.getTensorTypeAndShape(value, &info))
        defer { api.releaseTensorTypeAndShapeInfo(info) }
        let (elementType, shape) = try OnnxSession.typeAndShape(api: api, info: info)
        guard elementType == OrtElementType.float else {
            throw .invalidArgument("output \"\(name)\" is \(OrtElementType.swiftType(elementType)); only float32 is supported")
        }
        let count = FloatTensor.count(of: shape)
        var raw: UnsafeMutableRawPointer?
        try api.check(api.getTensorMutableData(value, &raw))
        guard count == 0 || raw != nil else { throw .onnxRuntime(code: 1, message: "GetTensorMutableData gave NULL") }
        let data = count == 0 ? [] : Array(UnsafeBufferPointer(start: raw!.assumingMemoryBound(to: Float.self), count: count))
        return FloatTensor(shape: shape, data: data)
    }

    static func typeAndShape(api: OrtApiTable, info: OpaquePointer?) throws(RuntimeError) -> (Int32, [Int]) {
        var elementType: Int32 = 0
        try api.check(api.getTensorElementType(info, &elementType))
        var rank = 0
        try api.check(api.getDimensionsCount(info, &rank))
        var dims = [Int64](repeating: 0, count: rank)
        if rank > 0 {
            let status = dims.withUnsafeMutableBufferPointer { api.getDimensions(info, $0.baseAddress, rank) }
            try api.check(status)
        }
        return (elementType, dims.map { Int($0) })
    }

    private static func describe(
        api: OrtApiTable, session: OpaquePointer, allocator: OpaquePointer, inputs: Bool
    ) throws(RuntimeError) -> [TensorInfo] {
        var count = 0
        try api.check(inputs ? api.sessionGetInputCount(session, &count) : api.sessionGetOutputCount(session, &count))
        var infos: [TensorInfo] = []
        for index in 0..<count {
            var cName: UnsafeMutablePointer<CChar>?
            try api.check(inputs
                ? api.sessionGetInputName(session, index, allocator, &cName)
                : api.sessionGetOutputName(session, index, allocator, &cName))
            let name = cName.map { String(cString: $0) } ?? ""
            if let cName {
                // Names are allocated with the allocator passed in and must go back to it.
                try api.check(api.allocatorFree(allocator, UnsafeMutableRawPointer(cName)))
            }

            var typeInfo: OpaquePointer?
            try api.check(inputs
                ? api.sessionGetInputTypeInfo(session, index, &typeInfo)
                : api.sessionGetOutputTypeInfo(session, index, &typeInfo))
            defer { api.releaseTypeInfo(typeInfo) }
            var tensorInfo: OpaquePointer?  // owned by typeInfo; NULL for non-tensor types
            try api.check(api.castTypeInfoToTensorInfo(typeInfo, &tensorInfo))
            if let tensorInfo {
                let (elementType, shape) = try typeAndShape(api: api, info: tensorInfo)
                infos.append(TensorInfo(name: name, elementType: OrtElementType.swiftType(elementType), shape: shape))
            } else {
                infos.append(TensorInfo(name: name, elementType: .other(-1), shape: []))
            }
        }
        return infos
    }
}

@available(*, unavailable, message: "OnnxSession is not thread-safe; keep it on one thread (or actor)")
extension OnnxSession: Sendable {}

/// A run of an ``OnnxSession`` with fixed shapes whose input and output tensors live in buffers
/// made once (64-byte aligned, Swift-owned), wrapped in `OrtValue`s made once.
///
/// Write inputs in place with ``withInputBuffer(_:_:)``, call ``run()``, read outputs in place
/// with ``withOutputBuffer(_:_:)``: no allocation per run. Not thread-safe, like its session,
/// which it keeps alive. `deinit` releases the `OrtValue`s, then the buffers.
public final class OnnxPreparedRun {
    public let session: OnnxSession
    /// Inputs (model order) with the concrete shapes given to `prepare`.
    public let inputs: [TensorInfo]
    /// Outputs produced by ``run()`` (model order), with concrete shapes.
    public let outputs: [TensorInfo]

    private let inputBuffers: [UnsafeMutableBufferPointer<Float>]
    private let outputBuffers: [UnsafeMutableBufferPointer<Float>]
    private var inputValues: [OpaquePointer?] = []
    private var outputValues: [OpaquePointer?] = []
    private let inputNames: CStringArray
    private let outputNames: CStringArray

    init(session: OnnxSession, inputs: [TensorInfo], outputs: [TensorInfo]) throws(RuntimeError) {
        self.session = session
        self.inputs = inputs
        self.outputs = outputs
        inputBuffers = inputs.map { AlignedMemory.allocateFloats(FloatTensor.count(of: $0.shape)) }
        outputBuffers = outputs.map { AlignedMemory.allocateFloats(FloatTensor.count(of: $0.shape)) }
        inputNames = CStringArray(inputs.map(\.name))
        outputNames = CStringArray(outputs.map(\.name))
        // On a throw below, deinit runs and releases whatever was made so far.
        for (info, buffer) in zip(inputs, inputBuffers) {
            inputValues.append(try session.makeTensorValue(UnsafeMutableRawPointer(buffer.baseAddress), count: buffer.count, shape: info.shape))
        }
        for (info, buffer) in zip(outputs, outputBuffers) {
            outputValues.append(try session.makeTensorValue(UnsafeMutableRawPointer(buffer.baseAddress), count: buffer.count, shape: info.shape))
        }
    }

    deinit {
        for value in inputValues + outputValues { session.runtime.api.releaseValue(value) }
        for buffer in inputBuffers + outputBuffers { AlignedMemory.release(buffer) }
    }

    /// Index of the input called `name`.
    public func inputIndex(_ name: String) throws(RuntimeError) -> Int {
        guard let index = inputs.firstIndex(where: { $0.name == name }) else {
            throw .invalidArgument("no input \"\(name)\" (inputs: \(inputs.map(\.name)))")
        }
        return index
    }

    /// Index of the output called `name`.
    public func outputIndex(_ name: String) throws(RuntimeError) -> Int {
        guard let index = outputs.firstIndex(where: { $0.name == name }) else {
            throw .invalidArgument("no output \"\(name)\" (outputs: \(outputs.map(\.name)))")
        }
        return index
    }

    /// The storage of input `index` (row-major, `inputs[index].shape`), to fill before ``run()``.
    /// Do not let the pointer escape `body`.
    public func withInputBuffer<R, E: Error>(
        _ index: Int, _ body: (UnsafeMutableBufferPointer<Float>) throws(E) -> R
    ) throws(E) -> R {
        try body(inputBuffers[index])
    }

    /// Runs the model, writing every output into its buffer.
    public func run() throws(RuntimeError) {
        let api = session.runtime.api
        let status = inputValues.withUnsafeBufferPointer { ins in
            outputValues.withUnsafeMutableBufferPointer { outs in
                api.run(
                    session.session, nil,
                    inputNames.pointers, ins.baseAddress, ins.count,
                    outputNames.pointers, outs.count, outs.baseAddress)
            }
        }
        try api.check(status)
    }

    /// The storage of output `index` as written by the last ``run()``.
    /// Do not let the pointer escape `body`.
    public func withOutputBuffer<R, E: Error>(
        _ index: Int, _ body: (UnsafeBufferPointer<Float>) throws(E) -> R
    ) throws(E) -> R {
        try body(UnsafeBufferPointer(outputBuffers[index]))
    }
}

@available(*, unavailable, message: "OnnxPreparedRun is not thread-safe; keep it on one thread (or actor)")
extension OnnxPreparedRun: Sendable {}

/// NUL-terminated copies of strings with a stable `const char* const*` to them.
final class CStringArray {
    private let storage: UnsafeMutablePointer<UnsafePointer<CChar>?>
    private let count: Int

    init(_ strings: [String]) {
        count = strings.count
        storage = .allocate(capacity: max(count, 1))
        for (index, string) in strings.enumerated() {
            storage[index] = UnsafePointer(AlignedMemory.mallocCString(string))
        }
    }

    var pointers: UnsafePointer<UnsafePointer<CChar>?> { UnsafePointer(storage) }

    deinit {
        for index in 0..<count { free(UnsafeMutableRawPointer(mutating: storage[index])) }
        storage.deallocate()
    }
}
