import Foundation
import ShopLookCore
import ShopLookImaging
import ShopLookRuntimes

/// `ccp/` read for the garment parser (`shoplook train parser`, `shoplook eval articles --parser-folds`): per photo the pose, the parser's inputs per cell and each cell's class
/// shares from the pixel mask (`masks/NNNN.png`, one label index per pixel, the labels named in
/// `ground-truth.json`).
public struct GarmentTrainingSet: Sendable {
    public struct Photo: Sendable {
        public var name: String
        public var result: PoseResult
        /// The rules' verdict (``PoseVerdictRules``), not the learned one: that network was trained on these photos,
        /// and the articles' evaluation gates on the verdict.
        public var verdict: PoseVerdict
        public var width: Int
        public var height: Int
        public var frame: ParserFrame
        /// The pose-guided locator's boxes (``ArticleLocator``, with the photo), to compare with.
        public var poseGuided: [ArticleRegion]
        /// The ground-truth boxes by super-category.
        public var expected: [SuperCategory: BoundingBox]
    }

    public var photos: [Photo] = []
    /// `GarmentParser.inputCount` per cell, `ParserFrame.cellCount` cells per photo, photos in order.
    public var features: [Float] = []
    /// One share per ``GarmentClass`` per cell.
    public var targets: [Float] = []
    public var backboneVersion = ""
    /// Photos left out, with why (no person found, unreadable file).
    public var skipped: [[String: String]] = []

    /// `ground-truth.json`: the mask's labels, the garment ones by super-category, and per photo its boxes.
    struct GroundTruth: Decodable {
        struct Image: Decodable {
            var boxes: [String: BoundingBox]
        }
        var labels: [String]
        var superCategories: [String: [String]]
        var images: [String: Image]

        enum CodingKeys: String, CodingKey {
            case labels
            case superCategories = "super_categories"
            case images
        }
    }

    /// Reads `directory` (ground-truth.json, photos/, masks/): the first `limit` photos by name when given.
    public static func load(directory: URL, files: ModelFiles, limit: Int? = nil) throws -> GarmentTrainingSet {
        let truthURL = directory.appendingPathComponent("ground-truth.json")
        guard let data = FileManager.default.contents(atPath: truthURL.path) else { throw GarmentTrainingSetError("cannot read \(truthURL.path)") }
        let truth: GroundTruth
        do {
            truth = try JSONDecoder().decode(GroundTruth.self, from: data)
        } catch {
            throw GarmentTrainingSetError("\(truthURL.path): \(error)")
        }
        let labels = truth
        var superCategories: [SuperCategory: Set<String>] = [:]
        for (key, names) in labels.superCategories {
            if let category = SuperCategory(rawValue: key) { superCategories[category] = Set(names) }
        }
        let classOfLabel = labels.labels.map { GarmentClass.of(ccpLabel: $0, superCategories: superCategories).rawValue }
        let estimator = try PoseEstimator(files: files, includeMask: true)
        let extractor = try GarmentParser.featureExtractor(files: files)
        let decoder = ImageDecoder()
        var set = GarmentTrainingSet()
        set.backboneVersion = extractor.backboneVersion
        var names = truth.images.keys.sorted()
        if let limit { names = Array(names.prefix(limit)) }
        for name in names {
            do {
                let photoPath = directory.appendingPathComponent("photos/\(name).jpg").path
                let maskPath = directory.appendingPathComponent("masks/\(name).png").path
                guard let photoBytes = FileManager.default.contents(atPath: photoPath) else { throw GarmentTrainingSetError("cannot read \(photoPath)") }
                guard let maskBytes = FileManager.default.contents(atPath: maskPath) else { throw GarmentTrainingSetError("cannot read \(maskPath)") }
                let image = try estimator.decode([UInt8](photoBytes))
                let mask = try decoder.decode([UInt8](maskBytes))
                guard mask.width == image.width, mask.height == image.height else {
                    throw GarmentTrainingSetError("mask \(mask.width)×\(mask.height) differs from the photo \(image.width)×\(image.height)")
                }
                let result = try estimator.estimate(image)
                guard let landmarks = result.landmarks, let frame = ParserFrame(landmarks: landmarks) else {
                    set.skipped.append(["image": name, "reason": "no person found"])
                    continue
                }
                set.features += try extractor.cellFeatures(of: image, frame: frame)
                set.targets += try Self.classShares(mask: mask, frame: frame, classOfLabel: classOfLabel)
                set.photos.append(Photo(
                    name: name, result: result, verdict: PoseVerdictRules().verdict(result),
                    width: image.width, height: image.height, frame: frame, poseGuided: ArticleLocator().locate(result, image: image),
                    expected: truth.images[name]!.boxes.reduce(into: [:]) { boxes, entry in
                        if let category = SuperCategory(rawValue: entry.key) { boxes[category] = entry.value }
                    }))
            } catch {
                set.skipped.append(["image": name, "reason": "\(error)"])
            }
        }
        return set
    }

    /// Each cell's share of pixels of each class: the mask sampled (nearest pixel) at every pixel centre of the
    /// parser's 192 × 384 crop; outside the photo is background.
    public static func classShares(mask: RGBImage, frame: ParserFrame, classOfLabel: [Int]) throws -> [Float] {
        let classes = GarmentClass.allCases.count
        var shares = [Float](repeating: 0, count: ParserFrame.cellCount * classes)
        let perCell = ParserFrame.inputWidth / ParserFrame.gridWidth
        let weight = 1 / Float(perCell * perCell)
        let box = frame.box
        let stepX = (box.x1 - box.x0) / Double(ParserFrame.inputWidth), stepY = (box.y1 - box.y0) / Double(ParserFrame.inputHeight)
        var unknown: Int?
        mask.withUnsafePixels { pixels in
            for v in 0..<ParserFrame.inputHeight {
                let y = Int((box.y0 + (Double(v) + 0.5) * stepY).rounded(.down))
                for u in 0..<ParserFrame.inputWidth {
                    let x = Int((box.x0 + (Double(u) + 0.5) * stepX).rounded(.down))
                    var garment = GarmentClass.background.rawValue
                    if x >= 0, y >= 0, x < mask.width, y < mask.height {
                        let label = Int(pixels[(y * mask.width + x) * 3])
                        if label < classOfLabel.count { garment = classOfLabel[label] } else { unknown = label }
                    }
                    let cell = (v / perCell) * ParserFrame.gridWidth + u / perCell
                    shares[cell * classes + garment] += weight
                }
            }
        }
        if let unknown { throw GarmentTrainingSetError("mask label \(unknown) is not in ground-truth.json's labels") }
        return shares
    }
}

/// A data set the garment parser cannot read, with why.
public struct GarmentTrainingSetError: Error, CustomStringConvertible, Sendable {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
