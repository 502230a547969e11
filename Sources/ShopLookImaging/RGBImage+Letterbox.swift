extension RGBImage {
    /// Fits the image inside `size` preserving its aspect ratio, centred, padding the rest with
    /// `padding`. The returned transform maps points/boxes between source and letterboxed frames.
    public func letterboxed(to size: ImageSize, padding: RGBColor, filter: ResizeFilter = .bilinear) throws(ImageError) -> LetterboxedImage {
        guard size.width > 0, size.height > 0 else { throw .invalidArgument("target size must be positive, got \(size)") }
        let transform = LetterboxTransform(fitting: self.size, into: size)
        let content = transform.contentRect
        let resized = try self.resized(to: content.size, filter: filter)
        var canvas = try RGBImage(width: size.width, height: size.height, fill: padding)
        canvas.paste(resized, at: content.x, content.y)
        return LetterboxedImage(image: canvas, transform: transform)
    }

    /// Copies `image` into this one with its top-left corner at (x, y); must fit entirely.
    mutating func paste(_ image: RGBImage, at x: Int, _ y: Int) {
        precondition(x >= 0 && y >= 0 && x + image.width <= width && y + image.height <= height)
        let dstStride = rowStride
        let rowBytes = image.rowStride
        pixels.withUnsafeMutableBufferPointer { dst in
            image.pixels.withUnsafeBufferPointer { src in
                guard let d = dst.baseAddress, let s = src.baseAddress else { return }
                for row in 0..<image.height {
                    (d + (y + row) * dstStride + x * 3).update(from: s + row * rowBytes, count: rowBytes)
                }
            }
        }
    }
}
