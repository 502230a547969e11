import Foundation
import Hummingbird
import NIOCore
import ShopLookBlobStore
import ShopLookLook

/// The shopper's routes, open to anyone who reaches the API (the token guards catalog changes only):
/// - `POST /v1/looks`: a photo (raw JPEG/PNG body, or multipart/form-data with the file `image`), `k` products per
///   article (query or form, default 5) → 202 ``LookAccepted`` with `Location: /v1/looks/{look_id}`;
/// - `GET /v1/looks/{look_id}`: the look (``LookJob``): queued, running, or ended with its articles and products;
/// - `GET /v1/looks/{look_id}/articles/{ordinal}/crop`: an article of the look's photo, as it was searched.
///
/// 400 for a malformed id, k or form, 413 over the body limit, 415 for another content type, 422 for a photo the
/// decoder refuses, 404 for an unknown look or article.
public struct LookRoutes: APIRouteCollection {
    let services: APIServices
    let configuration: APIConfiguration

    public init(services: APIServices, configuration: APIConfiguration) {
        self.services = services
        self.configuration = configuration
    }

    public func add(to router: Router<APIRequestContext>, writeAccess: WriteAccess) {
        router.post("v1/looks") { request, _ in try await submit(request) }
        router.get("v1/looks/{look_id}") { _, context in try await look(context) }
        router.get("v1/looks/{look_id}/articles/{ordinal}/crop") { _, context in try await crop(context) }
    }

    func submit(_ request: Request) async throws -> Response {
        let upload = try await LookUpload.read(request, configuration: configuration)
        let submission = try await upload.submit(services: services, configuration: configuration)
        let id = submission.jobID.uuidString.lowercased()
        let answer = LookAccepted(jobID: id, state: "queued", deadlineAt: submission.deadlineAt, location: "/v1/looks/\(id)", page: "/looks/\(id)")
        return try Self.json(answer, status: .accepted, headers: [.location: answer.location])
    }

    func look(_ context: APIRequestContext) async throws -> Response {
        let id = try Self.lookID(context)
        guard let look = try await services.looks.look(id) else { throw APIError.notFound("no look \(id.uuidString.lowercased())") }
        return try Self.json(look, headers: look.state.isTerminal ? [:] : [.cacheControl: "no-store"])
    }

    func crop(_ context: APIRequestContext) async throws -> Response {
        let id = try Self.lookID(context)
        let text = try ResourceID.pathParameter("ordinal", in: context)
        guard let ordinal = Int(text), ordinal >= 0 else { throw APIError.badRequest("an article ordinal is a whole number ≥ 0") }
        guard let look = try await services.looks.look(id) else { throw APIError.notFound("no look \(id.uuidString.lowercased())") }
        guard let article = look.articles.first(where: { $0.ordinal == ordinal }) else {
            throw APIError.notFound("look \(id.uuidString.lowercased()) has no article \(ordinal)")
        }
        guard let keyText = article.cropKey, let key = try? BlobKey(keyText) else {
            throw APIError.notFound("article \(ordinal) of look \(id.uuidString.lowercased()) has no stored crop")
        }
        let bytes = try await MediaRoutes.blob(key, of: "the crop of article \(ordinal)", in: services.blobs)
        return MediaRoutes.bytes(bytes, contentType: MediaRoutes.contentType(of: bytes), cacheControl: MediaRoutes.immutable)
    }

    /// The look id of the path: a UUID (400 otherwise).
    static func lookID(_ context: APIRequestContext) throws(APIError) -> UUID {
        let text = try ResourceID.pathParameter("look_id", in: context)
        guard let id = UUID(uuidString: text) else { throw .badRequest("a look id is a UUID, not \"\(text)\"") }
        return id
    }

    /// JSON as looks write it: RFC 3339 dates with milliseconds (``LookJob/encoder()``).
    static func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) throws -> Response {
        APIJSON.response(bytes: Array(try LookJob.encoder().encode(value)), status: status, headers: headers)
    }
}

/// The answer to `POST /v1/looks`.
public struct LookAccepted: Sendable, Codable, Equatable {
    public var jobID: String
    public var state: String
    public var deadlineAt: Date
    /// The look's JSON.
    public var location: String
    /// The look's page for a person.
    public var page: String

    enum CodingKeys: String, CodingKey {
        case jobID = "job_id", state, deadlineAt = "deadline_at", location, page
    }
}
