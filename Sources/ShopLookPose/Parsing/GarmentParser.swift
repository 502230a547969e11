import Foundation
import ShopLookCore
import ShopLookImaging
import ShopLookRuntimes

/// The learned garment parser: article boxes of a person from the garments it sees, not only from where the
/// joints are (``ArticleLocator``).
///
/// The pose landmarks frame the person (``ParserFrame``); EfficientNet-Lite0's first blocks describe each cell of
/// the crop (``ParserBackbone``); a small classifier trained on `ccp/`'s pixel masks (``GarmentClassifier``, by
/// `shoplook train parser`) gives each cell's garment class; the boxes bound the connected parts of each
/// article's classes (``GarmentRegions``).
///
/// Holds an ONNX Runtime session: use it from one thread (``PoseService`` runs it on its own).
public final class GarmentParser {
    public let classifier: GarmentClassifier
    public var regionRules = GarmentRegions()
    /// The pose-guided locator whose upper-wear and footwear boxes the parser's are averaged with (``GarmentRegions/fused(parsed:guided:)``);
    /// `nil` for the parser's boxes alone.
    public var locator: ArticleLocator? = ArticleLocator()
    let backbone: ParserBackbone

    /// A name for logs and reports: `garment-parser@` and the weights' content id.
    public var modelVersion: String { "garment-parser@\(classifier.contentID)" }

    /// The parser with the weights at `weights` on the backbone of `files`. Errors name the file and how to make
    /// it; weights trained on another backbone are refused.
    public init(files: ModelFiles, weights: URL) throws(GarmentParserError) {
        guard let data = FileManager.default.contents(atPath: weights.path) else {
            throw .weightsMissing(weights.path)
        }
        do {
            classifier = try GarmentClassifier(serialized: [UInt8](data))
        } catch {
            throw .invalidWeights("\(weights.path): \(error)")
        }
        do {
            backbone = try ParserBackbone(files: files)
        } catch {
            throw .runtime(error)
        }
        guard classifier.backboneVersion == backbone.modelVersion else {
            throw .invalidWeights(
                "\(weights.path) was trained on \(classifier.backboneVersion), the models hold \(backbone.modelVersion): train it again (shoplook train parser)")
        }
        guard classifier.inputCount == Self.inputCount else {
            throw .invalidWeights("\(weights.path) takes \(classifier.inputCount) inputs per cell, the parser gives \(Self.inputCount)")
        }
    }

    /// The backbone alone, to compute training features (``cellFeatures(of:landmarks:)``) before any weights exist.
    public static func featureExtractor(files: ModelFiles) throws(GarmentParserError) -> GarmentFeatureExtractor {
        do {
            return GarmentFeatureExtractor(backbone: try ParserBackbone(files: files))
        } catch {
            throw .runtime(error)
        }
    }

    /// Inputs per cell: the backbone's features and the body-relative position.
    public static let inputCount = ParserBackbone.featureCount + ParserFrame.positionFeatureCount

    /// The articles of the person in `result`, in the order upper, lower, foot; empty without landmarks.
    public func locate(_ result: PoseResult, image: RGBImage) throws(GarmentParserError) -> [ArticleRegion] {
        var absent: [SuperCategory: String] = [:]
        return try locate(result, image: image, absent: &absent)
    }

    /// The articles, and in `absent` why each article the parser gives no box has none (a dress: no lower wear).
    public func locate(_ result: PoseResult, image: RGBImage, absent: inout [SuperCategory: String]) throws(GarmentParserError) -> [ArticleRegion] {
        guard let landmarks = result.landmarks, let frame = ParserFrame(landmarks: landmarks) else { return [] }
        let probabilities = try cellProbabilities(of: image, frame: frame)
        let parsed = regionRules.regions(
            probabilities: probabilities, frame: frame, width: image.width, height: image.height, absent: &absent)
        guard let locator else { return parsed }
        return GarmentRegions.fused(parsed: parsed, guided: locator.locate(result, image: image))
    }

    /// Each cell's class probabilities (`GarmentClass.allCases.count` per cell, cells row by row).
    public func cellProbabilities(of image: RGBImage, frame: ParserFrame) throws(GarmentParserError) -> [Float] {
        let features = try GarmentFeatureExtractor(backbone: backbone).cellFeatures(of: image, frame: frame)
        return classifier.probabilities(features, rows: ParserFrame.cellCount)
    }
}

/// The parser's inputs per cell (backbone features, then position), for training and for the parser itself.
public struct GarmentFeatureExtractor {
    let backbone: ParserBackbone

    /// The backbone's version id (trained weights record it).
    public var backboneVersion: String { backbone.modelVersion }

    /// `GarmentParser.inputCount` values per cell, cells row by row.
    public func cellFeatures(of image: RGBImage, frame: ParserFrame) throws(GarmentParserError) -> [Float] {
        let deep: [Float]
        do {
            deep = try backbone.features(of: image, in: frame)
        } catch let error as RuntimeError {
            throw .runtime(error)
        } catch let error as ImageError {
            throw .image(error)
        } catch {
            throw .invalidWeights("\(error)")
        }
        let position = frame.positionFeatures()
        let deepCount = ParserBackbone.featureCount, positionCount = ParserFrame.positionFeatureCount
        var features = [Float](repeating: 0, count: ParserFrame.cellCount * GarmentParser.inputCount)
        for cell in 0..<ParserFrame.cellCount {
            let base = cell * GarmentParser.inputCount
            for index in 0..<deepCount { features[base + index] = deep[cell * deepCount + index] }
            for index in 0..<positionCount { features[base + deepCount + index] = position[cell * positionCount + index] }
        }
        return features
    }
}

public enum GarmentParserError: Error, CustomStringConvertible, Sendable {
    /// No trained weights at the path.
    case weightsMissing(String)
    case invalidWeights(String)
    case runtime(RuntimeError)
    case image(ImageError)

    public var description: String {
        switch self {
        case .weightsMissing(let path):
            "no garment parser weights at \(path): train them with `shoplook train parser --data ccp/` (Deploy/setup does when the ccp data set is present)"
        case .invalidWeights(let reason): "garment parser weights: \(reason)"
        case .runtime(let error): "garment parser runtime: \(error)"
        case .image(let error): "garment parser image: \(error)"
        }
    }
}
