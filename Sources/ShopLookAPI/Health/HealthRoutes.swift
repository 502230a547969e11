import Hummingbird

/// `GET /healthz`: every ``HealthCheck`` of ``APIServices/health`` at once; 200 `{"status": "ok", "checks": {…}}`
/// when all answer, else 503 in the API's error shape with each part's outcome in `details` (`"ok"` or the error).
public struct HealthRoutes: APIRouteCollection {
    let checks: [HealthCheck]

    public init(services: APIServices) {
        checks = services.health
    }

    /// The healthy answer.
    public struct Healthy: Codable, Sendable, Equatable {
        public var status: String
        public var checks: [String: String]

        public init(status: String, checks: [String: String]) {
            self.status = status
            self.checks = checks
        }
    }

    public func add(to router: Router<APIRequestContext>, writeAccess: WriteAccess) {
        router.get("healthz") { _, _ in try await health() }
    }

    func health() async throws -> Response {
        let outcomes = await withTaskGroup(of: (String, String?).self) { group in
            for check in checks { group.addTask { (check.name, await check.run()) } }
            var outcomes: [String: String?] = [:]
            for await (name, failure) in group { outcomes[name] = failure }
            return outcomes
        }
        let failing = outcomes.filter { $0.value != nil }.keys.sorted()
        let details = outcomes.mapValues { $0 ?? "ok" }
        guard failing.isEmpty else {
            throw APIError.unavailable("not healthy: \(failing.joined(separator: ", ")) failing", details: details)
        }
        return try APIJSON.response(Healthy(status: "ok", checks: details))
    }
}
