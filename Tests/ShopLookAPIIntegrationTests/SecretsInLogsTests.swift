import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import ShopLookTestSupport
import Testing

/// No secret reaches a log or a metric: the real `shoplook-api` process, given a password-bearing database URL
/// and an API token, logging at `trace`, serves good and failing requests (401 without and with a wrong token,
/// 400, 404, 405, 415, 422) and `/metrics`; neither the password nor the token appears in anything it printed or
/// served. A `shoplook` command given a URL libpq cannot parse fails naming the problem, not the password.
@Suite(.serialized, .requiresDatabase, .requiresBroker, .requiresExecutables("shoplook-api", "shoplook"))
struct SecretsInLogsTests {
    static let password = "pw-7Q2xK9-secret"
    static let token = "tok-Zf81Lm-secret-token"

    /// `url` with `password` put into its user information (the local server trusts loopback, so it is unused).
    static func withPassword(_ url: String, _ password: String) throws -> String {
        guard let scheme = url.range(of: "://"), let at = url[scheme.upperBound...].firstIndex(of: "@"),
              !url[scheme.upperBound..<at].contains(":")
        else { throw TestSupportError("no user without a password in \(url)") }
        return String(url[..<at]) + ":" + password + String(url[at...])
    }

    static func request(_ method: String, _ url: String, headers: [String: String] = [:], body: Data? = nil) async throws -> (Int, String) {
        var request = URLRequest(url: try #require(URL(string: url)))
        request.httpMethod = method
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        request.httpBody = body
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    @Test func thePasswordAndTheTokenAppearNowhere() async throws {
        try await APIFixture.with { fixture in
            let url = try Self.withPassword(fixture.schema.url, Self.password)
            let server = try TestProcess(
                "shoplook-api",
                arguments: [
                    "--host", "127.0.0.1", "--port", "0", "--database-url", url, "--kafka-brokers", fixture.broker.bootstrapServers,
                    "--topic-prefix", fixture.topics.prefix, "--blob-root", fixture.store.root.path,
                ],
                environment: ["SHOPLOOK_LOG_LEVEL": "trace", "SHOPLOOK_API_TOKEN": Self.token])
            let address = try await server.listeningAddress()
            let base = "http://\(address)"
            var metrics = ""
            do {
                // The database is reached with that URL (so it was parsed and used, not refused early).
                #expect(try await Self.request("GET", base + "/healthz").0 == 200)
                let (contentType, form) = APIFixture.form(
                    [("id", "sku-secret"), ("title", "Shirt"), ("url", "https://shop.example/sku")], image: [0xFF, 0xD8, 0xFF, 0x00])
                let body = Data(form.readableBytesView)
                #expect(try await Self.request("POST", base + "/v1/products", headers: ["Content-Type": contentType], body: body).0 == 401)
                #expect(try await Self.request(
                    "POST", base + "/v1/products", headers: ["Content-Type": contentType, "Authorization": "Bearer \(Self.token)x"], body: body).0 == 401)
                // The right token: the request is authorised and then refused for its image (422, logged).
                #expect(try await Self.request(
                    "POST", base + "/v1/products", headers: ["Content-Type": contentType, "Authorization": "Bearer \(Self.token)"], body: body).0 == 422)
                #expect(try await Self.request(
                    "POST", base + "/v1/products", headers: ["Content-Type": "multipart/form-data; boundary=x", "Authorization": "Bearer \(Self.token)"],
                    body: Data("garbage".utf8)).0 == 400)
                #expect(try await Self.request(
                    "DELETE", base + "/v1/products/unknown", headers: ["Authorization": "Bearer \(Self.token)"]).0 == 404)
                #expect(try await Self.request("GET", base + "/v1/products/unknown").0 == 404)
                #expect(try await Self.request("PATCH", base + "/v1/products/unknown").0 == 405)
                #expect(try await Self.request("POST", base + "/v1/looks", headers: ["Content-Type": "text/plain"], body: Data("x".utf8)).0 == 415)
                #expect(try await Self.request("POST", base + "/v1/looks", headers: ["Content-Type": "image/jpeg"], body: Data("not a jpeg".utf8)).0 == 422)
                let (status, text) = try await Self.request("GET", base + "/metrics")
                #expect(status == 200)
                metrics = text
            } catch {
                server.send(SIGKILL)
                throw error
            }
            server.send(SIGTERM)
            #expect(await server.exit() == .exited(0))
            let output = await server.output()
            // It logged (trace level: requests, connections), so the check below looked at something.
            #expect(output.components(separatedBy: "\n").count > 10, "\(output)")
            #expect(metrics.contains("shoplook_api_requests_total"))
            #expect(metrics.contains("status=\"401\""), "\(metrics)")
            for secret in [Self.password, Self.token] {
                #expect(!output.contains(secret), "a secret in the log:\n\(output)")
                #expect(!metrics.contains(secret), "a secret in /metrics:\n\(metrics)")
            }
        }
    }

    @Test func anUnparsableURLFailsWithoutShowingItsPassword() async throws {
        try await TestDatabase.withSchema { schema in
            for bad in [Self.password + "%ZZ", Self.password + "@[x"] {
                let url = try Self.withPassword(schema.url, bad)
                let command = try TestProcess("shoplook", arguments: ["migrate", "--database-url", url])
                let exit = try await withTimeout(.seconds(60), "shoplook migrate fails") { await command.exit() }
                let output = await command.output()
                #expect(exit != .exited(0), "\(output)")
                #expect(output.contains("invalid connection string"), "\(output)")
                #expect(!output.contains(Self.password), "the password in the output:\n\(output)")
            }
        }
    }
}
