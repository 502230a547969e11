import Hummingbird
import Prometheus
import ShopLookServices

/// Builds the API's router: the metrics and error middleware around everything, then each route collection's
/// routes, then `/metrics`; the routes it ends up with are recorded in a ``RouteTable`` (405 answers, the
/// OpenAPI check).
///
/// ```swift
/// let router = APIRoutes.router(APIRoutes.collections(services: services, configuration: configuration, pages: try .load()),
///                               configuration: configuration, registry: registry)
/// ```
/// More routes are one more ``APIRouteCollection`` in ``collections(services:configuration:pages:)``.
public enum APIRoutes {
    /// Every route collection of the API, in registration order.
    public static func collections(
        services: APIServices, configuration: APIConfiguration, pages: PageTemplates
    ) -> [any APIRouteCollection] {
        [
            ProductRoutes(services: services, configuration: configuration),
            MediaRoutes(services: services, configuration: configuration),
            LookRoutes(services: services, configuration: configuration),
            PageRoutes(services: services, configuration: configuration, templates: pages),
            HealthRoutes(services: services),
        ]
    }

    /// A router serving `collections` and `GET /metrics` (from `registry`, where the request metrics go too).
    public static func router(
        _ collections: [any APIRouteCollection], configuration: APIConfiguration, registry: PrometheusCollectorRegistry,
        routes table: RouteTable = RouteTable()
    ) -> Router<APIRequestContext> {
        let router = Router(context: APIRequestContext.self)
        router.add(middleware: RequestMetricsMiddleware<APIRequestContext>(registry: registry))
        router.add(middleware: APIErrorMiddleware<APIRequestContext>(routes: table))
        let writeAccess = WriteAccess(token: configuration.token)
        for collection in collections { collection.add(to: router, writeAccess: writeAccess) }
        MetricsEndpoint.addRoute(to: router, registry: registry)
        table.record(router)
        return router
    }
}
