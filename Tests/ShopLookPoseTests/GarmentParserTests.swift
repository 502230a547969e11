import ShopLookCore
import ShopLookImaging
import Testing
@testable import ShopLookPose

/// The garment parser's parts that need no model: the frame, the classifier and its training and file, the boxes
/// from cell probabilities, the class shares of a mask.
@Suite("Garment parser")
struct GarmentParserTests {
    static let classes = GarmentClass.allCases.count

    static func frame() throws -> ParserFrame {
        try #require(ParserFrame(landmarks: VisibleArticlesTests.person()))
    }

    @Test("the frame holds every landmark, is twice as high as wide and maps its grid back to the image")
    func frameGeometry() throws {
        let landmarks = VisibleArticlesTests.person()
        let frame = try Self.frame()
        let box = frame.box
        #expect(abs((box.y1 - box.y0) - 2 * (box.x1 - box.x0)) < 1e-6)
        for landmark in landmarks where landmark.presence >= 0.5 {
            #expect(landmark.x > box.x0 && landmark.x < box.x1 && landmark.y > box.y0 && landmark.y < box.y1)
        }
        // Grid corners are the box's corners; the crop transform sends them to the crop's corners.
        let corner = frame.imagePoint(column: Double(ParserFrame.gridWidth), row: Double(ParserFrame.gridHeight))
        #expect(abs(corner.x - box.x1) < 1e-9 && abs(corner.y - box.y1) < 1e-9)
        let mapped = frame.imageToCrop.apply(corner)
        #expect(abs(mapped.x - Double(ParserFrame.inputWidth)) < 1e-9 && abs(mapped.y - Double(ParserFrame.inputHeight)) < 1e-9)
        // Position features: a cell's height relative to the hips grows downwards, in torso units.
        let features = frame.positionFeatures()
        let hipRow = { (row: Int) in features[(row * ParserFrame.gridWidth) * ParserFrame.positionFeatureCount + 3] }
        #expect(hipRow(30) > hipRow(10))
        #expect(abs((hipRow(30) - hipRow(10)) - Float(20 * (box.y1 - box.y0) / Double(ParserFrame.gridHeight) / frame.torso)) < 1e-4)
    }

    @Test("no frame without a torso")
    func degenerateFrame() {
        // Shoulders and hips on one point: no torso to measure the body by.
        var landmarks = VisibleArticlesTests.person()
        landmarks[PoseLandmarkIndex.rightShoulder.rawValue] = landmarks[PoseLandmarkIndex.leftShoulder.rawValue]
        for index in [PoseLandmarkIndex.leftHip, .rightHip] { landmarks[index.rawValue] = landmarks[PoseLandmarkIndex.leftShoulder.rawValue] }
        #expect(ParserFrame(landmarks: landmarks) == nil)
        #expect(ParserFrame(landmarks: Array(VisibleArticlesTests.person().prefix(20))) == nil)
    }

    @Test("ccp's labels map to the parser's classes")
    func labelClasses() {
        let superCategories: [SuperCategory: Set<String>] = [.upper: ["blouse", "dress", "coat"], .lower: ["skirt", "jeans"], .foot: ["boots"]]
        let expected: [(String, GarmentClass)] = [
            ("null", .background), ("skin", .skinHair), ("hair", .skinHair), ("blouse", .upper), ("coat", .upper), ("dress", .dress),
            ("skirt", .lower), ("jeans", .lower), ("boots", .footwear), ("tights", .legwear), ("socks", .legwear), ("bag", .accessory),
            ("sunglasses", .accessory),
        ]
        for (label, garment) in expected {
            #expect(GarmentClass.of(ccpLabel: label, superCategories: superCategories) == garment, "\(label)")
        }
    }

    /// Rows of `inputs` Gaussian features labelled by the nearest of eight prototypes (one per class).
    static func synthetic(rows: Int, inputs: Int, seed: UInt64) -> (features: [Float], targets: [Float], labels: [Int]) {
        var prototypesRandom = SeededRandom(seed: 99)
        let prototypes = (0..<classes).map { _ in (0..<inputs).map { _ in Float(prototypesRandom.nextGaussian() * 2) } }
        var random = SeededRandom(seed: seed)
        var features: [Float] = [], targets = [Float](repeating: 0, count: rows * classes), labels: [Int] = []
        for row in 0..<rows {
            let label = random.nextIndex(classes)
            let point = prototypes[label].map { $0 + Float(random.nextGaussian() * 0.8) }
            features += point
            targets[row * classes + label] = 1
            labels.append(label)
        }
        return (features, targets, labels)
    }

