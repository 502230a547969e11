extension RGBImage {
    /// The largest centred rectangle with `aspectRatio` (= width / height).
    /// Returns the whole image when the ratio is not a positive finite number.
    public func centerCropRect(aspectRatio: Double) -> PixelRect {
        guard aspectRatio.isFinite, aspectRatio > 0 else { return bounds }
        let imageRatio = Double(width) / Double(height)
        if imageRatio > aspectRatio {
            let cropWidth = min(width, max(1, Int((Double(height) * aspectRatio).rounded())))
            return PixelRect(x: (width - cropWidth) / 2, y: 0, width: cropWidth, height: height)
        } else {
            let cropHeight = min(height, max(1, Int((Double(width) / aspectRatio).rounded())))
            return PixelRect(x: 0, y: (height - cropHeight) / 2, width: width, height: cropHeight)
        }
    }

    /// The largest centred crop with `aspectRatio` (= width / height).
    public func centerCropped(aspectRatio: Double) throws(ImageError) -> RGBImage {
        guard aspectRatio.isFinite, aspectRatio > 0 else {
            throw .invalidArgument("aspect ratio must be positive and finite, got \(aspectRatio)")
        }
        return try cropped(to: centerCropRect(aspectRatio: aspectRatio))
    }

    /// Centre-crops to the aspect ratio of `size`, then resizes to `size` (one resampling pass).
    public func centerCropped(resizedTo size: ImageSize, filter: ResizeFilter = .bilinear) throws(ImageError) -> RGBImage {
        guard size.width > 0, size.height > 0 else { throw .invalidArgument("target size must be positive, got \(size)") }
        let rect = centerCropRect(aspectRatio: Double(size.width) / Double(size.height))
        return try cropped(to: rect, resizedTo: size, filter: filter)
    }
}
