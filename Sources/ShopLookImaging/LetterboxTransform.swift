/// How `RGBImage.letterboxed` placed a source image inside its target:
/// `target = content origin + source × scale`, per axis. Maps points both ways exactly.
public struct LetterboxTransform: Sendable, Hashable {
    public let sourceSize: ImageSize
    public let targetSize: ImageSize
    /// Where the resized source sits inside the target; the rest is padding.
    public let contentRect: PixelRect

    /// Fits `source` inside `target` preserving its aspect ratio, centred
    /// (padding split evenly, the odd pixel going right/bottom).
    public init(fitting source: ImageSize, into target: ImageSize) {
        let scale = min(Double(target.width) / Double(source.width), Double(target.height) / Double(source.height))
        let contentWidth = min(target.width, max(1, Int((Double(source.width) * scale).rounded())))
        let contentHeight = min(target.height, max(1, Int((Double(source.height) * scale).rounded())))
        self.sourceSize = source
        self.targetSize = target
        self.contentRect = PixelRect(
            x: (target.width - contentWidth) / 2,
            y: (target.height - contentHeight) / 2,
            width: contentWidth,
            height: contentHeight
        )
    }

    /// Horizontal scale, target pixels per source pixel (content width / source width).
    public var scaleX: Double { Double(contentRect.width) / Double(sourceSize.width) }
    /// Vertical scale (content height / source height); equals `scaleX` up to rounding of the content size.
    public var scaleY: Double { Double(contentRect.height) / Double(sourceSize.height) }
    /// Left padding in target pixels.
    public var offsetX: Double { Double(contentRect.x) }
    /// Top padding in target pixels.
    public var offsetY: Double { Double(contentRect.y) }

    /// A source point in target coordinates.
    public func toTarget(_ point: ImagePoint) -> ImagePoint {
        // Multiply before dividing so that integer positions map exactly.
        ImagePoint(
            x: offsetX + point.x * Double(contentRect.width) / Double(sourceSize.width),
            y: offsetY + point.y * Double(contentRect.height) / Double(sourceSize.height)
        )
    }

    /// A target point (e.g. a detection in model-input coordinates) in source coordinates.
    public func toSource(_ point: ImagePoint) -> ImagePoint {
        ImagePoint(
            x: (point.x - offsetX) * Double(sourceSize.width) / Double(contentRect.width),
            y: (point.y - offsetY) * Double(sourceSize.height) / Double(contentRect.height)
        )
    }

    /// The source → target mapping as an affine transform.
    public var affine: AffineTransform {
        AffineTransform(m00: scaleX, m01: 0, m02: offsetX, m10: 0, m11: scaleY, m12: offsetY)
    }
}
