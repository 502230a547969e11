import Hummingbird

/// Who may change the catalog: holders of the configured bearer token, or anyone when none is configured.
///
/// Route types register their writes (POST, DELETE) on ``group(of:)`` and their reads on the router itself, so a
/// new route family (looks) protects its writes the same way.
public struct WriteAccess: Sendable {
    /// The token writes need; `nil`: writes are open.
    public let token: APIToken?

    public init(token: APIToken?) {
        self.token = token
    }

    /// A group of `router` whose routes need the token (no middleware when writes are open).
    public func group(of router: Router<APIRequestContext>) -> RouterGroup<APIRequestContext> {
        let group = router.group()
        if let token {
            group.add(middleware: BearerTokenAuthenticator<APIRequestContext>(token: token))
            group.add(middleware: RequireTokenMiddleware<APIRequestContext>())
        }
        return group
    }
}
