import Hummingbird
import NIOCore

/// Reads request bodies whole, within the API's limit.
enum RequestBody {
    /// The body's bytes; 413 when `Content-Length` says more than `limit` (before anything is read) or the
    /// streamed body runs past it.
    static func collect(_ request: Request, limit: Int) async throws -> [UInt8] {
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > limit {
            throw APIError.payloadTooLarge(limit: limit)
        }
        do {
            var buffer = try await request.body.collect(upTo: limit)
            return buffer.readBytes(length: buffer.readableBytes) ?? []
        } catch is NIOTooManyBytesError {
            throw APIError.payloadTooLarge(limit: limit)
        }
    }
}
