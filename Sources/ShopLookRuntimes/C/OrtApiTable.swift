/// The few ONNX Runtime C API entry points this module uses, read out of the `OrtApi` table.
///
/// `OrtGetApiBase()` is the only exported symbol. It returns an `OrtApiBase` (two function
/// pointers: `GetApi(uint32_t)` and `GetVersionString()`); `GetApi(N)` returns the `OrtApi`
/// struct, which is nothing but function pointers in the order of declaration in
/// `include/onnxruntime/core/session/onnxruntime_c_api.h`. ONNX Runtime only ever appends to
/// that struct, so a slot index, once right, stays right for every later version.
///
/// Slot numbers were counted by hand from the `struct OrtApi` declaration (ORT_API_VERSION 13
/// header, microsoft/onnxruntime) — every `ORT_API2_STATUS(...)`, `ORT_CLASS_RELEASE(...)` and
/// plain function-pointer member counts one, starting at 0 with `CreateStatus`. `OrtApiTable.probe` checks a handful of them
/// against their documented behaviour at start-up, so a mismatched library is an error and not a
/// crash later.
enum OrtSlot: Int, CaseIterable {
    case createStatus = 0                       // OrtStatus* (OrtErrorCode, const char*)
    case getErrorCode = 1                       // OrtErrorCode (const OrtStatus*)
    case getErrorMessage = 2                    // const char* (const OrtStatus*)
    case createEnv = 3                          // (OrtLoggingLevel, const char* logid, OrtEnv**)
    case createSession = 7                      // (const OrtEnv*, const char* path, const OrtSessionOptions*, OrtSession**)
    case createSessionFromArray = 8             // (const OrtEnv*, const void*, size_t, const OrtSessionOptions*, OrtSession**)
    case run = 9                                // (OrtSession*, const OrtRunOptions*, names, values, n, out names, n, OrtValue**)
    case createSessionOptions = 10              // (OrtSessionOptions**)
    case setSessionExecutionMode = 13           // (OrtSessionOptions*, ExecutionMode)
    case enableMemPattern = 16                  // (OrtSessionOptions*)
    case disableMemPattern = 17                 // (OrtSessionOptions*)
    case setSessionGraphOptimizationLevel = 23  // (OrtSessionOptions*, GraphOptimizationLevel)
    case setIntraOpNumThreads = 24              // (OrtSessionOptions*, int)
    case setInterOpNumThreads = 25              // (OrtSessionOptions*, int)
    case sessionGetInputCount = 30              // (const OrtSession*, size_t*)
    case sessionGetOutputCount = 31             // (const OrtSession*, size_t*)
    case sessionGetInputTypeInfo = 33           // (const OrtSession*, size_t, OrtTypeInfo**)
    case sessionGetOutputTypeInfo = 34          // (const OrtSession*, size_t, OrtTypeInfo**)
    case sessionGetInputName = 36               // (const OrtSession*, size_t, OrtAllocator*, char**)
    case sessionGetOutputName = 37              // (const OrtSession*, size_t, OrtAllocator*, char**)
    case createTensorWithDataAsOrtValue = 49    // (const OrtMemoryInfo*, void*, size_t, const int64_t*, size_t, type, OrtValue**)
    case getTensorMutableData = 51              // (OrtValue*, void**)
    case castTypeInfoToTensorInfo = 55          // (const OrtTypeInfo*, const OrtTensorTypeAndShapeInfo**)
    case getTensorElementType = 60              // (const OrtTensorTypeAndShapeInfo*, ONNXTensorElementDataType*)
    case getDimensionsCount = 61                // (const OrtTensorTypeAndShapeInfo*, size_t*)
    case getDimensions = 62                     // (const OrtTensorTypeAndShapeInfo*, int64_t*, size_t)
    case getTensorTypeAndShape = 65             // (const OrtValue*, OrtTensorTypeAndShapeInfo**)
    case createCpuMemoryInfo = 69               // (OrtAllocatorType, OrtMemType, OrtMemoryInfo**)
    case memoryInfoGetName = 71                 // (const OrtMemoryInfo*, const char**)
    case memoryInfoGetId = 72                   // (const OrtMemoryInfo*, int*)
    case allocatorFree = 76                     // (OrtAllocator*, void*)
    case getAllocatorWithDefaultOptions = 78    // (OrtAllocator**)
    case releaseEnv = 92                        // void (OrtEnv*)
    case releaseStatus = 93                     // void (OrtStatus*)
    case releaseMemoryInfo = 94                 // void (OrtMemoryInfo*)
    case releaseSession = 95                    // void (OrtSession*)
    case releaseValue = 96                      // void (OrtValue*)
    case releaseTypeInfo = 98                   // void (OrtTypeInfo*)
    case releaseTensorTypeAndShapeInfo = 99     // void (OrtTensorTypeAndShapeInfo*)
    case releaseSessionOptions = 100            // void (OrtSessionOptions*)
    case addSessionConfigEntry = 130            // (OrtSessionOptions*, const char* key, const char* value)
}

