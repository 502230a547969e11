import ShopLookImaging
import ShopLookRuntimes

/// Every failure of the pose stage.
public enum PoseError: Error, Sendable, CustomStringConvertible {
    /// LiteRT failed (loading, compiling or running a model), or a model file is missing (the error names
    /// it and `Deploy/fetch-models`).
    case runtime(RuntimeError)
    /// Decoding or resampling the image failed.
    case image(ImageError)
    /// A model does not have the tensors this stage expects.
    case unexpectedModel(String)
    /// A data file cannot be used: a learned pose verdict trained on other features or damaged, a ground truth
    /// that does not parse.
    case unusableData(String)

    public var description: String {
        switch self {
        case .runtime(let error): "pose runtime: \(error)"
        case .image(let error): "pose image: \(error)"
        case .unexpectedModel(let message): "unexpected pose model: \(message)"
        case .unusableData(let message): "pose data: \(message)"
        }
    }
}

extension PoseError {
    /// A garment parser error as a pose error: its runtime and image errors are those of the pose stage; unusable
    /// weights are an unexpected model.
    init(_ error: GarmentParserError) {
        switch error {
        case .runtime(let error): self = .runtime(error)
        case .image(let error): self = .image(error)
        case .weightsMissing, .invalidWeights: self = .unexpectedModel("\(error)")
        }
    }
}
