import CShopLookSIMD

/// Separable resampling kernels over unsafe buffers.
enum Resampler {
    static func resize(_ image: RGBImage, region: PixelRect, to size: ImageSize, filter: ResizeFilter) throws(ImageError) -> RGBImage {
        guard size.width > 0, size.height > 0 else {
            throw .invalidArgument("target size must be positive, got \(size)")
        }
        _ = try RGBImage.byteCount(width: size.width, height: size.height)
        guard region.x >= 0, region.y >= 0, region.width > 0, region.height > 0,
              region.maxX <= image.width, region.maxY <= image.height
        else {
            throw .invalidArgument("region \(region) is outside the \(image.width)x\(image.height) image")
        }
        if region.size == size {
            return region == image.bounds ? image : try image.cropped(to: region)
        }
        let resolved: ResizeFilter
        switch filter {
        case .automatic:
            let shrinksByTwo = region.width >= 2 * size.width || region.height >= 2 * size.height
            resolved = shrinksByTwo ? .area : .bilinear
        case .bilinear, .area:
            resolved = filter
        }
        return image.withUnsafePixels { src in
            RGBImage(width: size.width, height: size.height) { dst in
                if resolved == .area {
                    area(src, stride: image.rowStride, region: region, dst, size: size)
                } else {
                    bilinear(src, stride: image.rowStride, region: region, dst, size: size)
                }
            }
        }
    }

    // MARK: Bilinear

    /// Separable, in C (`sl_resize_bilinear_rgb8`): each output row blends its two source rows (vectorised),
    /// then each output pixel its two columns.
    private static func bilinear(
        _ src: UnsafeBufferPointer<UInt8>, stride: Int, region: PixelRect,
        _ dst: UnsafeMutableBufferPointer<UInt8>, size: ImageSize
    ) {
        guard let s = src.baseAddress, let d = dst.baseAddress else { return }
        let status = sl_resize_bilinear_rgb8(
            s + region.y * stride + region.x * 3, stride, Int32(region.width), Int32(region.height), d,
            Int32(size.width), Int32(size.height))
        precondition(status == 0, "bilinear resampling could not allocate its scratch rows")
    }

    // MARK: Area

    /// Per-axis box-filter contributions: output `d` averages `count[d]` source samples from
    /// `start[d]` with weights `weights[d * maxTaps ..< d * maxTaps + count[d]]` (summing to 1).
    private struct AreaAxis {
        var start: [Int32] = []
        var count: [Int32] = []
        var weights: [Float] = []
        var maxTaps = 0

        init(sourceLength: Int, destinationLength: Int) {
            let scale = Double(sourceLength) / Double(destinationLength)
            maxTaps = Int(scale.rounded(.up)) + 2
            start.reserveCapacity(destinationLength)
            count.reserveCapacity(destinationLength)
            weights = [Float](repeating: 0, count: destinationLength * maxTaps)
            for d in 0..<destinationLength {
                let lo = Double(d) * scale
                let hi = min(Double(d + 1) * scale, Double(sourceLength))
                let first = min(Int(lo), sourceLength - 1)
                let last = max(first, min(Int(hi.rounded(.up)) - 1, sourceLength - 1))
                var taps = 0
                var total = 0.0
                for s in first...last {
                    let overlap = min(Double(s + 1), hi) - max(Double(s), lo)
                    guard overlap > 1e-9, taps < maxTaps else { continue }
                    if taps == 0 { start.append(Int32(s)) }
                    weights[d * maxTaps + taps] = Float(overlap)
                    total += overlap
                    taps += 1
                }
                if taps == 0 { // degenerate (cannot happen for valid sizes); fall back to nearest
                    start.append(Int32(first))
                    weights[d * maxTaps] = 1
                    taps = 1
                    total = 1
                }
                for t in 0..<taps { weights[d * maxTaps + t] /= Float(total) }
                count.append(Int32(taps))
            }
        }
    }

    /// The taps in Swift, the arithmetic in C (`sl_resize_area_rgb8`): per output row the vertical taps into
    /// one float row (vectorised), then each output pixel's horizontal taps.
    private static func area(
        _ src: UnsafeBufferPointer<UInt8>, stride: Int, region: PixelRect,
        _ dst: UnsafeMutableBufferPointer<UInt8>, size: ImageSize
    ) {
        guard let s = src.baseAddress, let d = dst.baseAddress else { return }
        let xs = AreaAxis(sourceLength: region.width, destinationLength: size.width)
        let ys = AreaAxis(sourceLength: region.height, destinationLength: size.height)
        let status = sl_resize_area_rgb8(
            s + region.y * stride + region.x * 3, stride, Int32(region.width),
            ys.start, ys.count, ys.weights, Int32(ys.maxTaps), xs.start, xs.count, xs.weights, Int32(xs.maxTaps),
            d, Int32(size.width), Int32(size.height))
        precondition(status == 0, "area resampling could not allocate its scratch row")
    }
}
