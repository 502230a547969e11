import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import ShopLookAPI
import ShopLookBlobStore
import ShopLookCore
import ShopLookLook
import Testing

/// A finished look over the harness's blob store: the photo, one article with its stored crop and two matches.
func finishedLook(_ harness: APITestHarness, state: LookJob.State = .done, reason: String? = nil, url: String = "https://shop.example/P1")
    async throws -> LookJob
{
    let photo = try APITestHarness.jpeg(width: 200, height: 400, seed: 9)
    let crop = try APITestHarness.jpeg(width: 60, height: 80, seed: 10)
    let photoKey = try await harness.store.put(photo)
    let cropKey = try await harness.store.put(crop)
    let now = Date()
    let look = LookJob(
        jobID: UUID(), state: state, reason: reason, topK: 2, createdAt: now, startedAt: now, finishedAt: now.addingTimeInterval(0.2),
        deadlineAt: now.addingTimeInterval(30), attempts: 1, imageID: photoKey.rawValue, imageWidth: 200, imageHeight: 400,
        verdict: .partial,
        details: LookJobDetails(notInView: [.init(superCategory: .foot, reason: "no ankle in view")], stageMilliseconds: ["pose": 20]),
        articles: [
            LookJobArticle(
                ordinal: 0, superCategory: .upper, category: "jersey", box: [20, 40, 180, 200], score: 0.9, cropKey: cropKey.rawValue,
                reason: nil,
                matches: [
                    LookMatch(rank: 1, productID: "P1", title: "Blue <b>tee</b>", url: url, score: 0.91,
                              matchedArticleID: String(repeating: "a", count: 64), matchedCategory: "jersey", matchedImageID: nil),
                    LookMatch(rank: 2, productID: "shirts/P2", title: "Red tee", url: "https://shop.example/P2", score: 0.83,
                              matchedArticleID: String(repeating: "b", count: 64), matchedCategory: "t-shirt", matchedImageID: nil),
                ]),
        ])
    harness.looks.set(look)
    return look
}

@Suite("Look routes in process")
struct LookRoutesTests {
    @Test func aRawPhotoOrAFormIsQueuedWithItsLocation() async throws {
        let harness = try APITestHarness()
        let jpeg = try APITestHarness.jpeg()
        try await harness.test { client in
            let raw = try await client.execute(
                uri: "/v1/looks?k=7", method: .post, headers: [.contentType: "image/jpeg"], body: ByteBuffer(bytes: jpeg))
            #expect(raw.status == .accepted)
            let accepted = try LookJob.decoder().decode(LookAccepted.self, from: Data(buffer: raw.body))
            #expect(raw.headers[.location] == "/v1/looks/\(accepted.jobID)" && accepted.location == raw.headers[.location])
            #expect(accepted.page == "/looks/\(accepted.jobID)" && accepted.state == "queued")

            let form = MultipartBody([.file("image", filename: "me.jpg", contentType: "image/jpeg", bytes: jpeg), .field("k", "3")])
            let posted = try await client.execute(uri: "/v1/looks", method: .post, headers: [.contentType: form.contentType], body: form.buffer)
            #expect(posted.status == .accepted)

            // Open to shoppers: no token needed even when the server has one (see the token test below).
            let look = try await client.execute(uri: accepted.location, method: .get)
            #expect(look.status == .ok && look.headers[.cacheControl] == "no-store")
            let job = try LookJob.decoder().decode(LookJob.self, from: Data(buffer: look.body))
            #expect(job.state == .queued && job.topK == 7 && job.imageID == SHA256.hexDigest(jpeg))
        }
        #expect(harness.looks.submitted.map(\.topK) == [7, 3])
        #expect(harness.looks.submitted.allSatisfy { $0.photo == jpeg })
    }

    @Test func looksNeedNoTokenWhileCatalogWritesDo() async throws {
        let harness = try APITestHarness(configuration: APIConfiguration(token: APIToken("secret")))
        try await harness.test { client in
            let look = try await client.execute(
                uri: "/v1/looks", method: .post, headers: [.contentType: "image/jpeg"], body: ByteBuffer(bytes: try APITestHarness.jpeg()))
            #expect(look.status == .accepted)
            let product = try await client.execute(uri: "/v1/products", method: .post, headers: [.contentType: "multipart/form-data; boundary=x"])
            #expect(product.status == .unauthorized)
        }
    }