    @Test("training learns the classes of held-out rows and the same seed gives the same weights")
    func training() {
        let inputs = 12
        let train = Self.synthetic(rows: 4000, inputs: inputs, seed: 1), test = Self.synthetic(rows: 1000, inputs: inputs, seed: 2)
        var trainer = GarmentClassifierTrainer()
        trainer.hiddenCount = 16
        trainer.epochs = 8
        trainer.batchSize = 64  // 500 steps
        let model = trainer.train(features: train.features, targets: train.targets, inputCount: inputs, rows: Array(0..<4000), backboneVersion: "b@1")
        let probabilities = model.probabilities(test.features, rows: 1000)
        var right = 0
        for row in 0..<1000 {
            let p = probabilities[(row * Self.classes)..<((row + 1) * Self.classes)]
            #expect(abs(p.reduce(0, +) - 1) < 1e-4)
            if p.indices.max(by: { p[$0] < p[$1] })! - row * Self.classes == test.labels[row] { right += 1 }
        }
        #expect(Double(right) / 1000 > 0.9, "held-out accuracy \(Double(right) / 1000)")
        let again = trainer.train(features: train.features, targets: train.targets, inputCount: inputs, rows: Array(0..<4000), backboneVersion: "b@1")
        #expect(again == model)
        // Training on some rows is training on those rows alone (the cross-validation's folds rely on it).
        let odd = (0..<4000).filter { $0 % 2 == 1 }
        let subset = trainer.train(features: train.features, targets: train.targets, inputCount: inputs, rows: odd, backboneVersion: "b@1")
        let alone = trainer.train(
            features: odd.flatMap { train.features[($0 * inputs)..<(($0 + 1) * inputs)] },
            targets: odd.flatMap { train.targets[($0 * Self.classes)..<(($0 + 1) * Self.classes)] }, inputCount: inputs,
            rows: Array(0..<odd.count), backboneVersion: "b@1")
        #expect(subset == alone)
        #expect(subset != model)
    }

    @Test("the weights file round-trips and refuses corruption")
    func weightsFile() throws {
        let data = Self.synthetic(rows: 600, inputs: 5, seed: 3)
        var trainer = GarmentClassifierTrainer()
        trainer.hiddenCount = 4
        trainer.epochs = 1
        let model = trainer.train(features: data.features, targets: data.targets, inputCount: 5, rows: Array(0..<600), backboneVersion: "backbone@abc")
        let bytes = model.serialized()
        let loaded = try GarmentClassifier(serialized: bytes)
        #expect(loaded == model)
        #expect(loaded.backboneVersion == "backbone@abc")
        #expect(loaded.contentID == model.contentID && loaded.contentID.count == 12)
        var flipped = bytes
        flipped[40] ^= 0x10
        #expect(throws: ParserFileError.invalid("checksum mismatch: the file is corrupt")) { try GarmentClassifier(serialized: flipped) }
        #expect(throws: ParserFileError.self) { try GarmentClassifier(serialized: Array(bytes.prefix(30))) }
        #expect(throws: ParserFileError.self) { try GarmentClassifier(serialized: Array("SLPROJ02".utf8) + bytes.dropFirst(8)) }
    }

    /// Cell probabilities: every cell certain of the class `paint(row, column)` gives.
    static func probabilities(_ paint: (Int, Int) -> GarmentClass) -> [Float] {
        var probabilities = [Float](repeating: 0, count: ParserFrame.cellCount * classes)
        for row in 0..<ParserFrame.gridHeight {
            for column in 0..<ParserFrame.gridWidth {
                probabilities[(row * ParserFrame.gridWidth + column) * classes + paint(row, column).rawValue] = 1
            }
        }
        return probabilities
    }

    @Test("boxes bound each article's parts in image pixels; both shoes count, a speck does not")
    func boxes() throws {
        let frame = try Self.frame()
        let probabilities = Self.probabilities { row, column in
            switch (row, column) {
            case (8..<20, 6..<14): .upper
            case (20..<30, 7..<13): .lower
            case (34..<37, 6..<9), (34..<37, 11..<14): .footwear
            case (2, 2): .footwear  // a speck far from the feet: under a tenth of the shoes
            default: .background
            }
        }
        let regions = GarmentRegions().regions(probabilities: probabilities, frame: frame, width: 400, height: 800)
        #expect(regions.map(\.superCategory) == [.upper, .lower, .foot])
        func expected(_ columns: Range<Int>, _ rows: Range<Int>) -> BoundingBox {
            // Cell centres are certain; interpolation moves the edge half a cell out, rounded to the 4× grid.
            let a = frame.imagePoint(column: Double(columns.lowerBound), row: Double(rows.lowerBound))
            let b = frame.imagePoint(column: Double(columns.upperBound), row: Double(rows.upperBound))
            return BoundingBox(x0: max(a.x, 0), y0: max(a.y, 0), x1: min(b.x, 400), y1: min(b.y, 800))
        }
        let cellWidth = (frame.box.x1 - frame.box.x0) / Double(ParserFrame.gridWidth)
        for (region, box) in zip(regions, [expected(6..<14, 8..<20), expected(7..<13, 20..<30), expected(6..<14, 34..<37)]) {
            #expect(abs(region.box.x0 - box.x0) <= cellWidth / 2 && abs(region.box.x1 - box.x1) <= cellWidth / 2, "\(region)")
            #expect(abs(region.box.y0 - box.y0) <= cellWidth / 2 && abs(region.box.y1 - box.y1) <= cellWidth / 2, "\(region)")
            #expect(region.score > 0.9 && region.score <= 1)
        }
    }

