extension RGBImage {
    /// The image as displayed for a stored image carrying `orientation`
    /// (mirror / rotate / transpose; width and height swap for 5–8).
    public func applyingOrientation(_ orientation: EXIFOrientation) -> RGBImage {
        if orientation == .up { return self }
        let srcWidth = width
        let srcHeight = height
        let out = orientation.displayedSize(storedWidth: srcWidth, storedHeight: srcHeight)
        // Destination index of stored pixel (x, y): base + x * stepX + y * stepY (in pixels).
        let dstW = out.width
        let dstH = out.height
        let (base, stepX, stepY): (Int, Int, Int) = switch orientation {
        case .up: (0, 1, dstW)
        case .upMirrored: (dstW - 1, -1, dstW)
        case .down: ((dstH - 1) * dstW + dstW - 1, -1, -dstW)
        case .downMirrored: ((dstH - 1) * dstW, 1, -dstW)
        case .leftMirrored: (0, dstW, 1)
        case .right: (dstW - 1, dstW, -1)
        case .rightMirrored: ((dstH - 1) * dstW + dstW - 1, -dstW, -1)
        case .left: ((dstH - 1) * dstW, -dstW, 1)
        }
        return RGBImage(width: dstW, height: dstH) { dst in
            pixels.withUnsafeBufferPointer { src in
                guard let s = src.baseAddress, let d = dst.baseAddress else { return }
                for y in 0..<srcHeight {
                    var srcIndex = y * srcWidth * 3
                    var dstPixel = base + y * stepY
                    for _ in 0..<srcWidth {
                        let dstIndex = dstPixel * 3
                        d[dstIndex] = s[srcIndex]
                        d[dstIndex + 1] = s[srcIndex + 1]
                        d[dstIndex + 2] = s[srcIndex + 2]
                        srcIndex += 3
                        dstPixel += stepX
                    }
                }
            }
        }
    }
}
