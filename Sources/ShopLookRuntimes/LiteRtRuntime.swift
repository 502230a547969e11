import Foundation

/// A loaded LiteRT (`libLiteRt.so`): its entry points and one `LiteRtEnvironment`.
///
/// Models and compiled models keep it alive, so the environment is destroyed after the last of
/// them. Share one per process.
public final class LiteRtRuntime: @unchecked Sendable {
    // @unchecked: immutable after init. The environment is only passed to LiteRT calls that
    // create models / compiled models / buffers; compiled-model creation is serialised inside
    // LiteRT by a global mutex.

    public let library: RuntimeLibrary
    let functions: LiteRtFunctions
    let environment: OpaquePointer

    /// Loads the library at `path`.
    public convenience init(libraryPath: String) throws(RuntimeError) {
        try self.init(library: RuntimeLibrary.open(path: libraryPath))
    }

    /// Loads the library from its place under `modelsDirectory` (`litert/libLiteRt.so`).
    public convenience init(modelsDirectory: String) throws(RuntimeError) {
        try self.init(library: RuntimeLibrary.open(.liteRt, modelsDirectory: modelsDirectory))
    }

    /// Resolves the entry points of an opened library and creates the environment.
    public init(library: RuntimeLibrary) throws(RuntimeError) {
        self.library = library
        let functions = try LiteRtFunctions(library: library)
        var environment: OpaquePointer?
        try functions.check(functions.createEnvironment(0, nil, &environment), "LiteRtCreateEnvironment")
        guard let environment else { throw .liteRt(status: 9, what: "LiteRtCreateEnvironment gave NULL") }
        self.functions = functions
        self.environment = environment
    }

    deinit {
        functions.destroyEnvironment(environment)
    }
}

/// A `.tflite` model, read into memory and loaded (with flatbuffer verification) by
/// `LiteRtCreateModelFromBuffer`, described by its signature 0
/// (LiteRT synthesises one for models without signature defs).
///
/// Not thread-safe (see ``LiteRtCompiledModel``). Keeps its ``LiteRtRuntime`` alive; `deinit`
/// destroys the model, the environment goes with the last reference to the runtime.
public final class LiteRtModel {
    public let runtime: LiteRtRuntime
    public let path: String
    /// Inputs of signature 0, in order.
    public let inputs: [TensorInfo]
    /// Outputs of signature 0, in order.
    public let outputs: [TensorInfo]

    let model: OpaquePointer
    /// The file's bytes, referenced (not copied) by the LiteRT model; freed after it.
    private let fileContents: UnsafeMutableRawPointer
    /// Raw `LiteRtRankedTensorType` of every input / output (passed to buffer creation).
    let inputTypes: [RankedTensorTypeStorage]
    let outputTypes: [RankedTensorTypeStorage]
    static let signatureIndex = 0

