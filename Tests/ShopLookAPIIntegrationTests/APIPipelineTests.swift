import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import ShopLookAPI
import ShopLookBlobStore
import ShopLookCore
import ShopLookImaging
import ShopLookPostgres
import ShopLookTestSupport
import Testing

/// The API over PostgreSQL and the development broker, in process: an upload is rows and a `new-image` message,
/// a removal marks the product and publishes its tombstones as `shoplook remove` does, and every error path
/// leaves nothing behind.
@Suite(.serialized, .requiresDatabase, .requiresBroker)
struct APIPipelineTests {
    let authorization: HTTPFields = [.authorization: "Bearer \(APIFixture.token)"]

    @Test func anUploadIsRowsAndANewImageMessageAndARemovalIsATombstone() async throws {
        try await APIFixture.with { fixture in
            let photo = try TestImages.solid(red: 90)
            let imageID = SHA256.hexDigest(photo)
            try await fixture.test { client in
                let (contentType, body) = APIFixture.form(
                    [("id", "women/shirts/42"), ("title", "Linen shirt"), ("url", "https://shop.example/42"), ("category", "shirt")], image: photo)
                var headers = authorization
                headers[.contentType] = contentType
                let upload = try await client.execute(uri: "/v1/products", method: .post, headers: headers, body: body)
                #expect(upload.status == .accepted)
                #expect(upload.headers[.location] == "/v1/products/women%2Fshirts%2F42")
                #expect(try upload.decode(ProductUploadAnswer.self)
                    == ProductUploadAnswer(productID: "women/shirts/42", imageID: imageID, duplicate: false, requeued: false))

                // PostgreSQL has the product, the image and the link; the blob store the bytes.
                let row = try await fixture.pool.withConnection { connection in
                    try await connection.query(
                        """
                        SELECT p.title, p.url, p.category, p.super_category, i.state, i.source, i.byte_size, i.blob_key
                        FROM products p JOIN product_images pi USING (product_id) JOIN images i USING (image_id)
                        WHERE p.product_id = 'women/shirts/42'
                        """)[0]
                }
                #expect(try row.decode(String.self, at: 0) == "Linen shirt")
                #expect(try row.decode(String.self, at: 1) == "https://shop.example/42")
                #expect(try row.decode(String.self, at: 2) == "shirt")
                #expect(try row.decode(String.self, at: 3) == "upper")
                #expect(try row.decode(String.self, at: 4) == "new")
                #expect(try row.decode(String.self, at: 5) == "catalog")
                #expect(try row.decode(Int.self, at: 6) == photo.count)
                #expect(try await fixture.store.get(try BlobKey(try row.decode(String.self, at: 7))) == photo)

                // The pose stage's input: one new-image message keyed by the image id.
                let record = try #require(try await fixture.records(fixture.topics.newImage, count: 1).first)
                #expect(record.key == Array(imageID.utf8))
                let message = try fixture.codec.decode(NewImageMessage.self, from: record.value)
                #expect(message.imageID == imageID && message.blobKey == imageID && message.source == .catalog)
                #expect(message.productID == "women/shirts/42" && message.category == "shirt" && message.superCategory == .upper)
                #expect(message.byteSize == photo.count)

                // Uploading the same photo again is a duplicate, said so.
                let again = try await client.execute(uri: "/v1/products", method: .post, headers: headers, body: body)
                #expect(again.status == .accepted)
                #expect(try again.decode(ProductUploadAnswer.self).duplicate)

                // The pipeline found one article and embedded it (written here as the stages would).
                let article = SHA256.hexDigest(Array("article of \(imageID)".utf8))
                let crop = try TestImages.crop(seed: 3)
                let cropKey = try await fixture.store.put(crop)
                let shard = ShardAssignment.shard(forArticleID: article, shardCount: 4)
                try await fixture.pool.withConnection { connection in
                    _ = try await connection.execute("UPDATE images SET state = 'embedded', width = 32, height = 24 WHERE image_id = $1", [imageID])
                    _ = try await connection.execute(
                        """
                        INSERT INTO articles (article_id, image_id, ordinal, super_category, category, x0, y0, x1, y1, score, crop_blob_key)
                        VALUES ($1, $2, 0, 'upper', 'shirt', 1, 2, 30, 20, 0.5, $3)
                        """, [article, imageID, cropKey.rawValue])
                    _ = try await connection.execute(
                        "INSERT INTO vectors (article_id, model_version, super_category, dim, shard, vector) VALUES ($1, 'test-v1', 'upper', 2, $2, $3)",
                        [article, shard, Float32Vector(values: [0.6, 0.8])])
                }

                let product = try await client.execute(uri: "/v1/products/women%2Fshirts%2F42", method: .get)
                #expect(product.status == .ok)
                let details = try product.decode(ProductDetails.self)
                #expect(details.images == [ProductDetails.Image(imageID: imageID, state: "embedded", width: 32, height: 24)])
                #expect(details.articles == [ProductDetails.Article(
                    articleID: article, imageID: imageID, superCategory: "upper", category: "shirt",
                    box: BoundingBox(x0: 1, y0: 2, x1: 30, y1: 20), score: 0.5)])
                #expect(!details.removed && details.removedAt == nil)

                let cropped = try await client.execute(uri: "/v1/articles/\(article)/crop", method: .get)
                #expect(cropped.status == .ok && Array(buffer: cropped.body) == crop)
                let original = try await client.execute(uri: "/v1/images/\(imageID)", method: .get)
                #expect(original.status == .ok && original.headers[.contentType] == "image/jpeg" && Array(buffer: original.body) == photo)
                let thumbnail = try await client.execute(uri: "/v1/products/women%2Fshirts%2F42/thumbnail", method: .get)
                #expect(thumbnail.status == .ok)
                #expect(try ImageDecoder().size(Array(buffer: thumbnail.body)) == ImageSize(width: 32, height: 24))

                // Removal: the product is marked and the article's tombstone goes to its shard, as shoplook remove does.
                let removed = try await client.execute(uri: "/v1/products/women%2Fshirts%2F42", method: .delete, headers: authorization)
                #expect(removed.status == .accepted)
                #expect(try removed.decode(ProductRemoval.self)
                    == ProductRemoval(productID: "women/shirts/42", alreadyRemoved: false, tombstones: 1))
                let tombstone = try #require(try await fixture.records(fixture.topics.embedded, count: 1).first)
                #expect(tombstone.key == Array(article.utf8) && tombstone.value.isEmpty && tombstone.partition == Int32(shard))
                let after = try await client.execute(uri: "/v1/products/women%2Fshirts%2F42", method: .get)
                let afterDetails = try after.decode(ProductDetails.self)
                #expect(afterDetails.removed && afterDetails.removedAt.flatMap(RFC3339.date(from:)) != nil)
                let removedAt = try await fixture.pool.withConnection { connection in
                    try await connection.query("SELECT removed_at IS NOT NULL FROM products WHERE product_id = 'women/shirts/42'")[0].decode(Bool.self, at: 0)
                }
                #expect(removedAt)
                let twice = try await client.execute(uri: "/v1/products/women%2Fshirts%2F42", method: .delete, headers: authorization)
                #expect(try twice.decode(ProductRemoval.self).alreadyRemoved)
            }
        }
    }

    @Test func errorPathsAnswerInTheOneShapeAndWriteNothing() async throws {
        try await APIFixture.with { fixture in
            let photo = try TestImages.solid(red: 91)
            let fields = [("id", "sku-e"), ("title", "t"), ("url", "https://shop.example/e")]
            try await fixture.test(configuration: APIConfiguration(maximumBodyBytes: 2048, token: APIToken(APIFixture.token))) { client in
                func post(_ form: (String, ByteBuffer), token: Bool = true) async throws -> TestResponse {
                    var headers: HTTPFields = [.contentType: form.0]
                    if token { headers[.authorization] = "Bearer \(APIFixture.token)" }
                    return try await client.execute(uri: "/v1/products", method: .post, headers: headers, body: form.1)
                }
                let unauthorized = try await post(APIFixture.form(fields, image: photo), token: false)
                #expect(unauthorized.status == .unauthorized)
                #expect(unauthorized.headers[.wwwAuthenticate] == #"Bearer realm="shoplook""#)
                #expect(try unauthorized.apiError().code == "unauthorized")

                let tooLarge = try await post(APIFixture.form(fields, image: [UInt8](repeating: 0xFF, count: 4096)))
                #expect(tooLarge.status == .contentTooLarge)
                #expect(try tooLarge.apiError().code == "payload_too_large")

                let notAnImage = try await post(APIFixture.form(fields, image: Array("plain text, not a photo".utf8)))
                #expect(notAnImage.status == .unprocessableContent)
                #expect(try notAnImage.apiError() == APIErrorBody.Detail(
                    code: "invalid_image", message: "unsupported image format: unknown (expected JPEG or PNG)"))

                let malformed = try await client.execute(
                    uri: "/v1/products", method: .post,
                    headers: [.contentType: "multipart/form-data; boundary=zz", .authorization: "Bearer \(APIFixture.token)"],
                    body: ByteBuffer(string: "--zz\r\nContent-Disposition: form-data\r\n\r\nx\r\n--zz--"))
                #expect(malformed.status == .badRequest)
                #expect(try malformed.apiError().message == "malformed multipart/form-data: a part's Content-Disposition has no name")

                let missing = try await post(APIFixture.form([("id", "sku-e")], image: photo))
                #expect(missing.status == .badRequest)

                let unknown = try await client.execute(uri: "/v1/products/never-seen", method: .get)
                #expect(unknown.status == .notFound)
                #expect(try unknown.apiError() == APIErrorBody.Detail(code: "not_found", message: "no product \"never-seen\""))
                let unknownDelete = try await client.execute(uri: "/v1/products/never-seen", method: .delete, headers: authorization)
                #expect(unknownDelete.status == .notFound)
                let unknownImage = try await client.execute(uri: "/v1/images/\(SHA256.hexDigest(photo))", method: .get)
                #expect(unknownImage.status == .notFound)
                let tooLong = try await client.execute(uri: "/v1/products/\(String(repeating: "x", count: 201))", method: .get)
                #expect(tooLong.status == .badRequest)
            }
            #expect(try await fixture.counts() == [0, 0, 0])
        }
    }

    @Test func healthNamesTheServiceThatDoesNotAnswer() async throws {
        try await APIFixture.with { fixture in
            try await fixture.test { client in
                let healthy = try await client.execute(uri: "/healthz", method: .get)
                #expect(healthy.status == .ok)
                #expect(try healthy.decode(HealthRoutes.Healthy.self).checks == ["database": "ok", "broker": "ok"])
            }
            // Every broker of the cluster down, its ports still held: a stopped broker process frees them, and another
            // test's development broker may bind one, answer the probe's metadata request and create the topic (the
            // mock creates any topic a metadata request names), so that the check would see a healthy broker.
            for id in 1...3 { try fixture.broker.control.send("broker-down \(id)") }
            try await fixture.test { client in
                let unhealthy = try await client.execute(uri: "/healthz", method: .get)
                #expect(unhealthy.status == .serviceUnavailable)
                let error = try unhealthy.apiError()
                #expect(error.code == "unavailable" && error.message == "not healthy: broker failing")
                #expect(error.details?["database"] == "ok")
                #expect(error.details?["broker"] != "ok")
            }
        }
    }

    @Test func aDatabaseThatDoesNotAnswerIs503() async throws {
        try await APIFixture.with { fixture in
            // A server that is not there (a port nothing listens on), with a pool that gives up quickly.
            let nowhere = try PostgresConfiguration("postgres://shoplook@127.0.0.1:1/shoplook", backoff: .init(maximumTotalWait: .milliseconds(500)))
            var infrastructure = fixture.infrastructure
            infrastructure.pool = PostgresPool(configuration: nowhere, maximumConnections: 1, logger: fixture.logger)
            try await fixture.test(services: APIServices.live(infrastructure)) { client in
                let unhealthy = try await client.execute(uri: "/healthz", method: .get)
                #expect(unhealthy.status == .serviceUnavailable)
                let error = try unhealthy.apiError()
                #expect(error.message == "not healthy: database failing")
                #expect(error.details?["broker"] == "ok")
            }
            await infrastructure.pool.close()
        }
    }
}
