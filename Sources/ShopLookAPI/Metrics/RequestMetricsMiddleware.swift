import Hummingbird
import Prometheus

/// Counts every request and times it, per method, route pattern and status, into a Prometheus registry:
/// `shoplook_api_requests_total{method, route, status}` and `shoplook_api_request_duration_seconds{…}`
/// (a histogram). The route is the pattern (`/v1/products/{id}`), `unmatched` for a path no route has, so a
/// client cannot grow the label sets; methods outside the standard ones count as `OTHER`.
///
/// It is the outermost middleware: it sees the status of the answer ``APIErrorMiddleware`` made of an error.
public struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let registry: PrometheusCollectorRegistry

    public init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        do {
            let response = try await next(request, context)
            record(request, context, status: response.status.code, since: start)
            return response
        } catch let error as any HTTPResponseError {
            record(request, context, status: error.status.code, since: start)
            throw error
        } catch {
            record(request, context, status: 500, since: start)
            throw error
        }
    }

    private func record(_ request: Request, _ context: Context, status: Int, since start: ContinuousClock.Instant) {
        let route = context.endpointPath.flatMap { $0 == "NotFound" ? nil : $0 } ?? "unmatched"
        let method = RequestMetrics.standardMethods.contains(request.method) ? request.method.rawValue : "OTHER"
        let labels = [("method", method), ("route", route), ("status", String(status))]
        registry.makeCounter(descriptor: RequestMetrics.requests, labels: labels).increment()
        registry.makeDurationHistogram(descriptor: RequestMetrics.duration, labels: labels, buckets: RequestMetrics.buckets)
            .record(ContinuousClock.now - start)
    }
}

/// The names and buckets of ``RequestMetricsMiddleware``'s metrics.
enum RequestMetrics {
    static let buckets: [Duration] = [
        .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10),
    ]
    static let standardMethods: Set<HTTPRequest.Method> = [.get, .head, .post, .put, .delete, .patch, .options, .connect, .trace]

    static var requests: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "shoplook", subsystem: "api", metricName: "requests", unitName: "total",
            helpText: "HTTP requests answered, per method, route and status.")
    }

    static var duration: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "shoplook", subsystem: "api", metricName: "request_duration", unitName: "seconds",
            helpText: "Time from a request's arrival to its answer, per method, route and status.")
    }
}