    public init(runtime: LiteRtRuntime, path: String) throws(RuntimeError) {
        guard FileManager.default.fileExists(atPath: path) else {
            throw .fileMissing(path: path, hint: RuntimeError.fetchModelsHint)
        }
        self.runtime = runtime
        self.path = path
        let f = runtime.functions

        // Read the whole file into 64-byte-aligned memory the model keeps for its lifetime
        // (LiteRtCreateModelFromBuffer does not copy it) — see LiteRtFunctions on why not
        // LiteRtCreateModelFromFile.
        let contents: Data
        do {
            contents = try Data(contentsOf: URL(fileURLWithPath: path), options: .uncached)
        } catch {
            throw .liteRt(status: 500, what: "reading \(path): \(error.localizedDescription)")
        }
        guard !contents.isEmpty else { throw .liteRt(status: 501, what: "\(path) is empty — not a .tflite model") }
        let storage = AlignedMemory.allocateRaw(contents.count)
        contents.withUnsafeBytes { storage.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        var model: OpaquePointer?
        let status = f.createModelFromBuffer(runtime.environment, storage, contents.count, &model)
        guard status == LiteRtConstants.statusOk, let model else {
            AlignedMemory.releaseRaw(storage)
            throw .liteRt(status: status == 0 ? 9 : status,
                          what: "LiteRtCreateModelFromBuffer(\(path), \(contents.count) bytes) — not a valid .tflite model")
        }
        fileContents = storage

        do throws(RuntimeError) {
            var signatureCount = 0
            try f.check(f.getNumModelSignatures(model, &signatureCount), "LiteRtGetNumModelSignatures(\(path))")
            guard signatureCount > 0 else {
                throw RuntimeError.liteRt(status: 6, what: "\(path) has no signature")
            }
            var signature: OpaquePointer?
            try f.check(f.getModelSignature(model, LiteRtModel.signatureIndex, &signature), "LiteRtGetModelSignature(\(path), 0)")

            (inputs, inputTypes) = try LiteRtModel.describe(f, signature, inputs: true, path: path)
            (outputs, outputTypes) = try LiteRtModel.describe(f, signature, inputs: false, path: path)
        } catch {
            f.destroyModel(model)
            AlignedMemory.releaseRaw(storage)
            throw error
        }
        self.model = model
    }

    deinit {
        runtime.functions.destroyModel(model)
        AlignedMemory.releaseRaw(fileContents)
    }

    private static func describe(
        _ f: LiteRtFunctions, _ signature: OpaquePointer?, inputs: Bool, path: String
    ) throws(RuntimeError) -> ([TensorInfo], [RankedTensorTypeStorage]) {
        let side = inputs ? "input" : "output"
        var count = 0
        try f.check(
            inputs ? f.getNumSignatureInputs(signature, &count) : f.getNumSignatureOutputs(signature, &count),
            "LiteRtGetNumSignature\(inputs ? "Inputs" : "Outputs")(\(path))")
        var infos: [TensorInfo] = []
        var types: [RankedTensorTypeStorage] = []
        for index in 0..<count {
            var cName: UnsafePointer<CChar>?
            try f.check(
                inputs ? f.getSignatureInputName(signature, index, &cName) : f.getSignatureOutputName(signature, index, &cName),
                "LiteRtGetSignature\(inputs ? "Input" : "Output")Name(\(index))")
            let name = cName.map { String(cString: $0) } ?? "\(side)\(index)"
            var tensor: OpaquePointer?
            try f.check(
                inputs ? f.getSignatureInputTensorByIndex(signature, index, &tensor)
                       : f.getSignatureOutputTensorByIndex(signature, index, &tensor),
                "LiteRtGetSignature\(inputs ? "Input" : "Output")TensorByIndex(\(index))")
            var typeId: Int32 = -1
            try f.check(f.getTensorTypeId(tensor, &typeId), "LiteRtGetTensorTypeId(\(side) \(name))")
            guard typeId == LiteRtConstants.rankedTensorTypeId else {
                throw .invalidArgument("\(path): \(side) \"\(name)\" has no fixed rank (unranked tensors are not supported)")
            }
            let type = RankedTensorTypeStorage()
            try f.check(f.getRankedTensorType(tensor, type.raw), "LiteRtGetRankedTensorType(\(side) \(name))")
            infos.append(TensorInfo(name: name, elementType: LiteRtConstants.elementType(type.elementTypeCode), shape: type.dimensions))
            types.append(type)
        }
        return (infos, types)
    }
}

@available(*, unavailable, message: "LiteRtModel is not thread-safe; keep it on one thread (or actor)")
extension LiteRtModel: Sendable {}

/// A ``LiteRtModel`` compiled for the CPU (XNNPACK) with its input and output buffers.
///
/// The tensor buffers are LiteRT-managed host buffers (64-byte aligned), created once from the
/// compiled model's buffer requirements and reused by every run. Two ways to run:
/// - ``run(inputs:)``: copies `[[Float]]` in and out (simple, allocates the results);
/// - in place: ``withInputBuffer(_:_:)`` to fill each input, ``run()``, then
///   ``withOutputBuffer(_:_:)`` to read each output — the caller copies once.
///
/// Only float32 inputs and outputs of static shape are supported (both BlazePose models).
///
/// **Not thread-safe**: one instance must be used from one thread at a time; calls block.
/// `deinit` destroys the buffers, then the compiled model, then its options; the model and the
/// environment outlive it (it holds them).
public final class LiteRtCompiledModel {
    /// Compilation settings.
    public struct Options: Sendable, Equatable {
        /// XNNPACK thread count (set explicitly, as opaque "xnnpack" options `num_threads = N`).
        public var threads: Int
        /// Ask LiteRT to buffer its error reports (`error_reporter_mode = 2`) so that a failed
        /// run's messages go into the thrown error instead of stderr.
        public var captureErrorMessages: Bool

