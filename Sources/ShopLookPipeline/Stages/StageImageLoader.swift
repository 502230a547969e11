import ShopLookBlobStore
import ShopLookCore
import ShopLookImaging

/// Why a stage cannot use an image, for good: its blob is missing, or it does not decode or is over the limits.
struct ImageLoadFailure: Error, CustomStringConvertible {
    var reason: DeadLetterReason
    var description: String
}

/// Loads the images the stages work on from the blob store: a permanent failure is returned (the stage
/// dead-letters the input), a transient one (the store's volume unavailable) thrown for the worker to retry.
struct StageImageLoader: Sendable {
    let store: any BlobStore
    let decoder = ImageDecoder()

    /// The bytes of blob `key`; `what` names the image in a failure ("image 3fa2…", "crop of 3fa2…").
    func bytes(_ key: String, of what: String) async throws -> Result<[UInt8], ImageLoadFailure> {
        do {
            return .success(try await store.get(try BlobKey(key)))
        } catch {
            guard FailureClassification(error) == .permanent else { throw error }
            return .failure(ImageLoadFailure(reason: .missingBlob, description: "\(what): \(error)"))
        }
    }

    /// The decoded image of blob `key`.
    func image(_ key: String, of what: String) async throws -> Result<RGBImage, ImageLoadFailure> {
        try await bytes(key, of: what).flatMap { bytes in
            Result { () throws(ImageError) in try decoder.decode(bytes) }
                .mapError { ImageLoadFailure(reason: DeadLetterReason($0), description: "\(what): \($0)") }
        }
    }
}