    @Test("a dress is upper wear and leaves no lower-wear box; lower wear beside a small dress part stays")
    func dress() throws {
        let frame = try Self.frame()
        let dressed = Self.probabilities { row, column in
            switch (row, column) {
            case (8..<28, 6..<14): .dress
            case (28..<30, 8..<12): .lower
            default: .background
            }
        }
        var absent: [SuperCategory: String] = [:]
        let regions = GarmentRegions().regions(probabilities: dressed, frame: frame, width: 400, height: 800, absent: &absent)
        #expect(regions.map(\.superCategory) == [.upper])
        // Why, for the shopper: the dress, and no footwear parsed at all.
        #expect(absent == [.lower: GarmentRegions.dressReason, .foot: "no such garment parsed"])
        let separates = Self.probabilities { row, column in
            switch (row, column) {
            case (8..<18, 6..<14): .upper
            case (18..<20, 6..<14): .dress
            case (20..<30, 7..<13): .lower
            default: .background
            }
        }
        var separatesAbsent: [SuperCategory: String] = [:]
        #expect(GarmentRegions().regions(probabilities: separates, frame: frame, width: 400, height: 800, absent: &separatesAbsent)
            .map(\.superCategory) == [.upper, .lower])
        #expect(separatesAbsent == [.foot: "no such garment parsed"])
    }

    @Test("fusing: upper-wear and footwear boxes are averaged with the pose-guided ones, lower wear keeps the parser's box, an article the locator lacks keeps its own")
    func fusing() {
        func region(_ category: SuperCategory, _ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double) -> ArticleRegion {
            ArticleRegion(superCategory: category, box: BoundingBox(x0: x0, y0: y0, x1: x1, y1: y1), score: 0.8)
        }
        let parsed = [region(.upper, 100, 100, 300, 400), region(.lower, 120, 380, 280, 520), region(.foot, 130, 700, 270, 760)]
        let guided = [region(.upper, 80, 120, 320, 360), region(.lower, 110, 390, 290, 720)]
        let fused = GarmentRegions.fused(parsed: parsed, guided: guided)
        #expect(fused.map(\.superCategory) == [.upper, .lower, .foot])
        #expect(fused[0].box == BoundingBox(x0: 90, y0: 110, x1: 310, y1: 380))
        #expect(fused[1].box == parsed[1].box)
        #expect(fused[2].box == parsed[2].box)
        let withFeet = GarmentRegions.fused(parsed: parsed, guided: guided + [region(.foot, 110, 720, 290, 780)])
        #expect(withFeet[2].box == BoundingBox(x0: 120, y0: 710, x1: 280, y1: 770))
        #expect(fused.map(\.score) == parsed.map(\.score))
    }

    @Test("a mask's class shares: each cell sums to one; a skirt's pixels make lower wear; outside the photo is background")
    func classShares() throws {
        let frame = try Self.frame()
        // Label 2 (a skirt) from y 420 to 560 between x 150 and 250, label 1 (skin) elsewhere inside x 120…280.
        var pixels = [UInt8](repeating: 0, count: 400 * 800 * 3)
        for y in 0..<800 {
            for x in 120..<280 {
                let label: UInt8 = (420..<560).contains(y) && (150..<250).contains(x) ? 2 : 1
                for c in 0..<3 { pixels[(y * 400 + x) * 3 + c] = label }
            }
        }
        let mask = try RGBImage(width: 400, height: 800, pixels: pixels)
        let classOfLabel = [GarmentClass.background, .skinHair, .lower].map(\.rawValue)
        let shares = try GarmentTrainingSet.classShares(mask: mask, frame: frame, classOfLabel: classOfLabel)
        for cell in 0..<ParserFrame.cellCount {
            #expect(abs(shares[(cell * Self.classes)..<((cell + 1) * Self.classes)].reduce(0, +) - 1) < 1e-4)
        }
        func cell(at x: Double, _ y: Double) -> Int {
            let p = frame.imageToCrop.apply(ImagePoint(x: x, y: y))
            return (Int(p.y) / 8) * ParserFrame.gridWidth + Int(p.x) / 8
        }
        #expect(shares[cell(at: 200, 490) * Self.classes + GarmentClass.lower.rawValue] == 1)
        #expect(shares[cell(at: 200, 300) * Self.classes + GarmentClass.skinHair.rawValue] == 1)
        #expect(shares[cell(at: 20, 300) * Self.classes + GarmentClass.background.rawValue] == 1)
        // An unknown label is an error, not a silent class.
        #expect(throws: GarmentTrainingSetError.self) {
            try GarmentTrainingSet.classShares(mask: mask, frame: frame, classOfLabel: Array(classOfLabel.prefix(2)))
        }
    }
}
