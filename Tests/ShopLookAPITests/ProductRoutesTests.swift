import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import ShopLookAPI
import ShopLookCore
import ShopLookImaging
import ShopLookPipeline
import Testing

@Suite("Product routes in process")
struct ProductRoutesTests {
    func post(_ client: some TestClientProtocol, _ body: MultipartBody, headers: HTTPFields = [:]) async throws -> TestResponse {
        var fields = headers
        fields[.contentType] = body.contentType
        return try await client.execute(uri: "/v1/products", method: .post, headers: fields, body: body.buffer)
    }

    @Test func anUploadIsAcceptedWithItsLocationAndTheSameImageAgainIsADuplicate() async throws {
        let harness = try APITestHarness()
        let jpeg = try APITestHarness.jpeg()
        try await harness.test { client in
            let first = try await post(client, .product(id: "shirts/sku 1", image: jpeg))
            #expect(first.status == .accepted)
            #expect(first.headers[.location] == "/v1/products/shirts%2Fsku%201")
            #expect(first.headers[.contentType] == "application/json")
            #expect(try first.decode(ProductUploadAnswer.self)
                == ProductUploadAnswer(productID: "shirts/sku 1", imageID: SHA256.hexDigest(jpeg), duplicate: false, requeued: false))
            let again = try await post(client, .product(id: "shirts/sku 1", image: jpeg))
            #expect(again.status == .accepted)
            #expect(try again.decode(ProductUploadAnswer.self).duplicate)

            let product = try await client.execute(uri: "/v1/products/shirts%2Fsku%201", method: .get)
            #expect(product.status == .ok)
            let details = try product.decode(ProductDetails.self)
            #expect(details.productID == "shirts/sku 1" && details.title == "Blue tee" && details.superCategory == "upper")
            #expect(details.images.map(\.imageID) == [SHA256.hexDigest(jpeg)])
            #expect(!details.removed)
        }
        #expect(harness.catalog.state.withLock { $0.ingested.count } == 2)
    }

    @Test func aPNGIsAcceptedToo() async throws {
        let harness = try APITestHarness()
        // A 1×1 PNG with transparency.
        let png = Array(try #require(Data(base64Encoded:
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==")))
        #expect(try ImageDecoder().size(png) == ImageSize(width: 1, height: 1))
        try await harness.test { client in
            let body = MultipartBody([.field("id", "p"), .field("title", "t"), .field("url", "u"),
                                      .file("image", filename: "a.png", contentType: "image/png", bytes: png)])
            let response = try await post(client, body)
            #expect(response.status == .accepted)
        }
    }

    @Test func aBodyThatIsNotMultipartIs415AndABadOneIs400() async throws {
        let harness = try APITestHarness()
        try await harness.test { client in
            let json = try await client.execute(
                uri: "/v1/products", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: "{}"))
            #expect(json.status == .unsupportedMediaType)
            #expect(try json.apiError().code == "unsupported_media_type")
            let none = try await client.execute(uri: "/v1/products", method: .post, body: ByteBuffer(string: "x"))
            #expect(none.status == .unsupportedMediaType)

            let noBoundary = try await client.execute(
                uri: "/v1/products", method: .post, headers: [.contentType: "multipart/form-data"], body: ByteBuffer(string: "x"))
            #expect(noBoundary.status == .badRequest)
            #expect(try noBoundary.apiError().message == "the multipart/form-data Content-Type has no boundary")

            let truncated = try await client.execute(
                uri: "/v1/products", method: .post, headers: [.contentType: "multipart/form-data; boundary=b"],
                body: ByteBuffer(string: "--b\r\nContent-Disposition: form-data; name=\"id\"\r\n\r\nx"))
            #expect(truncated.status == .badRequest)
            #expect(try truncated.apiError().message
                == "malformed multipart/form-data: the body ends before the closing \"--b--\" delimiter")

            let missing = try await post(client, MultipartBody([.field("id", "a")]))
            #expect(missing.status == .badRequest)
            #expect(try missing.apiError() == APIErrorBody.Detail(code: "bad_request", message: "the form has no \"image\" file field"))
        }
        #expect(harness.catalog.state.withLock { $0.ingested.isEmpty })
    }

    @Test func aBodyOverTheLimitIs413() async throws {
        let harness = try APITestHarness(configuration: APIConfiguration(maximumBodyBytes: 4096))
        let big = try APITestHarness.jpeg(width: 400, height: 300)
        #expect(big.count > 4096)
        try await harness.test { client in
            let response = try await post(client, .product(image: big))
            #expect(response.status == .contentTooLarge)
            #expect(try response.apiError()
                == APIErrorBody.Detail(code: "payload_too_large", message: "the request body is larger than the limit of 4096 bytes"))
            // Without Content-Length the limit holds while the body streams in.
            let body = MultipartBody.product(image: big)
            let streamed = try await client.execute(
                uri: "/v1/products", method: .post, headers: [.contentType: body.contentType, .transferEncoding: "chunked"], body: body.buffer)
            #expect(streamed.status == .contentTooLarge)
            #expect(try streamed.apiError().code == "payload_too_large")
        }
        #expect(harness.catalog.state.withLock { $0.ingested.isEmpty })
    }

    @Test func nonImagesCorruptImagesAndImagesOverThePixelLimitsAre422WithTheDecodersReason() async throws {
        let harness = try APITestHarness(configuration: APIConfiguration(imageLimits: ImageLimits(maxPixels: 1000)))
        let jpeg = try APITestHarness.jpeg(width: 64, height: 48)
        try await harness.test { client in
            let text = try await post(client, .product(image: Array("just text".utf8)))
            #expect(text.status == .unprocessableContent)
            #expect(try text.apiError()
                == APIErrorBody.Detail(code: "invalid_image", message: "unsupported image format: unknown (expected JPEG or PNG)"))

            let gif = try await post(client, .product(image: Array("GIF89a\u{1}\u{0}\u{1}\u{0}".utf8)))
            #expect(try gif.apiError().message == "unsupported image format: gif (expected JPEG or PNG)")

            let empty = try await post(client, .product(image: []))
            #expect(empty.status == .unprocessableContent)
            #expect(try empty.apiError().message == "unsupported image format: empty (expected JPEG or PNG)")

            let truncated = try await post(client, .product(image: Array(jpeg.prefix(jpeg.count / 2))))
            #expect(truncated.status == .unprocessableContent)
            #expect(try truncated.apiError().message.hasPrefix("corrupt JPEG"))

            let large = try await post(client, .product(image: jpeg))
            #expect(large.status == .unprocessableContent)
            #expect(try large.apiError().message == "image of 64x48 pixels exceeds the size limits")
        }
        #expect(harness.catalog.state.withLock { $0.ingested.isEmpty })
    }

    @Test func removalAnswersWhatWasRemovedAndUnknownIdsAre404() async throws {
        let harness = try APITestHarness()
        try await harness.test { client in
            #expect(try await post(client, .product(id: "gone", image: try APITestHarness.jpeg())).status == .accepted)
            let removed = try await client.execute(uri: "/v1/products/gone", method: .delete)
            #expect(removed.status == .accepted)
            #expect(try removed.decode(ProductRemoval.self) == ProductRemoval(productID: "gone", alreadyRemoved: false, tombstones: 0))
            let again = try await client.execute(uri: "/v1/products/gone", method: .delete)
            #expect(try again.decode(ProductRemoval.self).alreadyRemoved)
            let product = try await client.execute(uri: "/v1/products/gone", method: .get)
            #expect(try product.decode(ProductDetails.self).removed)

            let unknown = try await client.execute(uri: "/v1/products/never", method: .delete)
            #expect(unknown.status == .notFound)
            #expect(try unknown.apiError() == APIErrorBody.Detail(code: "not_found", message: "no product \"never\""))
            let unknownGet = try await client.execute(uri: "/v1/products/never", method: .get)
            #expect(unknownGet.status == .notFound)
            #expect(try unknownGet.apiError().code == "not_found")
        }
    }

    @Test func idsOutsideTheSchemaAre400() async throws {
        let harness = try APITestHarness()
        try await harness.test { client in
            for (path, message) in [
                ("/v1/products/\(String(repeating: "a", count: 201))", "a product id is at most 200 characters"),
                ("/v1/products/a%00b", "a product id must not contain NUL"),
                ("/v1/products/%2E%2E", "a product id cannot be \"..\""),
                ("/v1/products/%FF", "the id in the path is not valid percent-encoded UTF-8"),
            ] {
                for method in [HTTPRequest.Method.get, .delete] {
                    let response = try await client.execute(uri: path, method: method)
                    #expect(response.status == .badRequest, "\(method) \(path)")
                    #expect(try response.apiError() == APIErrorBody.Detail(code: "bad_request", message: message))
                }
            }
            let exactly200 = try await client.execute(uri: "/v1/products/\(String(repeating: "a", count: 200))", method: .get)
            #expect(exactly200.status == .notFound)
        }
    }

    @Test func infrastructureFailuresAre500WithoutTheirInternals() async throws {
        struct DatabaseDown: Error, CustomStringConvertible {
            var description: String { "connection to 10.1.2.3 refused: password=secret" }
        }
        let harness = try APITestHarness()
        harness.catalog.state.withLock { $0.failure = DatabaseDown() }
        try await harness.test { client in
            let response = try await client.execute(uri: "/v1/products/x", method: .get)
            #expect(response.status == .internalServerError)
            let error = try response.apiError()
            #expect(error == APIErrorBody.Detail(code: "internal", message: "internal error (logged by the server)"))
            #expect(!String(buffer: response.body).contains("secret"))
        }
    }
}
