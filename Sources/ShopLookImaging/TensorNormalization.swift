/// Per-channel normalisation applied while converting pixels to floats:
///
///     value = (byte × scale − mean[c]) / std[c]
///
/// `mean` and `std` are given in RGB order (they follow the channels when `ChannelOrder.bgr` is used).
public struct TensorNormalization: Sendable, Hashable {
    public var scale: Float
    public var mean: SIMD3<Float>
    public var std: SIMD3<Float>

    public init(scale: Float = 1, mean: SIMD3<Float> = .zero, std: SIMD3<Float> = .one) {
        self.scale = scale
        self.mean = mean
        self.std = std
    }

    /// Raw byte values 0…255.
    public static let raw = TensorNormalization()
    /// 0…1.
    public static let unit = TensorNormalization(scale: 1 / 255)
    /// −1…1.
    public static let signedUnit = TensorNormalization(scale: 1 / 255, mean: SIMD3(repeating: 0.5), std: SIMD3(repeating: 0.5))
    /// ImageNet statistics on 0…1 inputs (torchvision, CLIP-like backbones use their own values).
    public static let imageNet = TensorNormalization(
        scale: 1 / 255,
        mean: SIMD3(0.485, 0.456, 0.406),
        std: SIMD3(0.229, 0.224, 0.225)
    )

    /// Whether every std is non-zero and all values are finite.
    var isValid: Bool {
        scale.isFinite && (0..<3).allSatisfy { mean[$0].isFinite && std[$0].isFinite && std[$0] != 0 }
    }
}
