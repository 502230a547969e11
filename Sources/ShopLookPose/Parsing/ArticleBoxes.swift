import Foundation
import ShopLookCore
import ShopLookImaging
import ShopLookRuntimes

/// Which method places the article boxes of a full-body photo.
public enum ArticleBoxChoice: String, Sendable, CaseIterable {
    /// The garment parser when its trained weights are in the models folder and fit its backbone, else the
    /// pose-guided locator (and ``ArticleBoxes/fallbackReason`` says why).
    case automatic = "auto"
    /// The garment parser; its weights missing or unusable is an error.
    case parser
    /// The pose-guided locator (``ArticleLocator``).
    case poseGuided = "pose"
}

/// The article boxes of a person: the garment parser (``GarmentParser``) when it is trained, else the pose-guided
/// locator. The pose stage, looks and `shoplook articles` go through this, so they all use the same method.
///
/// Not thread-safe when it holds the parser (an ONNX Runtime session): ``PoseService`` keeps it on its thread.
public final class ArticleBoxes {
    /// `garment-parser@<weights id>` or `pose-guided`.
    public let method: String
    /// Why the automatic choice fell back to the pose-guided locator (`nil` when it did not).
    public let fallbackReason: String?
    let parser: GarmentParser?
    let locator: ArticleLocator

    public init(files: ModelFiles, choice: ArticleBoxChoice = .automatic, locator: ArticleLocator = ArticleLocator()) throws(GarmentParserError) {
        self.locator = locator
        var parser: GarmentParser?
        var reason: String?
        switch choice {
        case .poseGuided:
            break
        case .parser:
            parser = try GarmentParser(files: files, weights: files.garmentParserWeights)
        case .automatic:
            do {
                parser = try GarmentParser(files: files, weights: files.garmentParserWeights)
            } catch {
                reason = "\(error)"
            }
        }
        self.parser = parser
        self.fallbackReason = reason
        self.method = parser?.modelVersion ?? "pose-guided"
    }

    /// The regions of the person in `result` (estimated on `image`), in the order upper, lower, foot.
    public func locate(_ result: PoseResult, image: RGBImage) throws(GarmentParserError) -> [ArticleRegion] {
        var absent: [SuperCategory: String] = [:]
        return try locate(result, image: image, absent: &absent)
    }

    /// The regions, and in `absent` why an article has none where the parser says (a dress has no lower wear).
    public func locate(_ result: PoseResult, image: RGBImage, absent: inout [SuperCategory: String]) throws(GarmentParserError) -> [ArticleRegion] {
        guard let parser else { return locator.locate(result, image: image) }
        return try parser.locate(result, image: image, absent: &absent)
    }
}