        public init(threads: Int = 1, captureErrorMessages: Bool = true) {
            self.threads = threads
            self.captureErrorMessages = captureErrorMessages
        }
    }

    public let model: LiteRtModel
    public let options: Options
    public var inputs: [TensorInfo] { model.inputs }
    public var outputs: [TensorInfo] { model.outputs }

    private let compiledModel: OpaquePointer
    private let compilationOptions: OpaquePointer
    private var inputBuffers: [OpaquePointer?] = []
    private var outputBuffers: [OpaquePointer?] = []
    private let inputCounts: [Int]
    private let outputCounts: [Int]
    private var f: LiteRtFunctions { model.runtime.functions }

    public init(model: LiteRtModel, options: Options = Options()) throws(RuntimeError) {
        self.model = model
        self.options = options
        let f = model.runtime.functions
        guard options.threads >= 1 else { throw .invalidArgument("threads must be >= 1, got \(options.threads)") }
        for info in model.inputs + model.outputs {
            guard info.elementType == .float32 else {
                throw .invalidArgument("\(model.path): \(info.name) is \(info.elementType); only float32 is supported")
            }
            guard info.elementCount != nil else {
                throw .invalidArgument("\(model.path): \(info.name) has a dynamic shape \(info.shape); only static shapes are supported")
            }
        }
        inputCounts = model.inputs.map { $0.elementCount! }
        outputCounts = model.outputs.map { $0.elementCount! }

        var compilationOptions: OpaquePointer?
        try f.check(f.createOptions(&compilationOptions), "LiteRtCreateOptions")
        guard let compilationOptions else { throw .liteRt(status: 9, what: "LiteRtCreateOptions gave NULL") }
        var compiled: OpaquePointer?
        do throws(RuntimeError) {
            try f.check(f.setOptionsHardwareAccelerators(compilationOptions, LiteRtConstants.hardwareAcceleratorCpu),
                        "LiteRtSetOptionsHardwareAccelerators(CPU)")
            try LiteRtCompiledModel.addOpaque(f, compilationOptions, LiteRtConstants.cpuOptionsIdentifier,
                                              "num_threads = \(options.threads)\n")
            if options.captureErrorMessages, f.compiledModelGetErrorMessages != nil {
                try LiteRtCompiledModel.addOpaque(f, compilationOptions, LiteRtConstants.runtimeOptionsIdentifier,
                                                  "error_reporter_mode = \(LiteRtConstants.errorReporterModeBuffer)\n")
            }
            try f.check(f.createCompiledModel(model.runtime.environment, model.model, compilationOptions, &compiled),
                        "LiteRtCreateCompiledModel(\(model.path))")
            guard compiled != nil else { throw RuntimeError.liteRt(status: 9, what: "LiteRtCreateCompiledModel gave NULL") }
        } catch {
            f.destroyOptions(compilationOptions)
            throw error
        }
        self.compilationOptions = compilationOptions
        self.compiledModel = compiled!

        // From here on deinit cleans up whatever was created if a step throws.
        for index in model.inputs.indices {
            inputBuffers.append(try makeBuffer(index: index, input: true))
        }
        for index in model.outputs.indices {
            outputBuffers.append(try makeBuffer(index: index, input: false))
        }
    }

