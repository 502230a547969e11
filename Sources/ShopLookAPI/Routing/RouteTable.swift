import Hummingbird
import Synchronization

/// The (method, path) pairs a router serves, read off the router once every route is added
/// (``record(_:)``): what ``APIErrorMiddleware`` answers 405 from, and what the OpenAPI document is checked against.
///
/// Paths are written as OpenAPI writes them (`/v1/products/{id}`), which is also how Hummingbird describes them.
/// Thread-safe: recorded once at start-up, read by every request that misses a route.
public final class RouteTable: Sendable {
    /// One route: a method on a path pattern.
    public struct Route: Hashable, Sendable, CustomStringConvertible {
        public var method: HTTPRequest.Method
        /// The pattern, parameters in braces: `/v1/products/{id}`.
        public var path: String

        public init(method: HTTPRequest.Method, path: String) {
            self.method = method
            self.path = path
        }

        public var description: String { "\(method.rawValue) \(path)" }
    }

    private struct Entry {
        var route: Route
        var pattern: RouterPath
    }

    private let entries = Mutex<[Entry]>([])

    public init() {}

    /// Takes the routes `router` has now (call it after the last route is added).
    public func record<Context>(_ router: Router<Context>) {
        let recorded = router.routes.map { Entry(route: Route(method: $0.method, path: $0.path.description), pattern: $0.path) }
        entries.withLock { $0 = recorded }
    }

    /// Every route recorded.
    public var routes: Set<Route> {
        Set(entries.withLock { $0.map(\.route) })
    }

    /// The methods served on a request path (`/v1/products/abc`), none when no pattern matches it.
    public func allowedMethods(forPath path: String) -> [HTTPRequest.Method] {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        return entries.withLock { entries in
            entries.filter { Self.matches($0.pattern, segments) }.map(\.route.method)
        }
    }

    private static func matches(_ pattern: RouterPath, _ segments: [Substring]) -> Bool {
        guard pattern.count == segments.count else { return false }
        // Hummingbird describes a parameter as `{name}` and a wildcard as `*`; the API uses no other patterns.
        for (element, segment) in zip(pattern.map(\.description), segments) {
            let isParameter = element.hasPrefix("{") && element.hasSuffix("}")
            guard isParameter || element == "*" || element == segment else { return false }
        }
        return true
    }
}
