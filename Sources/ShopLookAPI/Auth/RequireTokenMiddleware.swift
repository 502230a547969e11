import Hummingbird
import HummingbirdAuth

/// Answers 401 (`WWW-Authenticate: Bearer`) to a request that ``BearerTokenAuthenticator`` left anonymous,
/// saying whether the token was missing or wrong.
public struct RequireTokenMiddleware<Context: AuthRequestContext<APIClient>>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard context.identity != nil else {
            throw APIError.unauthorized(
                request.headers.bearer == nil
                    ? "this request needs the API's bearer token (Authorization: Bearer …)"
                    : "the bearer token is not the API's")
        }
        return try await next(request, context)
    }
}
