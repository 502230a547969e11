import Hummingbird
import NIOCore
import ShopLookBlobStore

/// Turns every error a route or an inner middleware throws into an ``APIError`` answer, so that every error
/// leaves the server in one JSON shape: Hummingbird's own "no route" becomes 404, or 405 with `Allow` when the
/// path exists with other methods (``RouteTable``); a body over a `collect(upTo:)` limit becomes 413; a blob store
/// with no space left becomes 507 (``APIError/blobStoreFull``, logged with its path); anything that is not an
/// `HTTPResponseError` is logged and answered 500 without its internals.
public struct APIErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let routes: RouteTable

    public init(routes: RouteTable) {
        self.routes = routes
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            return try translate(error, request: request, context: context).response(from: request, context: context)
        }
    }

    func translate(_ error: any Error, request: Request, context: Context) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as HTTPError:
            if error.status == .notFound, context.endpointPath == "NotFound" {
                let allowed = routes.allowedMethods(forPath: request.uri.path)
                if !allowed.isEmpty { return .methodNotAllowed(request.method, path: request.uri.path, allowed: allowed) }
                return .notFound("no route for \(request.method.rawValue) \(request.uri.path)")
            }
            if error.status == .unauthorized { return .unauthorized(error.body ?? "this request needs a bearer token") }
            var translated = APIError(error.status, message: error.body ?? error.status.reasonPhrase, headers: error.headers)
            if error.status == .contentTooLarge { translated.message = error.body ?? "the request body is too large" }
            return translated
        case is NIOTooManyBytesError:
            return APIError(.contentTooLarge, message: "the request body is too large")
        case let error as any HTTPResponseError:
            return APIError(error.status, message: error.status.reasonPhrase)
        case let error as BlobStoreError:
            context.logger.error("request failed: \(error)", metadata: ["method": "\(request.method.rawValue)", "path": "\(request.uri.path)"])
            return error.isFull ? .blobStoreFull : .internalError
        default:
            context.logger.error("request failed: \(error)", metadata: ["method": "\(request.method.rawValue)", "path": "\(request.uri.path)"])
            return .internalError
        }
    }
}