    deinit {
        let f = model.runtime.functions
        for buffer in inputBuffers + outputBuffers { f.destroyTensorBuffer(buffer) }
        f.destroyCompiledModel(compiledModel)
        f.destroyOptions(compilationOptions)
    }

    // MARK: Running

    /// Copies `inputs` (one flat row-major array per model input, in order) into the input
    /// buffers, runs, and returns a copy of every output.
    public func run(inputs values: [[Float]]) throws(RuntimeError) -> [[Float]] {
        guard values.count == inputCounts.count else {
            throw .invalidArgument("\(model.path): expected \(inputCounts.count) inputs, got \(values.count)")
        }
        for (index, value) in values.enumerated() {
            guard value.count == inputCounts[index] else {
                throw .invalidArgument("\(model.path): input \(index) (\(model.inputs[index])) needs \(inputCounts[index]) values, got \(value.count)")
            }
            try withInputBuffer(index) { (buffer: UnsafeMutableBufferPointer<Float>) in
                _ = value.withUnsafeBufferPointer { buffer.update(fromContentsOf: $0) }
            }
        }
        try run()
        var results: [[Float]] = []
        results.reserveCapacity(outputCounts.count)
        for index in outputCounts.indices {
            results.append(try withOutputBuffer(index) { (buffer: UnsafeBufferPointer<Float>) in Array(buffer) })
        }
        return results
    }

    /// Runs on whatever the input buffers hold; the outputs land in the output buffers.
    public func run() throws(RuntimeError) {
        let status = inputBuffers.withUnsafeMutableBufferPointer { ins in
            outputBuffers.withUnsafeMutableBufferPointer { outs in
                f.runCompiledModel(compiledModel, LiteRtModel.signatureIndex, ins.count, ins.baseAddress, outs.count, outs.baseAddress)
            }
        }
        if status != LiteRtConstants.statusOk {
            throw .liteRt(status: status, what: "LiteRtRunCompiledModel(\(model.path))" + collectedErrorMessages())
        }
    }

    /// Locks input `index` for writing and hands its storage (row-major, `inputs[index].shape`)
    /// to `body`; unlocks afterwards. Do not let the pointer escape `body`.
    public func withInputBuffer<R>(
        _ index: Int, _ body: (UnsafeMutableBufferPointer<Float>) throws(RuntimeError) -> R
    ) throws(RuntimeError) -> R {
        guard inputBuffers.indices.contains(index) else {
            throw .invalidArgument("\(model.path): no input \(index) (the model has \(inputBuffers.count))")
        }
        return try withLocked(inputBuffers[index], count: inputCounts[index], mode: LiteRtConstants.lockWrite,
                              what: "input \(index)") { (pointer) throws(RuntimeError) in
            try body(UnsafeMutableBufferPointer(start: pointer, count: inputCounts[index]))
        }
    }

    /// Locks output `index` for reading and hands its storage to `body`; unlocks afterwards.
    /// Do not let the pointer escape `body`.
    public func withOutputBuffer<R>(
        _ index: Int, _ body: (UnsafeBufferPointer<Float>) throws(RuntimeError) -> R
    ) throws(RuntimeError) -> R {
        guard outputBuffers.indices.contains(index) else {
            throw .invalidArgument("\(model.path): no output \(index) (the model has \(outputBuffers.count))")
        }
        return try withLocked(outputBuffers[index], count: outputCounts[index], mode: LiteRtConstants.lockRead,
                              what: "output \(index)") { (pointer) throws(RuntimeError) in
            try body(UnsafeBufferPointer(start: pointer, count: outputCounts[index]))
        }
    }

    // MARK: Internals