// C signatures. Handles are `OpaquePointer`, enums `Int32`, size_t `Int`.
typealias OrtStatusPtr = OpaquePointer?
typealias OrtGetApiBaseFn = @convention(c) () -> UnsafeRawPointer?
typealias OrtGetApiFn = @convention(c) (UInt32) -> UnsafeRawPointer?
typealias OrtGetVersionStringFn = @convention(c) () -> UnsafePointer<CChar>?

typealias OrtCreateStatusFn = @convention(c) (Int32, UnsafePointer<CChar>?) -> OpaquePointer?
typealias OrtGetErrorCodeFn = @convention(c) (OpaquePointer?) -> Int32
typealias OrtGetErrorMessageFn = @convention(c) (OpaquePointer?) -> UnsafePointer<CChar>?
typealias OrtCreateEnvFn = @convention(c) (Int32, UnsafePointer<CChar>?, UnsafeMutablePointer<OpaquePointer?>?) -> OrtStatusPtr
typealias OrtCreateSessionFn = @convention(c) (
    OpaquePointer?, UnsafePointer<CChar>?, OpaquePointer?, UnsafeMutablePointer<OpaquePointer?>?
) -> OrtStatusPtr
typealias OrtCreateSessionFromArrayFn = @convention(c) (
    OpaquePointer?, UnsafeRawPointer?, Int, OpaquePointer?, UnsafeMutablePointer<OpaquePointer?>?
) -> OrtStatusPtr
typealias OrtRunFn = @convention(c) (
    OpaquePointer?, OpaquePointer?,
    UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<OpaquePointer?>?, Int,
    UnsafePointer<UnsafePointer<CChar>?>?, Int, UnsafeMutablePointer<OpaquePointer?>?
) -> OrtStatusPtr
typealias OrtOutHandleFn = @convention(c) (UnsafeMutablePointer<OpaquePointer?>?) -> OrtStatusPtr
typealias OrtHandleFn = @convention(c) (OpaquePointer?) -> OrtStatusPtr
typealias OrtHandleInt32Fn = @convention(c) (OpaquePointer?, Int32) -> OrtStatusPtr
typealias OrtHandleSizeOutFn = @convention(c) (OpaquePointer?, UnsafeMutablePointer<Int>?) -> OrtStatusPtr
typealias OrtHandleIndexOutHandleFn = @convention(c) (OpaquePointer?, Int, UnsafeMutablePointer<OpaquePointer?>?) -> OrtStatusPtr
typealias OrtSessionGetNameFn = @convention(c) (
    OpaquePointer?, Int, OpaquePointer?, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> OrtStatusPtr
typealias OrtCreateTensorWithDataFn = @convention(c) (
    OpaquePointer?, UnsafeMutableRawPointer?, Int, UnsafePointer<Int64>?, Int, Int32, UnsafeMutablePointer<OpaquePointer?>?
) -> OrtStatusPtr
typealias OrtGetTensorMutableDataFn = @convention(c) (OpaquePointer?, UnsafeMutablePointer<UnsafeMutableRawPointer?>?) -> OrtStatusPtr
typealias OrtHandleOutHandleFn = @convention(c) (OpaquePointer?, UnsafeMutablePointer<OpaquePointer?>?) -> OrtStatusPtr
typealias OrtHandleInt32OutFn = @convention(c) (OpaquePointer?, UnsafeMutablePointer<Int32>?) -> OrtStatusPtr
typealias OrtGetDimensionsFn = @convention(c) (OpaquePointer?, UnsafeMutablePointer<Int64>?, Int) -> OrtStatusPtr
typealias OrtCreateCpuMemoryInfoFn = @convention(c) (Int32, Int32, UnsafeMutablePointer<OpaquePointer?>?) -> OrtStatusPtr
typealias OrtMemoryInfoGetNameFn = @convention(c) (OpaquePointer?, UnsafeMutablePointer<UnsafePointer<CChar>?>?) -> OrtStatusPtr
typealias OrtAllocatorFreeFn = @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?) -> OrtStatusPtr
typealias OrtReleaseFn = @convention(c) (OpaquePointer?) -> Void
typealias OrtAddSessionConfigEntryFn = @convention(c) (OpaquePointer?, UnsafePointer<CChar>?, UnsafePointer<CChar>?) -> OrtStatusPtr

