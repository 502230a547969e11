import ShopLookCore

/// Article boxes from the garment parser's cell probabilities.
///
/// The 48 × 24 grid of probabilities is interpolated (bilinear between cell centres) to `upsampling` × as many
/// points each way, and each point takes its most probable class. An article is the set of points of its classes
/// — upper wear: upper or dress; lower wear; footwear — split into connected parts (4-neighbourhood); parts of
/// at least `minimumShare` of the largest one count (both shoes, a jacket's two open sides), smaller ones are
/// noise. The box bounds the parts that count, in image pixels, clipped to the image.
///
/// A dress is upper wear, and a dress photo has no lower wear (`ccp`'s ground truth has no lower box there): when
/// the dress points outnumber the lower-wear points `dressDominance` to one, there is no lower-wear box.
public struct GarmentRegions: Sendable, Hashable {
    public var upsampling = 4
    public var minimumShare = 0.1
    public var minimumPoints = 4
    public var dressDominance = 2.0

    public init() {}

    /// Why the parser gives a person no lower wear where the dress dominates (a shopper reads it beside the look).
    public static let dressReason = "a dress: worn as one piece with the upper wear"

    /// The regions in the order upper, lower, foot (those found), for an image of `width` × `height`.
    public func regions(probabilities: [Float], frame: ParserFrame, width: Int, height: Int) -> [ArticleRegion] {
        var absent: [SuperCategory: String] = [:]
        return regions(probabilities: probabilities, frame: frame, width: width, height: height, absent: &absent)
    }

    /// The regions, and in `absent` why each article without one has none.
    public func regions(
        probabilities: [Float], frame: ParserFrame, width: Int, height: Int, absent: inout [SuperCategory: String]
    ) -> [ArticleRegion] {
        let classes = GarmentClass.allCases.count
        precondition(probabilities.count == ParserFrame.cellCount * classes)
        let labels = labelGrid(probabilities)
        let gridWidth = ParserFrame.gridWidth * upsampling, gridHeight = ParserFrame.gridHeight * upsampling
        var counts = [Int](repeating: 0, count: classes)
        for label in labels { counts[Int(label)] += 1 }
        let articles: [(SuperCategory, Set<GarmentClass>)] = [(.upper, [.upper, .dress]), (.lower, [.lower]), (.foot, [.footwear])]
        var regions: [ArticleRegion] = []
        for (category, members) in articles {
            if category == .lower, Double(counts[GarmentClass.dress.rawValue]) > dressDominance * Double(counts[GarmentClass.lower.rawValue]) {
                absent[category] = Self.dressReason
                continue
            }
            let parts = partsOf(labels, width: gridWidth, height: gridHeight, probabilities: probabilities) {
                members.contains(GarmentClass(rawValue: Int($0))!)
            }
            guard let largest = parts.first, largest.points >= minimumPoints else {
                absent[category] = "no such garment parsed"
                continue
            }
            let kept = parts.filter { Double($0.points) >= minimumShare * Double(largest.points) }
            let x0 = kept.map(\.x0).min()!, y0 = kept.map(\.y0).min()!, x1 = kept.map(\.x1).max()!, y1 = kept.map(\.y1).max()!
            let scale = Double(upsampling)
            let topLeft = frame.imagePoint(column: Double(x0) / scale, row: Double(y0) / scale)
            let bottomRight = frame.imagePoint(column: Double(x1) / scale, row: Double(y1) / scale)
            let box = BoundingBox(
                x0: min(max(topLeft.x, 0), Double(width)), y0: min(max(topLeft.y, 0), Double(height)),
                x1: min(max(bottomRight.x, 0), Double(width)), y1: min(max(bottomRight.y, 0), Double(height)))
            guard box.x1 - box.x0 >= 1, box.y1 - box.y0 >= 1 else {
                absent[category] = "its box lies outside the photo"
                continue
            }
            let score = kept.map(\.probabilitySum).reduce(0, +) / Double(kept.map(\.points).reduce(0, +))
            regions.append(ArticleRegion(superCategory: category, box: box, score: score))
        }
        return regions
    }

    /// The articles whose parsed box is averaged with the pose-guided one (``fused(parsed:guided:)``).
    public static let averagedWithGuided: Set<SuperCategory> = [.upper, .foot]

