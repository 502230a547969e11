import Hummingbird
import HummingbirdAuth

/// Gives a request the ``APIClient/tokenHolder`` identity when its `Authorization: Bearer …` header carries the
/// configured token (compared in constant time, ``APIToken/matches(_:)``); leaves it anonymous otherwise.
public struct BearerTokenAuthenticator<Context: AuthRequestContext<APIClient>>: AuthenticatorMiddleware {
    public typealias Identity = APIClient
    let token: APIToken

    public init(token: APIToken) {
        self.token = token
    }

    public func authenticate(request: Request, context: Context) async throws -> APIClient? {
        guard let bearer = request.headers.bearer, token.matches(bearer.token) else { return nil }
        return .tokenHolder
    }
}
