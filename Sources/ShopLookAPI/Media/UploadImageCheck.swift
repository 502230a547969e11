import ShopLookCore
import ShopLookImaging

/// Checks an uploaded image as the pipeline's stages will decode it (``ImageDecoder`` with the configured limits,
/// strict about corrupt data), so that an upload the pose stage would dead-letter is refused at once: 413 for
/// more bytes than the limit, 422 with the decoder's reason for anything else. JPEGs decode at 1/8 scale, which
/// reads every byte of the stream at a fraction of the cost; PNGs decode whole.
struct UploadImageCheck: Sendable {
    let decoder: ImageDecoder
    let pool: BlockingCallPool

    init(limits: ImageLimits, pool: BlockingCallPool) {
        decoder = ImageDecoder(limits: limits)
        self.pool = pool
    }

    func check(_ bytes: [UInt8]) async throws(APIError) {
        let decoder = self.decoder
        let outcome: Result<Void, ImageError> = await pool.run { () throws(Never) in
            Result { () throws(ImageError) in _ = try decoder.decode(bytes, minimumSize: 1) }
        }
        switch outcome {
        case .success: return
        case .failure(.inputTooLarge(_, let limit)): throw .payloadTooLarge(limit: limit)
        case .failure(let error): throw .invalidImage(error.description)
        }
    }
}
