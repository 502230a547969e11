import ShopLookImaging
import ShopLookRuntimes

/// Errors of the vision module. A bad image is the caller's input problem (`.image`); a missing model
/// file or a runtime failure is the installation's (`.modelFiles`, `.runtime`).
public enum VisionError: Error, CustomStringConvertible, Sendable {
    case image(ImageError)
    case runtime(RuntimeError)
    /// A model file is missing or unreadable: names it and the command that fetches it.
    case modelFiles(String)
    case invalidArgument(String)

    public var description: String {
        switch self {
        case .image(let error): return "image: \(error)"
        case .runtime(let error): return "model runtime: \(error)"
        case .modelFiles(let text): return text
        case .invalidArgument(let text): return text
        }
    }
}
