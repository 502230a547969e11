/// Every failure of the runtime wrappers.
///
/// All throwing entry points of this module use typed throws (`throws(RuntimeError)`), so callers
/// can switch over the cases exhaustively. `description` is a complete, human-readable sentence
/// that names the file, call or status involved.
public enum RuntimeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The shared library (or model file) that should have been installed is not there.
    /// `hint` says how to get it (normally "run Deploy/fetch-models").
    case fileMissing(path: String, hint: String)
    /// `dlopen` refused the file; `reason` is the `dlerror()` text.
    case libraryLoadFailed(path: String, reason: String)
    /// `dlsym` did not find an entry point; `reason` is the `dlerror()` text.
    case symbolMissing(library: String, symbol: String, reason: String)
    /// The library loaded but is not the API this module was written against
    /// (ONNX Runtime version too old, start-up probe returned nonsense, …).
    case apiMismatch(library: String, reason: String)
    /// A non-null `OrtStatus`: ONNX Runtime's `OrtErrorCode` and its message.
    case onnxRuntime(code: Int32, message: String)
    /// A `LiteRtStatus` other than OK. `what` names the call (and whatever message LiteRT
    /// offered for it).
    case liteRt(status: Int32, what: String)
    /// The caller passed something this module cannot use (wrong tensor count, shape/data size
    /// mismatch, unknown name, unsupported element type, …).
    case invalidArgument(String)

    /// The hint used for every missing runtime library or model file of the project.
    public static let fetchModelsHint = "run Deploy/fetch-models (or point SHOPLOOK_MODELS at a directory that has it)"

    public var description: String {
        switch self {
        case let .fileMissing(path, hint):
            return "required file not found: \(path) — \(hint)"
        case let .libraryLoadFailed(path, reason):
            return "dlopen failed for \(path): \(reason)"
        case let .symbolMissing(library, symbol, reason):
            return "symbol \(symbol) not found in \(library): \(reason)"
        case let .apiMismatch(library, reason):
            return "\(library) does not provide the expected API: \(reason)"
        case let .onnxRuntime(code, message):
            return "ONNX Runtime error \(code) (\(OnnxErrorCodeName.name(code))): \(message)"
        case let .liteRt(status, what):
            return "LiteRT error \(status) (\(LiteRtStatusName.name(status))): \(what)"
        case let .invalidArgument(message):
            return "invalid argument: \(message)"
        }
    }
}

/// Names of `OrtErrorCode` values (onnxruntime_c_api.h).
enum OnnxErrorCodeName {
    static func name(_ code: Int32) -> String {
        switch code {
        case 0: "ORT_OK"
        case 1: "ORT_FAIL"
        case 2: "ORT_INVALID_ARGUMENT"
        case 3: "ORT_NO_SUCHFILE"
        case 4: "ORT_NO_MODEL"
        case 5: "ORT_ENGINE_ERROR"
        case 6: "ORT_RUNTIME_EXCEPTION"
        case 7: "ORT_INVALID_PROTOBUF"
        case 8: "ORT_MODEL_LOADED"
        case 9: "ORT_NOT_IMPLEMENTED"
        case 10: "ORT_INVALID_GRAPH"
        case 11: "ORT_EP_FAIL"
        default: "ORT error \(code)"
        }
    }
}

/// Names of `LiteRtStatus` values (litert/c/litert_common.h). The library itself does not
/// export `LiteRtGetStatusString`, hence this table.
enum LiteRtStatusName {
    static func name(_ status: Int32) -> String {
        switch status {
        case 0: "Ok"
        case 1: "ErrorInvalidArgument"
        case 2: "ErrorMemoryAllocationFailure"
        case 3: "ErrorRuntimeFailure"
        case 4: "ErrorMissingInputTensor"
        case 5: "ErrorUnsupported"
        case 6: "ErrorNotFound"
        case 7: "ErrorTimeoutExpired"
        case 8: "ErrorWrongVersion"
        case 9: "ErrorUnknown"
        case 10: "ErrorAlreadyExists"
        case 100: "Cancelled"
        case 500: "ErrorFileIO"
        case 501: "ErrorInvalidFlatbuffer"
        case 502: "ErrorDynamicLoading"
        case 503: "ErrorSerialization"
        case 504: "ErrorCompilation"
        case 1000: "ErrorIndexOOB"
        case 1001: "ErrorInvalidIrType"
        case 1002: "ErrorInvalidGraphInvariant"
        case 1003: "ErrorGraphModification"
        case 1500: "ErrorInvalidToolConfig"
        case 2000: "LegalizeNoMatch"
        case 2001: "ErrorInvalidLegalization"
        case 3000: "PatternNoMatch"
        case 3001: "InvalidTransformation"
        case 4000: "ErrorUnsupportedRuntimeVersion"
        case 4001: "ErrorUnsupportedCompilerVersion"
        case 4002: "ErrorIncompatibleByteCodeVersion"
        case 5000: "ErrorUnsupportedOpShapeInferer"
        case 5001: "ErrorShapeInferenceFailed"
        default: "status \(status)"
        }
    }
}
