extension RGBImage {
    /// The image resampled to `width × height` (the aspect ratio is not preserved).
    public func resized(width: Int, height: Int, filter: ResizeFilter = .bilinear) throws(ImageError) -> RGBImage {
        try Resampler.resize(self, region: bounds, to: ImageSize(width: width, height: height), filter: filter)
    }

    /// The image resampled to `size` (the aspect ratio is not preserved).
    public func resized(to size: ImageSize, filter: ResizeFilter = .bilinear) throws(ImageError) -> RGBImage {
        try Resampler.resize(self, region: bounds, to: size, filter: filter)
    }

    /// The image resampled so that its shorter side is `shorterSide`, preserving the aspect ratio
    /// (the longer side is rounded to the nearest pixel, at least 1).
    public func resized(shorterSide: Int, filter: ResizeFilter = .bilinear) throws(ImageError) -> RGBImage {
        guard shorterSide > 0 else { throw .invalidArgument("shorter side must be positive, got \(shorterSide)") }
        let size: ImageSize
        if width <= height {
            size = ImageSize(width: shorterSide, height: max(1, Int((Double(height) * Double(shorterSide) / Double(width)).rounded())))
        } else {
            size = ImageSize(width: max(1, Int((Double(width) * Double(shorterSide) / Double(height)).rounded())), height: shorterSide)
        }
        return try resized(to: size, filter: filter)
    }
}