/// `ONNXTensorElementDataType` values.
enum OrtElementType {
    static let float: Int32 = 1

    static func swiftType(_ code: Int32) -> TensorElementType {
        switch code {
        case 1: .float32
        case 2: .uint8
        case 3: .int8
        case 5: .int16
        case 6: .int32
        case 7: .int64
        case 9: .bool
        case 10: .float16
        case 11: .float64
        default: .other(code)
        }
    }
}

/// Typed function pointers out of one `OrtApi` table.
struct OrtApiTable {
    /// Highest `OrtApi` version this module asks for. Newer libraries still serve it.
    static let maximumApiVersion: UInt32 = 32
    /// Lowest version accepted: the header the slots were counted from.
    static let minimumApiVersion: UInt32 = 13

    let apiVersion: UInt32
    let libraryVersion: String

    let createStatus: OrtCreateStatusFn
    let getErrorCode: OrtGetErrorCodeFn
    let getErrorMessage: OrtGetErrorMessageFn
    let createEnv: OrtCreateEnvFn
    let createSession: OrtCreateSessionFn
    let createSessionFromArray: OrtCreateSessionFromArrayFn
    let run: OrtRunFn
    let createSessionOptions: OrtOutHandleFn
    let setSessionExecutionMode: OrtHandleInt32Fn
    let enableMemPattern: OrtHandleFn
    let disableMemPattern: OrtHandleFn
    let setSessionGraphOptimizationLevel: OrtHandleInt32Fn
    let setIntraOpNumThreads: OrtHandleInt32Fn
    let setInterOpNumThreads: OrtHandleInt32Fn
    let sessionGetInputCount: OrtHandleSizeOutFn
    let sessionGetOutputCount: OrtHandleSizeOutFn
    let sessionGetInputTypeInfo: OrtHandleIndexOutHandleFn
    let sessionGetOutputTypeInfo: OrtHandleIndexOutHandleFn
    let sessionGetInputName: OrtSessionGetNameFn
    let sessionGetOutputName: OrtSessionGetNameFn
    let createTensorWithDataAsOrtValue: OrtCreateTensorWithDataFn
    let getTensorMutableData: OrtGetTensorMutableDataFn
    let castTypeInfoToTensorInfo: OrtHandleOutHandleFn
    let getTensorElementType: OrtHandleInt32OutFn
    let getDimensionsCount: OrtHandleSizeOutFn
    let getDimensions: OrtGetDimensionsFn
    let getTensorTypeAndShape: OrtHandleOutHandleFn
    let createCpuMemoryInfo: OrtCreateCpuMemoryInfoFn
    let memoryInfoGetName: OrtMemoryInfoGetNameFn
    let memoryInfoGetId: OrtHandleInt32OutFn
    let allocatorFree: OrtAllocatorFreeFn
    let getAllocatorWithDefaultOptions: OrtOutHandleFn
    let releaseEnv: OrtReleaseFn
    let releaseStatus: OrtReleaseFn
    let releaseMemoryInfo: OrtReleaseFn
    let releaseSession: OrtReleaseFn
    let releaseValue: OrtReleaseFn
    let releaseTypeInfo: OrtReleaseFn
    let releaseTensorTypeAndShapeInfo: OrtReleaseFn
    let releaseSessionOptions: OrtReleaseFn
    let addSessionConfigEntry: OrtAddSessionConfigEntryFn

