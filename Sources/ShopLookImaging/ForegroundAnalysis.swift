/// The pixel work behind `foregroundTrim`.
enum ForegroundAnalysis {
    /// `nil` when the border is not plain; otherwise the background and the foreground box
    /// (`nil` box when there is no foreground), without margin.
    static func box(in image: RGBImage, options: ForegroundTrimOptions) -> (PixelRect?, RGBColor)? {
        let width = image.width
        let height = image.height
        let band = max(1, min(min(width, height) / 2 - 1, Int((Double(min(width, height)) * options.borderFraction).rounded())))
        let threshold = Int32(max(0, min(255, options.threshold)))
        return image.withUnsafePixels { src -> (PixelRect?, RGBColor)? in
            guard let s = src.baseAddress else { return nil }
            let stride = width * 3

            // Sides as (x range, y range): top, bottom, left, right (left/right exclude the corners).
            let sides: [(Range<Int>, Range<Int>)] = [
                (0..<width, 0..<band),
                (0..<width, (height - band)..<height),
                (0..<band, band..<(height - band)),
                ((width - band)..<width, band..<(height - band)),
            ]

            // Median border colour from per-channel histograms.
            var histogram = [Int](repeating: 0, count: 3 * 256)
            var borderCount = 0
            for (xs, ys) in sides {
                for y in ys {
                    for x in xs {
                        let p = s + y * stride + x * 3
                        histogram[Int(p[0])] += 1
                        histogram[256 + Int(p[1])] += 1
                        histogram[512 + Int(p[2])] += 1
                        borderCount += 1
                    }
                }
            }
            guard borderCount > 0 else { return nil }
            func median(_ channel: Int) -> UInt8 {
                var seen = 0
                for value in 0..<256 {
                    seen += histogram[channel * 256 + value]
                    if seen * 2 >= borderCount { return UInt8(value) }
                }
                return 255
            }
            let background = RGBColor(r: median(0), g: median(1), b: median(2))
            let br = Int32(background.r), bg = Int32(background.g), bb = Int32(background.b)

            @inline(__always) func differs(_ p: UnsafePointer<UInt8>) -> Bool {
                max(abs(Int32(p[0]) - br), abs(Int32(p[1]) - bg), abs(Int32(p[2]) - bb)) > threshold
            }

            // Border agreement, overall and per side.
            var agreeingTotal = 0
            var uniformSides = 0
            for (xs, ys) in sides {
                var agreeing = 0
                for y in ys {
                    for x in xs where !differs(s + y * stride + x * 3) { agreeing += 1 }
                }
                let count = xs.count * ys.count
                agreeingTotal += agreeing
                if count > 0, Double(agreeing) >= options.sideAgreement * Double(count) { uniformSides += 1 }
            }
            guard Double(agreeingTotal) >= options.minimumBorderAgreement * Double(borderCount),
                  uniformSides >= options.minimumUniformSides
            else { return nil }

            // Foreground mask, then 2×2 erosion folded into row/column counts.
            var mask = [UInt8](repeating: 0, count: width * height)
            mask.withUnsafeMutableBufferPointer { m in
                for y in 0..<height {
                    let row = s + y * stride
                    for x in 0..<width where differs(row + x * 3) { m[y * width + x] = 1 }
                }
            }
            var rowCounts = [Int](repeating: 0, count: height)
            var columnCounts = [Int](repeating: 0, count: width)
            mask.withUnsafeBufferPointer { m in
                for y in 0..<(height - 1) {
                    let top = y * width
                    let bottom = top + width
                    for x in 0..<(width - 1)
                    where m[top + x] & m[top + x + 1] & m[bottom + x] & m[bottom + x + 1] != 0 {
                        // The surviving 2×2 block covers columns x, x+1 and rows y, y+1.
                        rowCounts[y] += 1
                        rowCounts[y + 1] += 1
                        columnCounts[x] += 1
                        columnCounts[x + 1] += 1
                    }
                }
            }
            let minRow = max(1, Int((Double(width) * options.minimumLineFraction).rounded(.up)))
            let minColumn = max(1, Int((Double(height) * options.minimumLineFraction).rounded(.up)))
            guard let y0 = rowCounts.firstIndex(where: { $0 >= minRow }),
                  let y1 = rowCounts.lastIndex(where: { $0 >= minRow }),
                  let x0 = columnCounts.firstIndex(where: { $0 >= minColumn }),
                  let x1 = columnCounts.lastIndex(where: { $0 >= minColumn })
            else { return (nil, background) }
            return (PixelRect(x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1), background)
        }
    }
}
