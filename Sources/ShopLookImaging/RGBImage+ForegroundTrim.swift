extension RGBImage {
    /// Finds the foreground of a product photo on a plain background.
    ///
    /// 1. Background = per-channel median of a border band; the band must agree with it
    ///    (see `ForegroundTrimOptions`), otherwise the whole image is returned.
    /// 2. Foreground mask: max channel difference from the background > `threshold`,
    ///    cleaned by a 2×2 erosion (drops isolated pixels and 1-pixel lines).
    /// 3. Rows/columns whose mask count reaches `minimumLineFraction` bound the box,
    ///    which gets a margin and is clamped to the image.
    public func foregroundTrim(options: ForegroundTrimOptions = ForegroundTrimOptions()) -> ForegroundTrimResult {
        guard width >= 4, height >= 4 else {
            return ForegroundTrimResult(box: bounds, background: nil, outcome: .imageTooSmall)
        }
        // Analyse a reduced copy of big images.
        var analysed = self
        if let maxSide = options.analysisMaxSide, maxSide >= 4, max(width, height) > maxSide {
            let scale = Double(maxSide) / Double(max(width, height))
            let size = ImageSize(
                width: max(4, Int((Double(width) * scale).rounded())),
                height: max(4, Int((Double(height) * scale).rounded()))
            )
            if let reduced = try? resized(to: size, filter: .area) { analysed = reduced }
        }
        guard let (found, background) = ForegroundAnalysis.box(in: analysed, options: options) else {
            return ForegroundTrimResult(box: bounds, background: nil, outcome: .nonUniformBackground)
        }
        guard var box = found else {
            return ForegroundTrimResult(box: bounds, background: background, outcome: .noForeground)
        }
        if analysed.width != width || analysed.height != height {
            // Map back, rounding outward, plus one analysis pixel for edges blurred by the reduction.
            let sx = Double(width) / Double(analysed.width)
            let sy = Double(height) / Double(analysed.height)
            let x0 = Int((Double(box.minX - 1) * sx).rounded(.down))
            let y0 = Int((Double(box.minY - 1) * sy).rounded(.down))
            let x1 = Int((Double(box.maxX + 1) * sx).rounded(.up))
            let y1 = Int((Double(box.maxY + 1) * sy).rounded(.up))
            box = PixelRect(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
        }
        let margin = max(options.minimumMargin, Int((Double(max(box.width, box.height)) * options.marginFraction).rounded()))
        let final = box.expanded(by: max(0, margin)).intersection(bounds) ?? bounds
        return ForegroundTrimResult(box: final, background: background, outcome: .trimmed)
    }

    /// `foregroundTrim` plus the cropped image (the image itself when nothing was trimmed).
    public func trimmedToForeground(options: ForegroundTrimOptions = ForegroundTrimOptions()) -> (image: RGBImage, result: ForegroundTrimResult) {
        let result = foregroundTrim(options: options)
        let image = (try? cropped(to: result.box)) ?? self
        return (image, result)
    }
}