    /// Resolves `OrtGetApiBase`, picks the API version from the library's version string, reads
    /// the slots and probes them. Throws `.symbolMissing` / `.apiMismatch`.
    init(library: RuntimeLibrary) throws(RuntimeError) {
        let getApiBase = unsafeBitCast(try library.symbol("OrtGetApiBase"), to: OrtGetApiBaseFn.self)
        guard let base = getApiBase() else {
            throw .apiMismatch(library: library.path, reason: "OrtGetApiBase() returned NULL")
        }
        // struct OrtApiBase { GetApi; GetVersionString; }
        let baseSlots = base.assumingMemoryBound(to: UnsafeRawPointer?.self)
        guard let getApiRaw = baseSlots[0], let versionRaw = baseSlots[1] else {
            throw .apiMismatch(library: library.path, reason: "OrtApiBase has NULL entries")
        }
        let getApi = unsafeBitCast(getApiRaw, to: OrtGetApiFn.self)
        let getVersionString = unsafeBitCast(versionRaw, to: OrtGetVersionStringFn.self)
        let version = getVersionString().map { String(cString: $0) } ?? "?"
        libraryVersion = version

        // ORT 1.x serves OrtApi versions 1...minor. Asking for more prints an error to stderr,
        // so derive the version to ask for from the version string.
        let parts = version.split(separator: ".").compactMap { UInt32($0) }
        guard parts.count >= 2, parts[0] == 1 else {
            throw .apiMismatch(library: library.path, reason: "unexpected ONNX Runtime version string \"\(version)\"")
        }
        let requested = min(parts[1], OrtApiTable.maximumApiVersion)
        guard requested >= OrtApiTable.minimumApiVersion else {
            throw .apiMismatch(
                library: library.path,
                reason: "ONNX Runtime \(version) is too old; OrtApi version \(OrtApiTable.minimumApiVersion) or later is needed")
        }
        guard let apiRaw = getApi(requested) else {
            throw .apiMismatch(library: library.path, reason: "GetApi(\(requested)) returned NULL (library \(version))")
        }
        apiVersion = requested
        let table = apiRaw.assumingMemoryBound(to: UnsafeRawPointer?.self)

        func slot<F>(_ s: OrtSlot, _ type: F.Type) throws(RuntimeError) -> F {
            guard let pointer = table[s.rawValue] else {
                throw .apiMismatch(library: library.path, reason: "OrtApi slot \(s.rawValue) (\(s)) is NULL")
            }
            return unsafeBitCast(pointer, to: type)
        }

        createStatus = try slot(.createStatus, OrtCreateStatusFn.self)
        getErrorCode = try slot(.getErrorCode, OrtGetErrorCodeFn.self)
        getErrorMessage = try slot(.getErrorMessage, OrtGetErrorMessageFn.self)
        createEnv = try slot(.createEnv, OrtCreateEnvFn.self)
        createSession = try slot(.createSession, OrtCreateSessionFn.self)
        createSessionFromArray = try slot(.createSessionFromArray, OrtCreateSessionFromArrayFn.self)
        run = try slot(.run, OrtRunFn.self)
        createSessionOptions = try slot(.createSessionOptions, OrtOutHandleFn.self)
        setSessionExecutionMode = try slot(.setSessionExecutionMode, OrtHandleInt32Fn.self)
        enableMemPattern = try slot(.enableMemPattern, OrtHandleFn.self)
        disableMemPattern = try slot(.disableMemPattern, OrtHandleFn.self)
        setSessionGraphOptimizationLevel = try slot(.setSessionGraphOptimizationLevel, OrtHandleInt32Fn.self)
        setIntraOpNumThreads = try slot(.setIntraOpNumThreads, OrtHandleInt32Fn.self)
        setInterOpNumThreads = try slot(.setInterOpNumThreads, OrtHandleInt32Fn.self)
        sessionGetInputCount = try slot(.sessionGetInputCount, OrtHandleSizeOutFn.self)
        sessionGetOutputCount = try slot(.sessionGetOutputCount, OrtHandleSizeOutFn.self)
        sessionGetInputTypeInfo = try slot(.sessionGetInputTypeInfo, OrtHandleIndexOutHandleFn.self)
        sessionGetOutputTypeInfo = try slot(.sessionGetOutputTypeInfo, OrtHandleIndexOutHandleFn.self)
        sessionGetInputName = try slot(.sessionGetInputName, OrtSessionGetNameFn.self)
        sessionGetOutputName = try slot(.sessionGetOutputName, OrtSessionGetNameFn.self)
        createTensorWithDataAsOrtValue = try slot(.createTensorWithDataAsOrtValue, OrtCreateTensorWithDataFn.self)
        getTensorMutableData = try slot(.getTensorMutableData, OrtGetTensorMutableDataFn.self)
        castTypeInfoToTensorInfo = try slot(.castTypeInfoToTensorInfo, OrtHandleOutHandleFn.self)
        getTensorElementType = try slot(.getTensorElementType, OrtHandleInt32OutFn.self)
        getDimensionsCount = try slot(.getDimensionsCount, OrtHandleSizeOutFn.self)
        getDimensions = try slot(.getDimensions, OrtGetDimensionsFn.self)
        getTensorTypeAndShape = try slot(.getTensorTypeAndShape, OrtHandleOutHandleFn.self)
        createCpuMemoryInfo = try slot(.createCpuMemoryInfo, OrtCreateCpuMemoryInfoFn.self)
        memoryInfoGetName = try slot(.memoryInfoGetName, OrtMemoryInfoGetNameFn.self)
        memoryInfoGetId = try slot(.memoryInfoGetId, OrtHandleInt32OutFn.self)
        allocatorFree = try slot(.allocatorFree, OrtAllocatorFreeFn.self)
        getAllocatorWithDefaultOptions = try slot(.getAllocatorWithDefaultOptions, OrtOutHandleFn.self)
        releaseEnv = try slot(.releaseEnv, OrtReleaseFn.self)
        releaseStatus = try slot(.releaseStatus, OrtReleaseFn.self)
        releaseMemoryInfo = try slot(.releaseMemoryInfo, OrtReleaseFn.self)
        releaseSession = try slot(.releaseSession, OrtReleaseFn.self)
        releaseValue = try slot(.releaseValue, OrtReleaseFn.self)
        releaseTypeInfo = try slot(.releaseTypeInfo, OrtReleaseFn.self)
        releaseTensorTypeAndShapeInfo = try slot(.releaseTensorTypeAndShapeInfo, OrtReleaseFn.self)
        releaseSessionOptions = try slot(.releaseSessionOptions, OrtReleaseFn.self)
        addSessionConfigEntry = try slot(.addSessionConfigEntry, OrtAddSessionConfigEntryFn.self)

        try probe(libraryPath: library.path)
    }

