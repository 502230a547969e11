extension RGBImage {
    /// Resamples the image through an affine transform (OpenCV `warpAffine` semantics with
    /// `INTER_LINEAR` and `BORDER_CONSTANT`).
    ///
    /// `transform` maps *source* coordinates to *output* coordinates. For each output pixel
    /// centre the inverse is applied and the source is sampled bilinearly; neighbours outside
    /// the source contribute `border`. Coordinates follow `ImagePoint`'s convention (pixel
    /// centres at +0.5), so the identity copies exactly and 90° rotations about the image
    /// centre permute pixels exactly.
    public func warpAffine(_ transform: AffineTransform, outputSize: ImageSize, border: RGBColor) throws(ImageError) -> RGBImage {
        guard outputSize.width > 0, outputSize.height > 0 else {
            throw .invalidArgument("output size must be positive, got \(outputSize)")
        }
        _ = try RGBImage.byteCount(width: outputSize.width, height: outputSize.height)
        guard let inverse = transform.inverted() else {
            throw .invalidArgument("transform is not invertible")
        }
        let srcWidth = width
        let srcHeight = height
        let stride = rowStride
        let borderValues: (Float, Float, Float) = (Float(border.r), Float(border.g), Float(border.b))
        return withUnsafePixels { src in
            RGBImage(width: outputSize.width, height: outputSize.height) { dst in
                guard let s = src.baseAddress, let d = dst.baseAddress else { return }
                let snap = 1e-6
                var out = d
                for oy in 0..<outputSize.height {
                    let cy = Double(oy) + 0.5
                    for ox in 0..<outputSize.width {
                        let cx = Double(ox) + 0.5
                        // Source position in pixel-index space (centres at integers).
                        var u = inverse.m00 * cx + inverse.m01 * cy + inverse.m02 - 0.5
                        var v = inverse.m10 * cx + inverse.m11 * cy + inverse.m12 - 0.5
                        let ur = u.rounded(), vr = v.rounded()
                        if abs(u - ur) < snap { u = ur }
                        if abs(v - vr) < snap { v = vr }
                        // Far outside (or NaN): border. Keeps Int conversion in range.
                        guard u > -2, v > -2, u < Double(srcWidth + 1), v < Double(srcHeight + 1) else {
                            out[0] = border.r
                            out[1] = border.g
                            out[2] = border.b
                            out += 3
                            continue
                        }
                        let fu = u.rounded(.down), fv = v.rounded(.down)
                        let x0 = Int(fu), y0 = Int(fv)
                        let ax = Float(u - fu), ay = Float(v - fv)
                        let x0In = x0 >= 0 && x0 < srcWidth, x1In = x0 + 1 >= 0 && x0 + 1 < srcWidth
                        let y0In = y0 >= 0 && y0 < srcHeight, y1In = y0 + 1 >= 0 && y0 + 1 < srcHeight
                        let w00 = (1 - ax) * (1 - ay), w10 = ax * (1 - ay), w01 = (1 - ax) * ay, w11 = ax * ay
                        for c in 0..<3 {
                            let b: Float = c == 0 ? borderValues.0 : (c == 1 ? borderValues.1 : borderValues.2)
                            let p00 = x0In && y0In ? Float(s[y0 * stride + x0 * 3 + c]) : b
                            let p10 = x1In && y0In ? Float(s[y0 * stride + (x0 + 1) * 3 + c]) : b
                            let p01 = x0In && y1In ? Float(s[(y0 + 1) * stride + x0 * 3 + c]) : b
                            let p11 = x1In && y1In ? Float(s[(y0 + 1) * stride + (x0 + 1) * 3 + c]) : b
                            let value = p00 * w00 + p10 * w10 + p01 * w01 + p11 * w11
                            out[c] = UInt8(min(max(value + 0.5, 0), 255))
                        }
                        out += 3
                    }
                }
            }
        }
    }

    /// The image rotated by `radians` (clockwise on screen) about `center`, rendered into
    /// `outputSize` with the source `center` placed at the output centre.
    public func rotated(
        radians: Double,
        around center: ImagePoint,
        outputSize: ImageSize,
        border: RGBColor
    ) throws(ImageError) -> RGBImage {
        let transform = AffineTransform.rotation(radians: radians, around: center)
            .concatenating(.translation(x: Double(outputSize.width) / 2 - center.x, y: Double(outputSize.height) / 2 - center.y))
        return try warpAffine(transform, outputSize: outputSize, border: border)
    }
}
