import Hummingbird
import HummingbirdAuth

/// The request context of every API route: Hummingbird's core context plus the identity the bearer token gives
/// (hummingbird-auth's `AuthRequestContext`).
public struct APIRequestContext: AuthRequestContext, RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by ``BearerTokenAuthenticator`` when the request carries the configured token.
    public var identity: APIClient?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        identity = nil
    }
}

/// Who made a request, as far as the API can tell: a holder of the configured bearer token.
public struct APIClient: Sendable, Equatable {
    public var name: String

    public init(name: String) {
        self.name = name
    }

    /// The holder of the configured token.
    public static let tokenHolder = APIClient(name: "token")
}