    /// Start-up check of slots 0, 1, 2, 93 (status round trip), 78 (default allocator) and
    /// 69/71/72/94 (CPU memory info round trip). A library whose table does not match the
    /// header fails here with `.apiMismatch`.
    private func probe(libraryPath: String) throws(RuntimeError) {
        let probeText = "shoplook-ort-probe"
        guard let status = createStatus(2 /* ORT_INVALID_ARGUMENT */, probeText) else {
            throw .apiMismatch(library: libraryPath, reason: "probe: CreateStatus returned NULL")
        }
        let code = getErrorCode(status)
        let message = getErrorMessage(status).map { String(cString: $0) }
        releaseStatus(status)
        guard code == 2, message == probeText else {
            throw .apiMismatch(
                library: libraryPath,
                reason: "probe: status round trip gave code \(code), message \(message ?? "NULL") (OrtApi slots 0–2/93 do not match)")
        }

        var allocator: OpaquePointer?
        if let failure = getAllocatorWithDefaultOptions(&allocator) {
            releaseStatus(failure)
            throw .apiMismatch(library: libraryPath, reason: "probe: GetAllocatorWithDefaultOptions failed")
        }
        guard allocator != nil else {
            throw .apiMismatch(library: libraryPath, reason: "probe: GetAllocatorWithDefaultOptions gave NULL")
        }

        var info: OpaquePointer?
        if let failure = createCpuMemoryInfo(0 /* OrtDeviceAllocator */, 0 /* OrtMemTypeDefault */, &info) {
            releaseStatus(failure)
            throw .apiMismatch(library: libraryPath, reason: "probe: CreateCpuMemoryInfo failed")
        }
        defer { releaseMemoryInfo(info) }
        var name: UnsafePointer<CChar>?
        var id: Int32 = -1
        let nameStatus = memoryInfoGetName(info, &name)
        let idStatus = memoryInfoGetId(info, &id)
        if let nameStatus { releaseStatus(nameStatus) }
        if let idStatus { releaseStatus(idStatus) }
        let nameText = name.map { String(cString: $0) }
        guard nameStatus == nil, idStatus == nil, nameText == "Cpu", id == 0 else {
            throw .apiMismatch(
                library: libraryPath,
                reason: "probe: CPU memory info reads back as name \(nameText ?? "NULL"), id \(id) (OrtApi slots 69/71/72 do not match)")
        }
    }

    /// Converts a returned `OrtStatus*` into `.onnxRuntime(code, message)` and releases it.
    func check(_ status: OrtStatusPtr) throws(RuntimeError) {
        guard let status else { return }
        let code = getErrorCode(status)
        let message = getErrorMessage(status).map { String(cString: $0) } ?? "(no message)"
        releaseStatus(status)
        throw .onnxRuntime(code: code, message: message)
    }
}
