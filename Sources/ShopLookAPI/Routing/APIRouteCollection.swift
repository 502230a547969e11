import Hummingbird

/// A family of routes (products, media, health, and next looks) that adds itself to the API's router: reads on
/// the router, writes on ``WriteAccess/group(of:)`` so that they need the token when one is configured.
public protocol APIRouteCollection: Sendable {
    func add(to router: Router<APIRequestContext>, writeAccess: WriteAccess)
}
