import Hummingbird
import HummingbirdTesting
import ShopLookAPI
import Testing

@Suite("Bearer token for writes")
struct WriteAccessTests {
    let token = "s3cret-token"

    func harness() throws -> APITestHarness {
        try APITestHarness(configuration: APIConfiguration(token: APIToken(token)))
    }

    @Test func writesWithoutTheTokenAre401WithWWWAuthenticate() async throws {
        let harness = try harness()
        let body = MultipartBody.product(image: try APITestHarness.jpeg())
        try await harness.test { client in
            for (authorization, message) in [
                (nil, "this request needs the API's bearer token (Authorization: Bearer …)"),
                ("Bearer wrong", "the bearer token is not the API's"),
                ("Bearer \(token)x", "the bearer token is not the API's"),
                ("Basic \(token)", "this request needs the API's bearer token (Authorization: Bearer …)"),
            ] as [(String?, String)] {
                var headers: HTTPFields = [.contentType: body.contentType]
                headers[.authorization] = authorization
                let upload = try await client.execute(uri: "/v1/products", method: .post, headers: headers, body: body.buffer)
                #expect(upload.status == .unauthorized, "\(authorization ?? "none")")
                #expect(upload.headers[.wwwAuthenticate] == #"Bearer realm="shoplook""#)
                #expect(try upload.apiError() == APIErrorBody.Detail(code: "unauthorized", message: message))
                let remove = try await client.execute(uri: "/v1/products/sku-1", method: .delete, headers: headers)
                #expect(remove.status == .unauthorized)
                #expect(remove.headers[.wwwAuthenticate] == #"Bearer realm="shoplook""#)
            }
        }
        #expect(harness.catalog.state.withLock { $0.ingested.isEmpty })
    }

    @Test func writesWithTheTokenPassAndReadsNeedNone() async throws {
        let harness = try harness()
        let body = MultipartBody.product(image: try APITestHarness.jpeg())
        try await harness.test { client in
            let upload = try await client.execute(
                uri: "/v1/products", method: .post, headers: [.contentType: body.contentType, .authorization: "Bearer \(token)"], body: body.buffer)
            #expect(upload.status == .accepted)
            #expect(try await client.execute(uri: "/v1/products/sku-1", method: .get).status == .ok)
            let remove = try await client.execute(uri: "/v1/products/sku-1", method: .delete, headers: [.authorization: "Bearer \(token)"])
            #expect(remove.status == .accepted)
        }
    }

    @Test func withoutATokenWritesAreOpen() async throws {
        let harness = try APITestHarness()
        let body = MultipartBody.product(image: try APITestHarness.jpeg())
        try await harness.test { client in
            let upload = try await client.execute(uri: "/v1/products", method: .post, headers: [.contentType: body.contentType], body: body.buffer)
            #expect(upload.status == .accepted)
        }
    }

    @Test func theTokenComparesWholeAndNeverShows() {
        let token = APIToken("abc123")!
        #expect(token.matches("abc123"))
        #expect(!token.matches("abc12"))
        #expect(!token.matches("abc1234"))
        #expect(!token.matches(""))
        #expect(!token.matches("ABC123"))
        #expect(APIToken("") == nil)
        var dumped = ""
        dump(token, to: &dumped)
        for shown in ["\(token)", String(reflecting: token), dumped, "\([token])"] {
            #expect(!shown.contains("abc123"), "\(shown)")
        }
        #expect("\(token)" == "<redacted>")
    }
}
