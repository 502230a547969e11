import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import ShopLookAPI
import ShopLookBlobStore
import ShopLookCore
import ShopLookImaging
import Testing

@Suite("Thumbnails, images and crops in process")
struct MediaRoutesTests {
    func upload(_ client: some TestClientProtocol, id: String, image: [UInt8]) async throws {
        let body = MultipartBody.product(id: id, image: image)
        let response = try await client.execute(uri: "/v1/products", method: .post, headers: [.contentType: body.contentType], body: body.buffer)
        #expect(response.status == .accepted)
    }

    @Test func aThumbnailFitsTheSideAsJPEGWithALongCacheLife() async throws {
        let harness = try APITestHarness()
        let photo = try APITestHarness.jpeg(width: 800, height: 400)
        try await harness.test { client in
            try await upload(client, id: "wide", image: photo)
            let response = try await client.execute(uri: "/v1/products/wide/thumbnail", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "image/jpeg")
            #expect(response.headers[.cacheControl] == "public, max-age=604800")
            let bytes = Array(buffer: response.body)
            #expect(try ImageDecoder().size(bytes) == ImageSize(width: 320, height: 160))
        }
    }

    @Test func imagesAndCropsAreTheStoredBytesImmutable() async throws {
        let harness = try APITestHarness()
        let photo = try APITestHarness.jpeg(seed: 3)
        let crop = try APITestHarness.jpeg(width: 20, height: 30, seed: 4)
        let articleID = try await harness.catalog.addCrop(crop)
        try await harness.test { client in
            try await upload(client, id: "p", image: photo)
            let image = try await client.execute(uri: "/v1/images/\(SHA256.hexDigest(photo))", method: .get)
            #expect(image.status == .ok)
            #expect(image.headers[.contentType] == "image/jpeg")
            #expect(image.headers[.cacheControl] == "public, max-age=31536000, immutable")
            #expect(Array(buffer: image.body) == photo)
            let cropped = try await client.execute(uri: "/v1/articles/\(articleID)/crop", method: .get)
            #expect(cropped.status == .ok)
            #expect(Array(buffer: cropped.body) == crop)
        }
    }

    @Test func unknownIdsAre404AndMalformedOnes400() async throws {
        let harness = try APITestHarness()
        harness.catalog.addProductWithoutImage("bare")
        let unknown = SHA256.hexDigest(Array("nothing".utf8))
        try await harness.test { client in
            for (path, status, message) in [
                ("/v1/products/none/thumbnail", HTTPResponse.Status.notFound, "no product \"none\""),
                ("/v1/products/bare/thumbnail", .notFound, "product \"bare\" has no image"),
                ("/v1/images/\(unknown)", .notFound, "no image \(unknown)"),
                ("/v1/articles/\(unknown)/crop", .notFound, "no article \(unknown)"),
                ("/v1/images/\(unknown.uppercased())", .badRequest, "image ids are 64 lowercase hex digits (a SHA-256)"),
                ("/v1/images/abc", .badRequest, "image ids are 64 lowercase hex digits (a SHA-256)"),
                ("/v1/articles/..%2F..%2Fetc/crop", .badRequest, "article ids are 64 lowercase hex digits (a SHA-256)"),
                ("/v1/products/%00/thumbnail", .badRequest, "a product id must not contain NUL"),
            ] {
                let response = try await client.execute(uri: path, method: .get)
                #expect(response.status == status, "\(path)")
                #expect(try response.apiError().message == message)
            }
        }
    }

    @Test func bytesGoneFromTheStoreOrUndecodableAre404() async throws {
        let harness = try APITestHarness()
        let photo = try APITestHarness.jpeg(seed: 9)
        try await harness.test { client in
            try await upload(client, id: "lost", image: photo)
            try await harness.store.delete(try BlobKey(SHA256.hexDigest(photo)))
            let image = try await client.execute(uri: "/v1/images/\(SHA256.hexDigest(photo))", method: .get)
            #expect(image.status == .notFound)
            #expect(try image.apiError().message == "the blob store no longer has image \(SHA256.hexDigest(photo))")
            let thumbnail = try await client.execute(uri: "/v1/products/lost/thumbnail", method: .get)
            #expect(thumbnail.status == .notFound)
        }
        // A product whose stored image does not decode (ingested by hand, unchecked) has no thumbnail.
        let corrupt = Array(photo.prefix(photo.count / 2))
        let key = try await harness.store.put(corrupt)
        harness.catalog.state.withLock { state in
            state.images[key.rawValue] = key
            state.products["broken"] = ProductDetails(productID: "broken", images: [.init(imageID: key.rawValue, state: "new")])
        }
        try await harness.test { client in
            let thumbnail = try await client.execute(uri: "/v1/products/broken/thumbnail", method: .get)
            #expect(thumbnail.status == .notFound)
            #expect(try thumbnail.apiError().message.hasPrefix("product \"broken\" has no thumbnail: its image \(key.rawValue) cannot be decoded (corrupt JPEG"))
        }
    }
}
