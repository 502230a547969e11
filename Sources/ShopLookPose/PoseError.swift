import ShopLookImaging
import ShopLookRuntimes

/// Every failure of the pose stage.
public enum PoseError: Error, Sendable, CustomStringConvertible {
    /// A model file or the runtime library is not where it should be; the message says to run
    /// `Deploy/fetch-models`.
    case modelFiles(String)
    /// LiteRT failed (loading, compiling or running a model).
    case runtime(RuntimeError)
    /// Decoding or resampling the image failed.
    case image(ImageError)
    /// A model does not have the tensors this stage expects.
    case unexpectedModel(String)

    public var description: String {
        switch self {
        case .modelFiles(let message): "pose model files: \(message)"
        case .runtime(let error): "pose runtime: \(error)"
        case .image(let error): "pose image: \(error)"
        case .unexpectedModel(let message): "unexpected pose model: \(message)"
        }
    }
}
