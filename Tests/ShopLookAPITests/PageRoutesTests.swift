import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import ShopLookAPI
import ShopLookBlobStore
import ShopLookCore
import ShopLookLook
import Testing

@Suite("The shopper's page in process")
struct PageRoutesTests {
    func html(_ response: TestResponse) -> String { String(buffer: response.body) }

    @Test func theHomePageIsAnUploadForm() async throws {
        let harness = try APITestHarness()
        try await harness.test { client in
            let response = try await client.execute(uri: "/", method: .get)
            #expect(response.status == .ok && response.headers[.contentType] == "text/html; charset=utf-8")
            let page = html(response)
            #expect(page.contains(#"<form id="upload" method="post" action="/looks" enctype="multipart/form-data">"#))
            #expect(page.contains(#"<input type="file" id="image" name="image" accept="image/jpeg,image/png" required>"#))
            #expect(page.contains(#"addEventListener("drop""#) && !page.contains("http://") && !page.contains("https://"), "no CDN")
        }
    }

    @Test func theFormSubmitsALookAndGoesToItsPage() async throws {
        let harness = try APITestHarness()
        try await harness.test { client in
            let form = MultipartBody([.file("image", filename: "me.jpg", contentType: "image/jpeg", bytes: try APITestHarness.jpeg())])
            let response = try await client.execute(uri: "/looks", method: .post, headers: [.contentType: form.contentType], body: form.buffer)
            #expect(response.status == .seeOther)
            let location = try #require(response.headers[.location])
            #expect(location.hasPrefix("/looks/"))
            let page = try await client.execute(uri: location, method: .get)
            #expect(page.status == .ok && page.headers[.cacheControl] == "no-store")
            #expect(html(page).contains(#"<meta http-equiv="refresh" content="1">"#) && html(page).contains(#"data-state="queued""#))

            let bad = MultipartBody([.file("image", filename: "me.jpg", contentType: "image/jpeg", bytes: Array("hello".utf8))])
            let refused = try await client.execute(uri: "/looks", method: .post, headers: [.contentType: bad.contentType], body: bad.buffer)
            #expect(refused.status == .unprocessableContent && refused.headers[.contentType] == "text/html; charset=utf-8")
            #expect(html(refused).contains(#"<div class="error" id="error">"#) && html(refused).contains("<form id=\"upload\""))
        }
        #expect(harness.looks.submitted.count == 1)
    }

    @Test func aFinishedLookShowsBoxesProductsAndWhy() async throws {
        let harness = try APITestHarness()
        let look = try await finishedLook(harness)
        let id = look.jobID.uuidString.lowercased()
        try await harness.test { client in
            let response = try await client.execute(uri: "/looks/\(id)", method: .get)
            #expect(response.status == .ok && response.headers[.cacheControl] == nil)
            let page = html(response)
            #expect(!page.contains("http-equiv=\"refresh\""), "an ended look does not reload")
            #expect(page.contains(#"<img src="/v1/images/\#(look.imageID!)""#))
            // The box in percent of the 200×400 photo: x 20–180, y 40–200.
            #expect(page.contains(#"class="box upper" data-article="0" style="left: 10.00%; top: 10.00%; width: 80.00%; height: 40.00%""#))
            #expect(page.contains(#"<img src="/v1/looks/\#(id)/articles/0/crop""#))
            #expect(page.contains(#"<a class="tile" href="https://shop.example/P1" data-product="P1" data-rank="1""#))
            #expect(page.contains(#"src="/v1/products/shirts%2FP2/thumbnail""#))
            #expect(page.contains(#"<img src="/v1/articles/\#(String(repeating: "a", count: 64))/crop" alt="the matched jersey">"#))
            #expect(page.contains("similarity 0.91") && page.contains("Blue &lt;b&gt;tee&lt;/b&gt;"), "titles are escaped")
            #expect(page.contains("Not in the photo: foot wear (no ankle in view)."))
        }
    }

    @Test func partialAndFailedLooksSayWhyAndUnsafeLinksStayOnThePage() async throws {
        let harness = try APITestHarness()
        let failed = try await finishedLook(harness, state: .failed, reason: "no person and no garment found in the photo")
        let partial = try await finishedLook(harness, state: .partial, reason: "shard(s) 3 did not answer", url: "javascript:alert(1)")
        try await harness.test { client in
            let failedPage = html(try await client.execute(uri: "/looks/\(failed.jobID.uuidString.lowercased())", method: .get))
            #expect(failedPage.contains("No answer: no person and no garment found in the photo"))
            let partialPage = html(try await client.execute(uri: "/looks/\(partial.jobID.uuidString.lowercased())", method: .get))
            #expect(partialPage.contains("Partial answer") && partialPage.contains("shard(s) 3 did not answer"))
            #expect(!partialPage.contains("javascript:") && partialPage.contains(#"href="/v1/products/P1""#))
            let missing = try await client.execute(uri: "/looks/\(UUID().uuidString)", method: .get)
            #expect(missing.status == .notFound && html(missing).contains("There is no look"))
            let malformed = try await client.execute(uri: "/looks/nope", method: .get)
            #expect(malformed.status == .notFound && malformed.headers[.contentType] == "text/html; charset=utf-8")
        }
    }

    struct DatabaseDown: Error {}

    @Test func aFullBlobStoreIsThe507AndItsReasonOnTheForm() async throws {
        let harness = try APITestHarness()
        harness.looks.state.withLock { $0.failure = BlobStoreError.full(operation: "write", path: "/srv/blobs/tmp/secret.tmp") }
        try await harness.test { client in
            let form = MultipartBody([.file("image", filename: "me.jpg", contentType: "image/jpeg", bytes: try APITestHarness.jpeg())])
            let posted = try await client.execute(uri: "/looks", method: .post, headers: [.contentType: form.contentType], body: form.buffer)
            #expect(posted.status.code == 507 && posted.headers[.contentType] == "text/html; charset=utf-8")
            #expect(html(posted).contains("the blob store is full: the upload was not stored; try again later"))
            #expect(html(posted).contains("<form id=\"upload\"") && !html(posted).contains("/srv/blobs"))
        }
    }

    @Test func aFailingStoreIsA503PageWithoutInternals() async throws {
        let harness = try APITestHarness()
        harness.looks.state.withLock { $0.failure = DatabaseDown() }
        try await harness.test { client in
            let page = try await client.execute(uri: "/looks/\(UUID().uuidString.lowercased())", method: .get)
            #expect(page.status == .serviceUnavailable && page.headers[.contentType] == "text/html; charset=utf-8")
            #expect(html(page).contains("The shop cannot answer right now") && !html(page).contains("DatabaseDown"))
            let form = MultipartBody([.file("image", filename: "me.jpg", contentType: "image/jpeg", bytes: try APITestHarness.jpeg())])
            let posted = try await client.execute(uri: "/looks", method: .post, headers: [.contentType: form.contentType], body: form.buffer)
            #expect(posted.status == .serviceUnavailable && html(posted).contains("<form id=\"upload\""))
            // The API's own route answers in its JSON shape (500, logged).
            let json = try await client.execute(uri: "/v1/looks/\(UUID().uuidString.lowercased())", method: .get)
            #expect(json.status == .internalServerError && json.headers[.contentType] == "application/json")
        }
    }
}
