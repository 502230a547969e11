import Hummingbird
import NIOCore
import ShopLookCore

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

    /// The body as multipart/form-data: 415 when it is another type, 413 past `limit`, 400 when it is malformed.
    static func form(_ request: Request, limit: Int) async throws -> MultipartFormData {
        let boundary: String
        do {
            boundary = try MultipartFormData.boundary(contentType: request.headers[.contentType])
        } catch {
            throw error.kind == .notFormData ? APIError.unsupportedMediaType(error.reason) : APIError.badRequest(error.reason)
        }
        let body = try await collect(request, limit: limit)
        do {
            return try MultipartFormData(parsing: body, boundary: boundary)
        } catch {
            throw APIError.badRequest("malformed multipart/form-data: \(error.reason)")
        }
    }
}
