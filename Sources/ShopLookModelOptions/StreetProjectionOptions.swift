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
            guard let data = FileManager.default.contents(atPath: url.path) else {
                return (nil, "no street projection at \(url.path) (Deploy/train-street-projection trains it where ccp/ is)")
            }
            let projection: LinearProjection
            do {
                projection = try LinearProjection(serialized: [UInt8](data))
                try embedder.checkStreetProjection(projection)
            } catch {
                return (nil, "not using \(url.path): \(error)")
            }
            if let reason = ProjectionTrainingStamp.mismatch(projection: url, baseModelVersion: embedder.baseModelVersion) {
                return (nil, "not using \(url.path): \(reason)")
            }
            return (projection, "street projection \(url.path) (\(projection.contentID), adapted from \(projection.adaptedFrom ?? "-"))")
        default:
            guard let data = FileManager.default.contents(atPath: streetProjection) else {
                throw ValidationError("cannot read the street projection \(streetProjection)")
            }
            do {
                let projection = try LinearProjection(serialized: [UInt8](data))
                try embedder.checkStreetProjection(projection)
                if let reason = ProjectionTrainingStamp.mismatch(projection: URL(fileURLWithPath: streetProjection), baseModelVersion: embedder.baseModelVersion) {
                    throw ValidationError(reason)
                }
                return (projection, "street projection \(streetProjection) (\(projection.contentID), adapted from \(projection.adaptedFrom ?? "-"))")
            } catch {
                throw ValidationError("--street-projection \(streetProjection): \(error)")
            }
        }
    }
}
