import ShopLookImaging
import ShopLookRuntimes

/// Errors of the vision module. A bad image is the caller's input problem (`.image`); a missing model
/// file or a runtime failure is the installation's (`.runtime`, naming the file and Deploy/fetch-models).
public enum VisionError: Error, CustomStringConvertible, Sendable {
    case image(ImageError)
    case runtime(RuntimeError)
    case invalidArgument(String)

    public var description: String {
        switch self {
        case .image(let error): return "image: \(error)"
        case .runtime(let error): return "model runtime: \(error)"
        case .invalidArgument(let text): return text
        }
    }
}