    private func withLocked<R>(
        _ buffer: OpaquePointer?, count: Int, mode: Int32, what: String,
        _ body: (UnsafeMutablePointer<Float>) throws(RuntimeError) -> R
    ) throws(RuntimeError) -> R {
        var address: UnsafeMutableRawPointer?
        try f.check(f.lockTensorBuffer(buffer, &address, mode), "LiteRtLockTensorBuffer(\(what))")
        guard let address else {
            _ = f.unlockTensorBuffer(buffer)
            throw .liteRt(status: 3, what: "LiteRtLockTensorBuffer(\(what)) gave NULL")
        }
        let result: Result<R, RuntimeError>
        do throws(RuntimeError) {
            result = .success(try body(address.bindMemory(to: Float.self, capacity: count)))
        } catch {
            result = .failure(error)
        }
        try f.check(f.unlockTensorBuffer(buffer), "LiteRtUnlockTensorBuffer(\(what))")
        return try result.get()
    }

    private func makeBuffer(index: Int, input: Bool) throws(RuntimeError) -> OpaquePointer {
        let side = input ? "input" : "output"
        var requirements: OpaquePointer?  // owned by the compiled model
        try f.check(
            input ? f.getCompiledModelInputBufferRequirements(compiledModel, LiteRtModel.signatureIndex, index, &requirements)
                  : f.getCompiledModelOutputBufferRequirements(compiledModel, LiteRtModel.signatureIndex, index, &requirements),
            "LiteRtGetCompiledModel\(input ? "Input" : "Output")BufferRequirements(\(index))")
        let type = input ? model.inputTypes[index] : model.outputTypes[index]
        var buffer: OpaquePointer?
        try f.check(f.createManagedTensorBufferFromRequirements(model.runtime.environment, type.raw, requirements, &buffer),
                    "LiteRtCreateManagedTensorBufferFromRequirements(\(side) \(index))")
        guard let buffer else { throw .liteRt(status: 2, what: "LiteRtCreateManagedTensorBufferFromRequirements(\(side) \(index)) gave NULL") }
        var packedSize = 0
        let expected = (input ? inputCounts[index] : outputCounts[index]) * MemoryLayout<Float>.stride
        let sizeStatus = f.getTensorBufferPackedSize(buffer, &packedSize)
        guard sizeStatus == LiteRtConstants.statusOk, packedSize == expected else {
            f.destroyTensorBuffer(buffer)
            throw .liteRt(status: sizeStatus == 0 ? 3 : sizeStatus,
                          what: "\(side) \(index) buffer holds \(packedSize) bytes, \(expected) expected")
        }
        return buffer
    }

    private static func addOpaque(_ f: LiteRtFunctions, _ options: OpaquePointer, _ identifier: String, _ toml: String) throws(RuntimeError) {
        // The payload is a malloc'ed, NUL-terminated TOML string; LiteRT frees it with `free`.
        let payload = AlignedMemory.mallocCString(toml)
        var opaque: OpaquePointer?
        let status = f.createOpaqueOptions(identifier, UnsafeMutableRawPointer(payload), AlignedMemory.cFree, &opaque)
        guard status == LiteRtConstants.statusOk, let opaque else {
            if status != LiteRtConstants.statusOk { free(payload) }
            throw .liteRt(status: status == 0 ? 9 : status, what: "LiteRtCreateOpaqueOptions(\(identifier))")
        }
        let added = f.addOpaqueOptions(options, opaque)  // on success `options` owns `opaque`
        if added != LiteRtConstants.statusOk {
            f.destroyOpaqueOptions(opaque)
            throw .liteRt(status: added, what: "LiteRtAddOpaqueOptions(\(identifier))")
        }
    }

    /// ": <messages>" from LiteRT's buffered error reporter, or "".
    private func collectedErrorMessages() -> String {
        guard options.captureErrorMessages, let getMessages = f.compiledModelGetErrorMessages else { return "" }
        var messages: UnsafeMutablePointer<CChar>?
        guard getMessages(compiledModel, &messages) == LiteRtConstants.statusOk, let messages else { return "" }
        defer { free(messages) }
        _ = f.compiledModelClearErrors?(compiledModel)
        let text = String(cString: messages).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? "" : ": " + text
    }
}

@available(*, unavailable, message: "LiteRtCompiledModel is not thread-safe; keep it on one thread (or actor)")
extension LiteRtCompiledModel: Sendable {}
