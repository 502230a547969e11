extension RGBImage {
    /// `rect` clamped to the image bounds, or `nil` when nothing of it lies inside.
    public func clamped(_ rect: PixelRect) -> PixelRect? {
        rect.intersection(bounds)
    }

    /// The pixels inside `rect`, after clamping it to the image.
    /// Throws `invalidArgument` when the clamped rectangle is empty.
    public func cropped(to rect: PixelRect) throws(ImageError) -> RGBImage {
        guard let region = clamped(rect) else {
            throw .invalidArgument("crop \(rect) does not intersect the \(width)x\(height) image")
        }
        if region == bounds { return self }
        let srcStride = rowStride
        let dstStride = region.width * 3
        return RGBImage(width: region.width, height: region.height) { dst in
            pixels.withUnsafeBufferPointer { src in
                guard let s = src.baseAddress, let d = dst.baseAddress else { return }
                for row in 0..<region.height {
                    let from = s + (region.y + row) * srcStride + region.x * 3
                    (d + row * dstStride).update(from: from, count: dstStride)
                }
            }
        }
    }

    /// Crops `rect` (clamped) and resizes it to `size` in one pass, without an intermediate copy.
    public func cropped(to rect: PixelRect, resizedTo size: ImageSize, filter: ResizeFilter = .bilinear) throws(ImageError) -> RGBImage {
        guard let region = clamped(rect) else {
            throw .invalidArgument("crop \(rect) does not intersect the \(width)x\(height) image")
        }
        return try Resampler.resize(self, region: region, to: size, filter: filter)
    }
}
