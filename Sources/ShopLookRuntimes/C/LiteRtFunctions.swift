/// The LiteRT C API entry points this module uses, resolved with `dlsym` from `libLiteRt.so`
/// (symbols versioned `@@VERS_1.0`). Signatures follow `litert/c/*.h` of google-ai-edge/LiteRT:
///
///     litert_environment.h      LiteRtCreateEnvironment, LiteRtDestroyEnvironment
///     litert_model.h            LiteRtCreateModelFromBuffer, LiteRtDestroyModel,
///                               LiteRtGetNumModelSignatures, LiteRtGetModelSignature,
///                               LiteRtGetNumSignatureInputs/Outputs, LiteRtGetSignatureInput/OutputName,
///                               LiteRtGetSignatureInput/OutputTensorByIndex, LiteRtGetTensorTypeId,
///                               LiteRtGetRankedTensorType
///     litert_options.h          LiteRtCreateOptions, LiteRtDestroyOptions,
///                               LiteRtSetOptionsHardwareAccelerators, LiteRtAddOpaqueOptions
///     litert_opaque_options.h   LiteRtCreateOpaqueOptions, LiteRtDestroyOpaqueOptions
///     litert_compiled_model.h   LiteRtCreateCompiledModel, LiteRtDestroyCompiledModel,
///                               LiteRtGetCompiledModelInput/OutputBufferRequirements,
///                               LiteRtRunCompiledModel, LiteRtCompiledModelGetErrorMessages,
///                               LiteRtCompiledModelClearErrors
///     litert_tensor_buffer.h    LiteRtCreateManagedTensorBufferFromRequirements, LiteRtDestroyTensorBuffer,
///                               LiteRtGetTensorBufferPackedSize, LiteRtLockTensorBuffer, LiteRtUnlockTensorBuffer
///
/// `LiteRtStatus` and all other C enums are `int`-sized (`Int32`); `LiteRtParamIndex` is `size_t`
/// (`Int`); every handle is an opaque pointer.
///
/// Models are loaded with `LiteRtCreateModelFromBuffer`, not `LiteRtCreateModelFromFile`: the
/// file variant mmaps the file and skips flatbuffer verification, so a corrupt `.tflite`
/// crashes the process (SIGSEGV inside libLiteRt.so, seen with 2.3.0); the buffer variant runs
/// the flatbuffers verifier and returns kLiteRtStatusErrorInvalidFlatbuffer (501) instead.
typealias LiteRtStatusCode = Int32

