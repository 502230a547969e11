import Foundation
import Hummingbird
import NIOCore
import ShopLookBlobStore
import ShopLookLook

/// The shopper's page, server-rendered (``PageTemplates``), no script framework, nothing from a CDN:
/// - `GET /`: upload a photo (file picker, or drop it on the page);
/// - `POST /looks`: the form's multipart upload → 303 to the look's page (an error re-renders the form with the
///   reason and the status the API would answer, a full blob store the API's 507 and its reason; another failure of
///   the database or blob store is a 503 page);
/// - `GET /looks/{look_id}`: the photo with each article's box, per article a row of products with the matched crop
///   beside each; it reloads itself every second until the look has ended. Partial and failed looks say why.
public struct PageRoutes: APIRouteCollection {
    let services: APIServices
    let configuration: APIConfiguration
    let templates: PageTemplates

    public init(services: APIServices, configuration: APIConfiguration, templates: PageTemplates) {
        self.services = services
        self.configuration = configuration
        self.templates = templates
    }

    public func add(to router: Router<APIRequestContext>, writeAccess: WriteAccess) {
        router.get("/") { _, _ in home(error: nil, status: .ok) }
        router.post("looks") { request, _ in await page { try await submit(request) } }
        router.get("looks/{look_id}") { _, context in await page { try await look(context) } }
    }

    /// A page, whatever fails: an error the API would answer is shown on the form with its status (a full blob store
    /// as the API's 507, ``APIError/blobStoreFull``); anything else (the database, the blob store) is logged and shown
    /// as 503 without internals.
    func page(_ body: () async throws -> Response) async -> Response {
        do {
            return try await body()
        } catch let error as APIError {
            return home(error: error.message, status: error.status)
        } catch let error as BlobStoreError where error.isFull {
            services.logger.error("page failed: \(error)")
            return home(error: APIError.blobStoreFull.message, status: APIError.blobStoreFull.status)
        } catch {
            services.logger.error("page failed: \(error)")
            return home(error: "The shop cannot answer right now; please try again in a moment.", status: .serviceUnavailable)
        }
    }

    func home(error: String?, status: HTTPResponse.Status) -> Response {
        var context: [String: Any] = ["maxMegabytes": configuration.maximumBodyBytes >> 20]
        if let error { context["error"] = error }
        return Self.html(templates.render("home", context), status: status)
    }

    func submit(_ request: Request) async throws -> Response {
        let upload = try await LookUpload.read(request, configuration: configuration)
        let submission = try await upload.submit(services: services, configuration: configuration)
        return Response(status: .seeOther, headers: [.location: "/looks/\(submission.jobID.uuidString.lowercased())"])
    }

    func look(_ context: APIRequestContext) async throws -> Response {
        let id: UUID
        do {
            id = try LookRoutes.lookID(context)
        } catch {
            return home(error: error.message, status: .notFound)
        }
        guard let look = try await services.looks.look(id) else {
            return home(error: "There is no look \(id.uuidString.lowercased()).", status: .notFound)
        }
        var response = Self.html(templates.render("look", LookPage.context(look)), status: .ok)
        if !look.state.isTerminal { response.headers[.cacheControl] = "no-store" }
        return response
    }

    static func html(_ text: String, status: HTTPResponse.Status) -> Response {
        Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}
