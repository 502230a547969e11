import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import ShopLookAPI
import Testing

@Suite("Routing errors, health and metrics in process")
struct RoutingTests {
    @Test func unknownPathsAre404AndKnownPathsWithOtherMethods405WithAllow() async throws {
        let harness = try APITestHarness()
        try await harness.test { client in
            let unknown = try await client.execute(uri: "/v2/nothing?x=1", method: .get)
            #expect(unknown.status == .notFound)
            #expect(try unknown.apiError() == APIErrorBody.Detail(code: "not_found", message: "no route for GET /v2/nothing"))

            for (path, method, allow) in [
                ("/v1/products/abc", HTTPRequest.Method.put, "DELETE, GET"),
                ("/v1/products", .get, "POST"),
                ("/v1/products/abc/thumbnail", .post, "GET"),
                ("/healthz", .delete, "GET"),
                ("/metrics", .head, "GET"),
            ] {
                let response = try await client.execute(uri: path, method: method)
                #expect(response.status == .methodNotAllowed, "\(method) \(path)")
                #expect(response.headers[.allow] == allow)
                #expect(try response.apiError().code == "method_not_allowed")
            }
        }
    }

    @Test func healthIs200WhenEveryCheckAnswersAnd503NamingTheFailingPart() async throws {
        struct Refused: Error, CustomStringConvertible {
            var description: String { "connection refused" }
        }
        let healthy = try APITestHarness(health: [HealthCheck(name: "database") {}, HealthCheck(name: "broker") {}])
        try await healthy.test { client in
            let response = try await client.execute(uri: "/healthz", method: .get)
            #expect(response.status == .ok)
            #expect(try response.decode(HealthRoutes.Healthy.self) == HealthRoutes.Healthy(status: "ok", checks: ["database": "ok", "broker": "ok"]))
        }
        let failing = try APITestHarness(health: [
            HealthCheck(name: "database") {},
            HealthCheck(name: "broker") { throw Refused() },
        ])
        try await failing.test { client in
            let response = try await client.execute(uri: "/healthz", method: .get)
            #expect(response.status == .serviceUnavailable)
            #expect(try response.apiError() == APIErrorBody.Detail(
                code: "unavailable", message: "not healthy: broker failing", details: ["database": "ok", "broker": "connection refused"]))
        }
    }

    @Test func aCheckThatNeverAnswersFailsAtItsTimeout() async throws {
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self)
        defer { continuation.finish() }
        let harness = try APITestHarness(health: [
            HealthCheck(name: "database", timeout: .milliseconds(200)) { for await _ in stream {} },
        ])
        try await harness.test { client in
            let response = try await client.execute(uri: "/healthz", method: .get)
            #expect(response.status == .serviceUnavailable)
            #expect(try response.apiError().details == ["database": "no answer within 0.2 seconds"])
        }
    }

    @Test func metricsCountRequestsPerRouteAndStatus() async throws {
        let harness = try APITestHarness()
        try await harness.test { client in
            _ = try await client.execute(uri: "/v1/products/a", method: .get)
            _ = try await client.execute(uri: "/v1/products/b", method: .get)
            _ = try await client.execute(uri: "/nowhere/\(UUID())", method: .get)
            _ = try await client.execute(uri: "/v1/products/b", method: .init("BREW")!)
            let metrics = try await client.execute(uri: "/metrics", method: .get)
            #expect(metrics.status == .ok)
            let text = String(buffer: metrics.body)
            #expect(text.contains(#"shoplook_api_requests_total{method="GET",route="/v1/products/{id}",status="404"} 2"#))
            #expect(text.contains(#"shoplook_api_requests_total{method="GET",route="unmatched",status="404"} 1"#))
            #expect(text.contains(#"shoplook_api_requests_total{method="OTHER",route="unmatched",status="405"} 1"#))
            #expect(text.contains(#"shoplook_api_request_duration_seconds_count{method="GET",route="/v1/products/{id}",status="404"} 2"#))
            #expect(text.contains("# TYPE shoplook_api_request_duration_seconds histogram"))
        }
    }
}