struct LiteRtFunctions {
    typealias CreateEnvironment = @convention(c) (Int32, UnsafeRawPointer?, UnsafeMutablePointer<OpaquePointer?>?) -> LiteRtStatusCode
    typealias Destroy = @convention(c) (OpaquePointer?) -> Void
    typealias CreateModelFromBuffer = @convention(c) (OpaquePointer?, UnsafeRawPointer?, Int, UnsafeMutablePointer<OpaquePointer?>?) -> LiteRtStatusCode
    typealias GetCount = @convention(c) (OpaquePointer?, UnsafeMutablePointer<Int>?) -> LiteRtStatusCode
    typealias GetByIndex = @convention(c) (OpaquePointer?, Int, UnsafeMutablePointer<OpaquePointer?>?) -> LiteRtStatusCode
    typealias GetNameByIndex = @convention(c) (OpaquePointer?, Int, UnsafeMutablePointer<UnsafePointer<CChar>?>?) -> LiteRtStatusCode
    typealias GetTensorTypeId = @convention(c) (OpaquePointer?, UnsafeMutablePointer<Int32>?) -> LiteRtStatusCode
    typealias GetRankedTensorType = @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?) -> LiteRtStatusCode
    typealias CreateOptions = @convention(c) (UnsafeMutablePointer<OpaquePointer?>?) -> LiteRtStatusCode
    typealias SetHardwareAccelerators = @convention(c) (OpaquePointer?, Int32) -> LiteRtStatusCode
    typealias CreateOpaqueOptions = @convention(c) (
        UnsafePointer<CChar>?, UnsafeMutableRawPointer?, (@convention(c) (UnsafeMutableRawPointer?) -> Void)?,
        UnsafeMutablePointer<OpaquePointer?>?
    ) -> LiteRtStatusCode
    typealias AddOpaqueOptions = @convention(c) (OpaquePointer?, OpaquePointer?) -> LiteRtStatusCode
    typealias CreateCompiledModel = @convention(c) (OpaquePointer?, OpaquePointer?, OpaquePointer?, UnsafeMutablePointer<OpaquePointer?>?) -> LiteRtStatusCode
    typealias GetBufferRequirements = @convention(c) (OpaquePointer?, Int, Int, UnsafeMutablePointer<OpaquePointer?>?) -> LiteRtStatusCode
    typealias RunCompiledModel = @convention(c) (
        OpaquePointer?, Int, Int, UnsafeMutablePointer<OpaquePointer?>?, Int, UnsafeMutablePointer<OpaquePointer?>?
    ) -> LiteRtStatusCode
    typealias GetErrorMessages = @convention(c) (OpaquePointer?, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> LiteRtStatusCode
    typealias ClearErrors = @convention(c) (OpaquePointer?) -> LiteRtStatusCode
    typealias CreateManagedTensorBuffer = @convention(c) (OpaquePointer?, UnsafeRawPointer?, OpaquePointer?, UnsafeMutablePointer<OpaquePointer?>?) -> LiteRtStatusCode
    typealias GetSize = @convention(c) (OpaquePointer?, UnsafeMutablePointer<Int>?) -> LiteRtStatusCode
    typealias LockTensorBuffer = @convention(c) (OpaquePointer?, UnsafeMutablePointer<UnsafeMutableRawPointer?>?, Int32) -> LiteRtStatusCode
    typealias UnlockTensorBuffer = @convention(c) (OpaquePointer?) -> LiteRtStatusCode

    let createEnvironment: CreateEnvironment
    let destroyEnvironment: Destroy
    let createModelFromBuffer: CreateModelFromBuffer
    let destroyModel: Destroy
    let getNumModelSignatures: GetCount
    let getModelSignature: GetByIndex
    let getNumSignatureInputs: GetCount
    let getNumSignatureOutputs: GetCount
    let getSignatureInputName: GetNameByIndex
    let getSignatureOutputName: GetNameByIndex
    let getSignatureInputTensorByIndex: GetByIndex
    let getSignatureOutputTensorByIndex: GetByIndex
    let getTensorTypeId: GetTensorTypeId
    let getRankedTensorType: GetRankedTensorType
    let createOptions: CreateOptions
    let destroyOptions: Destroy
    let setOptionsHardwareAccelerators: SetHardwareAccelerators
    let createOpaqueOptions: CreateOpaqueOptions
    let destroyOpaqueOptions: Destroy
    let addOpaqueOptions: AddOpaqueOptions
    let createCompiledModel: CreateCompiledModel
    let destroyCompiledModel: Destroy
    let getCompiledModelInputBufferRequirements: GetBufferRequirements
    let getCompiledModelOutputBufferRequirements: GetBufferRequirements
    let runCompiledModel: RunCompiledModel
    let compiledModelGetErrorMessages: GetErrorMessages?
    let compiledModelClearErrors: ClearErrors?
    let createManagedTensorBufferFromRequirements: CreateManagedTensorBuffer
    let destroyTensorBuffer: Destroy
    let getTensorBufferPackedSize: GetSize
    let lockTensorBuffer: LockTensorBuffer
    let unlockTensorBuffer: UnlockTensorBuffer

    init(library: RuntimeLibrary) throws(RuntimeError) {
        func load<F>(_ name: String, _ type: F.Type) throws(RuntimeError) -> F {
            unsafeBitCast(try library.symbol(name), to: type)
        }
        createEnvironment = try load("LiteRtCreateEnvironment", CreateEnvironment.self)
        destroyEnvironment = try load("LiteRtDestroyEnvironment", Destroy.self)
        createModelFromBuffer = try load("LiteRtCreateModelFromBuffer", CreateModelFromBuffer.self)
        destroyModel = try load("LiteRtDestroyModel", Destroy.self)
        getNumModelSignatures = try load("LiteRtGetNumModelSignatures", GetCount.self)
        getModelSignature = try load("LiteRtGetModelSignature", GetByIndex.self)
        getNumSignatureInputs = try load("LiteRtGetNumSignatureInputs", GetCount.self)
        getNumSignatureOutputs = try load("LiteRtGetNumSignatureOutputs", GetCount.self)
        getSignatureInputName = try load("LiteRtGetSignatureInputName", GetNameByIndex.self)
        getSignatureOutputName = try load("LiteRtGetSignatureOutputName", GetNameByIndex.self)
        getSignatureInputTensorByIndex = try load("LiteRtGetSignatureInputTensorByIndex", GetByIndex.self)
        getSignatureOutputTensorByIndex = try load("LiteRtGetSignatureOutputTensorByIndex", GetByIndex.self)
        getTensorTypeId = try load("LiteRtGetTensorTypeId", GetTensorTypeId.self)
        getRankedTensorType = try load("LiteRtGetRankedTensorType", GetRankedTensorType.self)
        createOptions = try load("LiteRtCreateOptions", CreateOptions.self)
        destroyOptions = try load("LiteRtDestroyOptions", Destroy.self)
        setOptionsHardwareAccelerators = try load("LiteRtSetOptionsHardwareAccelerators", SetHardwareAccelerators.self)
        createOpaqueOptions = try load("LiteRtCreateOpaqueOptions", CreateOpaqueOptions.self)
        destroyOpaqueOptions = try load("LiteRtDestroyOpaqueOptions", Destroy.self)
        addOpaqueOptions = try load("LiteRtAddOpaqueOptions", AddOpaqueOptions.self)
        createCompiledModel = try load("LiteRtCreateCompiledModel", CreateCompiledModel.self)
        destroyCompiledModel = try load("LiteRtDestroyCompiledModel", Destroy.self)
        getCompiledModelInputBufferRequirements = try load("LiteRtGetCompiledModelInputBufferRequirements", GetBufferRequirements.self)
        getCompiledModelOutputBufferRequirements = try load("LiteRtGetCompiledModelOutputBufferRequirements", GetBufferRequirements.self)
        runCompiledModel = try load("LiteRtRunCompiledModel", RunCompiledModel.self)
        compiledModelGetErrorMessages = library.optionalSymbol("LiteRtCompiledModelGetErrorMessages")
            .map { unsafeBitCast($0, to: GetErrorMessages.self) }
        compiledModelClearErrors = library.optionalSymbol("LiteRtCompiledModelClearErrors")
            .map { unsafeBitCast($0, to: ClearErrors.self) }
        createManagedTensorBufferFromRequirements = try load("LiteRtCreateManagedTensorBufferFromRequirements", CreateManagedTensorBuffer.self)
        destroyTensorBuffer = try load("LiteRtDestroyTensorBuffer", Destroy.self)
        getTensorBufferPackedSize = try load("LiteRtGetTensorBufferPackedSize", GetSize.self)
        lockTensorBuffer = try load("LiteRtLockTensorBuffer", LockTensorBuffer.self)
        unlockTensorBuffer = try load("LiteRtUnlockTensorBuffer", UnlockTensorBuffer.self)
    }

    /// Throws `.liteRt(status, what)` unless `status` is OK.
    func check(_ status: LiteRtStatusCode, _ what: @autoclosure () -> String) throws(RuntimeError) {
        if status != 0 { throw .liteRt(status: status, what: what()) }
    }
}