    @Test func badLooksAreRefusedInTheErrorShape() async throws {
        let harness = try APITestHarness(configuration: APIConfiguration(maximumBodyBytes: 4096))
        try await harness.test { client in
            let text = try await client.execute(uri: "/v1/looks", method: .post, headers: [.contentType: "text/plain"], body: ByteBuffer(string: "hi"))
            #expect(text.status == .unsupportedMediaType)
            #expect(try text.apiError().code == "unsupported_media_type")
            let notJPEG = try await client.execute(
                uri: "/v1/looks", method: .post, headers: [.contentType: "image/jpeg"], body: ByteBuffer(string: "not a photo"))
            #expect(notJPEG.status == .unprocessableContent)
            #expect(try notJPEG.apiError().code == "invalid_image")
            let k = try await client.execute(
                uri: "/v1/looks?k=0", method: .post, headers: [.contentType: "image/jpeg"], body: ByteBuffer(bytes: try APITestHarness.jpeg()))
            #expect(k.status == .badRequest)
            #expect(try k.apiError().message == "k must be a whole number 1-100")
            let noImage = MultipartBody([.field("k", "3")])
            let form = try await client.execute(uri: "/v1/looks", method: .post, headers: [.contentType: noImage.contentType], body: noImage.buffer)
            #expect(form.status == .badRequest)
            #expect(try form.apiError().message == "the form has no \"image\" file field")
            let extra = MultipartBody([.file("image", filename: "a.jpg", contentType: "image/jpeg", bytes: try APITestHarness.jpeg()), .field("colour", "red")])
            let unknown = try await client.execute(uri: "/v1/looks", method: .post, headers: [.contentType: extra.contentType], body: extra.buffer)
            #expect(unknown.status == .badRequest)
            let large = try await client.execute(
                uri: "/v1/looks", method: .post, headers: [.contentType: "image/jpeg"], body: ByteBuffer(bytes: [UInt8](repeating: 0xFF, count: 5000)))
            #expect(large.status == .contentTooLarge)
            #expect(try large.apiError().code == "payload_too_large")

            let badID = try await client.execute(uri: "/v1/looks/not-a-uuid", method: .get)
            #expect(badID.status == .badRequest)
            #expect(try badID.apiError().code == "bad_request")
            let unknownLook = try await client.execute(uri: "/v1/looks/\(UUID().uuidString.lowercased())", method: .get)
            #expect(unknownLook.status == .notFound)
            #expect(try unknownLook.apiError().code == "not_found")
        }
        #expect(harness.looks.submitted.isEmpty)
    }

    /// A full blob store (the chaos run fills it while looks are posted): a 507 that says so, without the store's path;
    /// once space returns the same post is queued.
    @Test func aFullBlobStoreIsA507WithItsReasonUntilSpaceReturns() async throws {
        let harness = try APITestHarness()
        let jpeg = try APITestHarness.jpeg()
        harness.looks.state.withLock { $0.failure = BlobStoreError.full(operation: "write", path: "/srv/blobs/tmp/secret.tmp") }
        try await harness.test { client in
            let full = try await client.execute(uri: "/v1/looks", method: .post, headers: [.contentType: "image/jpeg"], body: ByteBuffer(bytes: jpeg))
            #expect(full.status.code == 507)
            let error = try full.apiError()
            #expect(error.code == "insufficient_storage")
            #expect(error.message == "the blob store is full: the upload was not stored; try again later")
            #expect(!String(buffer: full.body).contains("/srv/blobs"))
            // Another failure of the store stays a 500 without its internals.
            harness.looks.state.withLock { $0.failure = BlobStoreError.io(operation: "write", path: "/srv/blobs/x", message: "I/O error") }
            let broken = try await client.execute(uri: "/v1/looks", method: .post, headers: [.contentType: "image/jpeg"], body: ByteBuffer(bytes: jpeg))
            #expect(broken.status == .internalServerError && !String(buffer: broken.body).contains("/srv/blobs"))
            harness.looks.state.withLock { $0.failure = nil }
            let again = try await client.execute(uri: "/v1/looks", method: .post, headers: [.contentType: "image/jpeg"], body: ByteBuffer(bytes: jpeg))
            #expect(again.status == .accepted)
        }
        #expect(harness.looks.submitted.count == 1)
    }

    @Test func aFinishedLookAndItsArticleCrops() async throws {
        let harness = try APITestHarness()
        let look = try await finishedLook(harness)
        let id = look.jobID.uuidString.lowercased()
        try await harness.test { client in
            let response = try await client.execute(uri: "/v1/looks/\(id)", method: .get)
            #expect(response.status == .ok && response.headers[.cacheControl] == nil)
            // The look as the store holds it, in the JSON the API writes (dates to the millisecond).
            let served = try LookJob.decoder().decode(LookJob.self, from: Data(buffer: response.body))
            #expect(try LookJob.encoder().encode(served) == LookJob.encoder().encode(look))
            #expect(served.articles == look.articles && served.details == look.details && served.state == .done)
            let crop = try await client.execute(uri: "/v1/looks/\(id)/articles/0/crop", method: .get)
            #expect(crop.status == .ok && crop.headers[.contentType] == "image/jpeg")
            #expect(Array(buffer: crop.body) == (try await harness.store.get(try BlobKey(look.articles[0].cropKey!))))
            let missing = try await client.execute(uri: "/v1/looks/\(id)/articles/3/crop", method: .get)
            #expect(missing.status == .notFound)
            let negative = try await client.execute(uri: "/v1/looks/\(id)/articles/-1/crop", method: .get)
            #expect(negative.status == .badRequest)
        }
    }
}
