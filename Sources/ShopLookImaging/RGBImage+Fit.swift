extension RGBImage {
    /// The size of this image scaled down, aspect ratio kept, so that neither side exceeds `maximumSide`
    /// (each side rounded to the nearest pixel, at least 1); the image's own size when it already fits.
    public func size(fittingWithin maximumSide: Int) throws(ImageError) -> ImageSize {
        try ImageSize(width: width, height: height).fitting(within: maximumSide)
    }

    /// The image scaled down, aspect ratio kept, so that neither side exceeds `maximumSide`; the image itself
    /// when it already fits (never enlarged).
    public func resized(fittingWithin maximumSide: Int, filter: ResizeFilter = .automatic) throws(ImageError) -> RGBImage {
        let target = try size(fittingWithin: maximumSide)
        guard target != size else { return self }
        return try resized(to: target, filter: filter)
    }
}

extension ImageSize {
    /// This size scaled down, aspect ratio kept, so that neither side exceeds `maximumSide` (sides rounded to the
    /// nearest pixel, at least 1); unchanged when it already fits.
    public func fitting(within maximumSide: Int) throws(ImageError) -> ImageSize {
        guard maximumSide > 0 else { throw .invalidArgument("maximum side must be positive, got \(maximumSide)") }
        guard width > 0, height > 0 else { throw .invalidArgument("image size must be positive, got \(self)") }
        let longer = max(width, height)
        guard longer > maximumSide else { return self }
        let scale = Double(maximumSide) / Double(longer)
        func scaled(_ side: Int) -> Int { side == longer ? maximumSide : max(1, Int((Double(side) * scale).rounded())) }
        return ImageSize(width: scaled(width), height: scaled(height))
    }
}
