import ArgumentParser
import Foundation
import ShopLookVision

/// The look side's street projection (`--street-projection`): what a shopper's garment crops are mapped with, in place
/// of the catalog's projection, into the same space (`shoplook train projection --adapt`, which
/// `Deploy/train-street-projection` runs where `ccp/` is). The catalog's vectors do not change.
public struct StreetProjectionOptions: ParsableArguments {
    @Option(help: """
        The projection a look's garment crops are embedded with: auto (the models folder's \
        \(StreetProjectionOptions.fileName) when it was adapted from the catalog's projection), none (the catalog's \
        projection), or a file adapted from the catalog's projection.
        """)
    public var streetProjection = "auto"

    /// The file `Deploy/train-street-projection` writes into the models folder.
    public static let fileName = "fashion-street-projection.slproj"

    public init() {}

    /// What a look maps its garment crops with, for a catalog embedded by `embedder`, and why when it is none.
    /// - Throws: `ValidationError` for a file given by name that cannot be read, is not a street projection, or was
    ///   adapted from another projection than `embedder`'s (its vectors would match nothing in the catalog).
    public func load(models: ModelOptions, for embedder: ImageEmbedder) throws -> (projection: LinearProjection?, reason: String) {
        switch streetProjection {
        case "none":
            return (nil, "--street-projection none")
        case "auto":
            let url = try models.modelFiles().directory.appendingPathComponent(Self.fileName)
            guard FileManager.default.fileExists(atPath: url.path) else {
                return (nil, "no street projection at \(url.path) (Deploy/train-street-projection trains it where ccp/ is)")
            }
            do {
                return try Self.read(url, for: embedder)
            } catch {
                return (nil, "not using \(url.path): \(error)")
            }
        default:
            do {
                return try Self.read(URL(fileURLWithPath: streetProjection), for: embedder)
            } catch {
                throw ValidationError("--street-projection \(streetProjection): \(error)")
            }
        }
    }

    /// The street projection at `url`, checked against the catalog's embedder and the model its stamp names.
    static func read(_ url: URL, for embedder: ImageEmbedder) throws -> (projection: LinearProjection?, reason: String) {
        guard let data = FileManager.default.contents(atPath: url.path) else { throw ValidationError("cannot read \(url.path)") }
        let projection = try LinearProjection(serialized: [UInt8](data))
        try embedder.checkStreetProjection(projection)
        if let reason = ProjectionTrainingStamp.mismatch(projection: url, baseModelVersion: embedder.baseModelVersion) {
            throw ValidationError(reason)
        }
        return (projection, "street projection \(url.path) (\(projection.contentID), adapted from \(projection.adaptedFrom ?? "-"))")
    }
}
