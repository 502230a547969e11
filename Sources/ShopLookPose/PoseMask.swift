import ShopLookImaging

/// The landmark model's person segmentation for one ROI: `side × side` probabilities
/// (sigmoid of the logits), row-major, in the ROI crop's frame.
public struct PoseMask: Sendable, Hashable {
    public let side: Int
    public let probabilities: [Float]
    /// Image pixels → mask pixels (the ROI crop transform).
    public let imageToMask: AffineTransform

    /// The probability at an image point (nearest mask pixel), 0 outside the ROI.
    public func probability(at point: ImagePoint) -> Float {
        let p = imageToMask.apply(point)
        let x = Int(p.x.rounded(.down)), y = Int(p.y.rounded(.down))
        guard p.x.isFinite, p.y.isFinite, x >= 0, y >= 0, x < side, y < side else { return 0 }
        return probabilities[y * side + x]
    }
}