    /// The parser's regions, the upper-wear and footwear boxes each averaged, coordinate by coordinate, with the
    /// pose-guided locator's box of the same article where it has one; the lower-wear box is the parser's own. The
    /// parser decides which articles there are (a dress has no lower wear). For upper wear and footwear the two boxes
    /// err differently (the parser at the cells' resolution and where garments look alike, the locator where a
    /// garment does not follow the joints) and their mean is closer to the truth than either; for lower wear the
    /// locator's box (hip to ankle, shortened by the hemline it finds) drags a skirt's or shorts' box down the legs.
    /// 5-fold on `ccp/` (384 × 192 crop, `shoplook eval articles --parser-folds 5`, `per_article`): upper 0.909 mean
    /// against 0.882 parser, footwear 0.859 against 0.831, lower 0.776 parser against 0.766 mean; picked per article on
    /// each fold's other four folds' held-out boxes, the same pick in all five.
    public static func fused(parsed: [ArticleRegion], guided: [ArticleRegion]) -> [ArticleRegion] {
        parsed.map { region in
            guard averagedWithGuided.contains(region.superCategory),
                  let other = guided.first(where: { $0.superCategory == region.superCategory })?.box else { return region }
            var fused = region
            let box = region.box
            fused.box = BoundingBox(x0: (box.x0 + other.x0) / 2, y0: (box.y0 + other.y0) / 2, x1: (box.x1 + other.x1) / 2, y1: (box.y1 + other.y1) / 2)
            return fused
        }
    }

    /// The most probable class at each point of the interpolated grid, row by row.
    func labelGrid(_ probabilities: [Float]) -> [UInt8] {
        let classes = GarmentClass.allCases.count
        let cellsWide = ParserFrame.gridWidth, cellsHigh = ParserFrame.gridHeight
        let width = cellsWide * upsampling, height = cellsHigh * upsampling
        var labels = [UInt8](repeating: 0, count: width * height)
        let factor = Double(upsampling)
        func axis(_ index: Int, cells: Int) -> (Int, Int, Float) {
            let position = (Double(index) + 0.5) / factor - 0.5
            let lower = min(max(Int(position.rounded(.down)), 0), cells - 1)
            let upper = min(lower + 1, cells - 1)
            let weight = Float(min(max(position - Double(lower), 0), 1))
            return (lower, upper, weight)
        }
        for y in 0..<height {
            let (r0, r1, wy) = axis(y, cells: cellsHigh)
            for x in 0..<width {
                let (c0, c1, wx) = axis(x, cells: cellsWide)
                var best = 0
                var bestValue = -Float.infinity
                for c in 0..<classes {
                    let top = probabilities[(r0 * cellsWide + c0) * classes + c] * (1 - wx) + probabilities[(r0 * cellsWide + c1) * classes + c] * wx
                    let bottom = probabilities[(r1 * cellsWide + c0) * classes + c] * (1 - wx) + probabilities[(r1 * cellsWide + c1) * classes + c] * wx
                    let value = top * (1 - wy) + bottom * wy
                    if value > bestValue {
                        bestValue = value
                        best = c
                    }
                }
                labels[y * width + x] = UInt8(best)
            }
        }
        return labels
    }

    /// One connected part: its point count, bounds (exclusive end, grid points) and summed cell probability of
    /// the part's classes (for the region's score).
    struct Part {
        var points = 0
        var x0 = Int.max, y0 = Int.max, x1 = 0, y1 = 0
        var probabilitySum = 0.0
    }

    /// Connected parts of the points whose label is a member, largest first.
    func partsOf(_ labels: [UInt8], width: Int, height: Int, probabilities: [Float], member: (UInt8) -> Bool) -> [Part] {
        let classes = GarmentClass.allCases.count
        var seen = [Bool](repeating: false, count: labels.count)
        var parts: [Part] = []
        var stack: [Int] = []
        for start in labels.indices where !seen[start] && member(labels[start]) {
            var part = Part()
            seen[start] = true
            stack.append(start)
            while let index = stack.popLast() {
                let x = index % width, y = index / width
                part.points += 1
                part.x0 = min(part.x0, x)
                part.y0 = min(part.y0, y)
                part.x1 = max(part.x1, x + 1)
                part.y1 = max(part.y1, y + 1)
                let cell = (y / upsampling) * ParserFrame.gridWidth + x / upsampling
                part.probabilitySum += Double(probabilities[cell * classes + Int(labels[index])])
                for (nx, ny) in [(x - 1, y), (x + 1, y), (x, y - 1), (x, y + 1)] where nx >= 0 && ny >= 0 && nx < width && ny < height {
                    let next = ny * width + nx
                    if !seen[next] && member(labels[next]) {
                        seen[next] = true
                        stack.append(next)
                    }
                }
            }
            parts.append(part)
        }
        return parts.sorted { $0.points > $1.points }
    }
}
