import Hummingbird

/// The one error the API answers with, from every route and middleware: a status and the body
/// `{"error": {"code": "not_found", "message": "…"}}` (``APIErrorBody``, `application/json`), with `details`
/// where there is more to say (the failing parts of `/healthz`).
///
/// Routes throw it; ``APIErrorMiddleware`` turns every other error (Hummingbird's own 404 and 413, anything
/// unexpected) into one, so no answer leaves the server in another shape.
public struct APIError: Error, HTTPResponseError, Sendable, CustomStringConvertible {
    public var status: HTTPResponse.Status
    /// A short machine-readable name (`bad_request`, `not_found`, …), stable for clients to switch on.
    public var code: String
    /// A sentence a person can act on.
    public var message: String
    /// Extra named facts (strings), when the message alone is not enough.
    public var details: [String: String]?
    /// Headers the answer carries (`Allow`, `WWW-Authenticate`).
    public var headers: HTTPFields

    public init(
        _ status: HTTPResponse.Status, code: String? = nil, message: String, details: [String: String]? = nil, headers: HTTPFields = [:]
    ) {
        self.status = status
        self.code = code ?? Self.code(for: status)
        self.message = message
        self.details = details
        self.headers = headers
    }

    public var description: String { "\(status.code) \(code): \(message)" }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = try APIJSON.response(APIErrorBody(error: .init(code: code, message: message, details: details)), status: status)
        response.headers.append(contentsOf: headers)
        return response
    }

    /// The code an error of `status` has unless it names another.
    public static func code(for status: HTTPResponse.Status) -> String {
        switch status.code {
        case 400: "bad_request"
        case 401: "unauthorized"
        case 403: "forbidden"
        case 404: "not_found"
        case 405: "method_not_allowed"
        case 413: "payload_too_large"
        case 415: "unsupported_media_type"
        case 422: "unprocessable"
        case 500: "internal"
        case 503: "unavailable"
        default: status.reasonPhrase.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "_" }.reduce(into: "") { $0.append($1) }
        }
    }
}

extension APIError {
    /// 400: a malformed request (bad multipart, a missing field, an id the schema does not allow).
    public static func badRequest(_ message: String) -> APIError { APIError(.badRequest, message: message) }

    /// 404: no such resource.
    public static func notFound(_ message: String) -> APIError { APIError(.notFound, message: message) }

    /// 401 with `WWW-Authenticate: Bearer`: a write without the configured bearer token, or with another.
    public static func unauthorized(_ message: String) -> APIError {
        APIError(.unauthorized, message: message, headers: [.wwwAuthenticate: #"Bearer realm="shoplook""#])
    }

    /// 405 with `Allow`: the path exists, the method does not.
    public static func methodNotAllowed(_ method: HTTPRequest.Method, path: String, allowed: [HTTPRequest.Method]) -> APIError {
        let names = allowed.map(\.rawValue).sorted()
        return APIError(
            .methodNotAllowed, message: "\(method.rawValue) is not allowed on \(path) (allowed: \(names.joined(separator: ", ")))",
            headers: [.allow: names.joined(separator: ", ")])
    }

    /// 413: a body over the limit.
    public static func payloadTooLarge(limit: Int) -> APIError {
        APIError(.contentTooLarge, message: "the request body is larger than the limit of \(limit) bytes")
    }

    /// 415: a body of a type the route does not take.
    public static func unsupportedMediaType(_ message: String) -> APIError { APIError(.unsupportedMediaType, message: message) }

    /// 422: an upload that is not a JPEG or PNG the decoder accepts (its reason), or over the pixel limits.
    public static func invalidImage(_ reason: String) -> APIError { APIError(.unprocessableContent, code: "invalid_image", message: reason) }

    /// 503: a service the API needs (PostgreSQL, the broker) does not answer.
    public static func unavailable(_ message: String, details: [String: String]? = nil) -> APIError {
        APIError(.serviceUnavailable, message: message, details: details)
    }

    /// 507: the blob store is full, so the upload was not stored (nothing was written); a client may try again later.
    /// The message names no path (the store's error, with its path, is logged).
    public static let blobStoreFull = APIError(
        HTTPResponse.Status(code: 507, reasonPhrase: "Insufficient Storage"),
        message: "the blob store is full: the upload was not stored; try again later")

    /// 500: a fault of the server; the message never carries internals (they are logged).
    public static let internalError = APIError(.internalServerError, message: "internal error (logged by the server)")
}