/// Constants of the LiteRT C headers.
enum LiteRtConstants {
    static let statusOk: Int32 = 0
    static let hardwareAcceleratorCpu: Int32 = 1       // kLiteRtHwAcceleratorCpu
    static let rankedTensorTypeId: Int32 = 0           // kLiteRtRankedTensorType
    static let lockRead: Int32 = 0                     // kLiteRtTensorBufferLockModeRead
    static let lockWrite: Int32 = 1                    // kLiteRtTensorBufferLockModeWrite
    static let elementFloat32: Int32 = 1               // kLiteRtElementTypeFloat32
    /// Opaque-options identifier and TOML keys of the CPU (XNNPACK) accelerator
    /// (litert/c/options/litert_cpu_options.cc: LrtGetCpuOptionsIdentifier, "num_threads = %d\n").
    static let cpuOptionsIdentifier = "xnnpack"
    /// Opaque-options identifier of the runtime options
    /// (litert/c/options/litert_runtime_options.cc: "error_reporter_mode = %d\n").
    static let runtimeOptionsIdentifier = "runtime_options_string"
    static let errorReporterModeBuffer = 2             // kLiteRtErrorReporterModeBuffer

    static func elementType(_ code: Int32) -> TensorElementType {
        switch code {
        case 1: .float32
        case 2: .int32
        case 3: .uint8
        case 4: .int64
        case 6: .bool
        case 7: .int16
        case 9: .int8
        case 10: .float16
        case 11: .float64
        default: .other(code)
        }
    }
}

/// `LiteRtRankedTensorType` (litert_model_types.h / litert_layout.h), kept as the raw 72 bytes
/// the library reads and writes, 64-byte aligned:
///
///     offset 0   LiteRtElementType element_type (int)
///     offset 4   LiteRtLayout: unsigned rank:7, has_strides:1 (one 32-bit unit)
///     offset 8   int32_t dimensions[8]
///     offset 40  uint32_t strides[8]
///     size 72
final class RankedTensorTypeStorage {
    static let size = 72
    static let maxRank = 8
    let raw: UnsafeMutableRawPointer

    init() { raw = AlignedMemory.allocateRaw(RankedTensorTypeStorage.size) }
    deinit { AlignedMemory.releaseRaw(raw) }

    var elementTypeCode: Int32 { raw.load(fromByteOffset: 0, as: Int32.self) }
    var rank: Int { Int(raw.load(fromByteOffset: 4, as: UInt32.self) & 0x7F) }
    var dimensions: [Int] {
        (0..<min(rank, RankedTensorTypeStorage.maxRank)).map {
            Int(raw.load(fromByteOffset: 8 + 4 * $0, as: Int32.self))
        }
    }
}
