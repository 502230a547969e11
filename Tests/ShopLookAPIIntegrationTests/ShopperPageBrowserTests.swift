import Foundation
import ShopLookAPI
import ShopLookBlobStore
import ShopLookCore
import ShopLookImaging
import ShopLookLook
import ShopLookPostgres
import ShopLookTestSupport
import Testing

/// The shopper's page in a real browser: the real `shoplook-api` process serves a finished look (rows in PostgreSQL,
/// bytes in the blob store, as the query worker leaves them) and Debian's chromium, headless, renders it: the DOM
/// has a box per article and a tile per product with its link, thumbnail and matched crop, and the screenshot shows
/// the page (not blank: the boxes' colours are on it).
@Suite(.serialized, .requiresDatabase, .requiresBroker, .requiresExecutables("shoplook-api"), .requiresChromium)
struct ShopperPageBrowserTests {
    /// A 240×480 "photo": a dark figure on a light background.
    static func photo() throws -> [UInt8] {
        let width = 240, height = 480
        var pixels = [UInt8](repeating: 235, count: width * height * 3)
        for y in 60..<440 {
            for x in 70..<170 {
                let index = (y * width + x) * 3
                pixels[index] = 40
                pixels[index + 1] = UInt8(60 + y / 8)
                pixels[index + 2] = 120
            }
        }
        return try JPEGEncoder(quality: 90).encode(try RGBImage(width: width, height: height, pixels: pixels))
    }

    /// A catalog product (through the API's route) with an article, and a look answered with it: two articles,
    /// the first matched to the product, the second without a match.
    func finishedLook(_ fixture: APIFixture) async throws -> UUID {
        let productPhoto = try TestImages.crop(seed: 2)
        try await fixture.test { client in
            let (contentType, body) = APIFixture.form(
                [("id", "P1"), ("title", "Navy overshirt"), ("url", "https://shop.example/P1"), ("category", "shirt")], image: productPhoto)
            let response = try await client.execute(
                uri: "/v1/products", method: .post, headers: [.contentType: contentType, .authorization: "Bearer \(APIFixture.token)"], body: body)
            #expect(response.status == .accepted)
        }
        let productImage = SHA256.hexDigest(productPhoto)
        let matched = SHA256.hexDigest(Array("page article".utf8))
        try await fixture.pool.withConnection { connection in
            _ = try await connection.execute(
                """
                INSERT INTO articles (article_id, image_id, ordinal, super_category, category, x0, y0, x1, y1, score, crop_blob_key)
                VALUES ($1, $2, 0, 'upper', 'shirt', 20, 20, 100, 140, 0.9, $2)
                """, [matched, productImage])
        }
        let looks = PostgresLookService(fixture.infrastructure)
        let submission = try await looks.submit(photo: try Self.photo(), topK: 3, deadline: .seconds(60))
        let jobs = LookJobStore(pool: fixture.pool)
        _ = try await jobs.claim(submission.jobID, worker: "page-test")
        let crop = try await fixture.store.put(try TestImages.crop(seed: 5))
        let upper = LookArticle(
            ordinal: 0, superCategory: .upper, category: "jersey", box: BoundingBox(x0: 60, y0: 60, x1: 180, y1: 250), score: 0.9,
            cropKey: crop, vector: [1])
        let lower = LookArticle(
            ordinal: 1, superCategory: .lower, category: "jean", box: BoundingBox(x0: 70, y0: 250, x1: 170, y1: 440), score: 0.8,
            cropKey: crop, vector: [1])
        let answered = try await jobs.finish(submission.jobID, with: .answered(
            verdict: .partial,
            articles: [
                AnsweredArticle(article: upper, matches: [.init(productID: "P1", articleID: matched, score: 0.87)], reason: nil),
                AnsweredArticle(article: lower, matches: [], reason: "the catalog has no lower wear to match"),
            ],
            details: LookJobDetails(notInView: [.init(superCategory: .foot, reason: "no ankle in view")])))
        #expect(answered)
        return submission.jobID
    }

    func chromium(_ arguments: [String], in directory: URL) async throws -> String {
        let browser = try TestProcess(
            executable: TestServices.chromium,
            arguments: ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
                        "--user-data-dir=\(directory.appendingPathComponent("profile").path)", "--window-size=1280,1000",
                        "--virtual-time-budget=5000"] + arguments,
            directory: directory)
        let exit = try await withTimeout(.seconds(120), "chromium renders the page") { await browser.exit() }
        let output = await browser.output()
        guard exit == .exited(0) else { throw TestSupportError("chromium: \(exit)\n\(output)") }
        return output
    }

    @Test func aFinishedLookRendersInAHeadlessBrowser() async throws {
        try await APIFixture.with { fixture in
            let id = try await finishedLook(fixture).uuidString.lowercased()
            let server = try TestProcess(
                "shoplook-api",
                arguments: [
                    "--host", "127.0.0.1", "--port", "0", "--database-url", fixture.schema.url, "--kafka-brokers",
                    fixture.broker.bootstrapServers, "--topic-prefix", fixture.topics.prefix, "--blob-root", fixture.store.root.path,
                ],
                environment: ["SHOPLOOK_LOG_LEVEL": "info"])
            defer { server.send(SIGKILL) }
            let address = try await server.listeningAddress()
            let url = "http://\(address)/looks/\(id)"
            let work = TestPaths.scratchDirectory("browser")
            defer { try? FileManager.default.removeItem(at: work) }

            // The DOM as the browser built it.
            let dom = try await chromium(["--dump-dom", url], in: work)
            #expect(dom.contains(#"data-state="partial""#), "\(dom.prefix(2000))")
            #expect(dom.components(separatedBy: #"<div class="box "#).count - 1 == 2, "a box per article")
            #expect(dom.contains(#"class="box upper" data-article="0""#) && dom.contains(#"class="box lower" data-article="1""#))
            #expect(dom.components(separatedBy: #"<a class="tile""#).count - 1 == 1, "a tile per product")
            #expect(dom.contains(#"href="https://shop.example/P1""#) && dom.contains(#"src="/v1/products/P1/thumbnail""#))
            #expect(dom.contains(#"src="/v1/articles/\#(SHA256.hexDigest(Array("page article".utf8)))/crop""#))
            #expect(dom.contains("Navy overshirt") && dom.contains("the catalog has no lower wear to match"))
            #expect(dom.contains("Not in the photo: foot wear (no ankle in view)."))

            // The screenshot: not blank, with the boxes' colours (upper #e4572e, lower #17bebb) on it.
            let screenshot = work.appendingPathComponent("look.png")
            _ = try await chromium(["--screenshot=\(screenshot.path)", url], in: work)
            // SHOPLOOK_TEST_ARTIFACTS=DIR keeps the screenshot for a person to look at.
            if let keep = ProcessInfo.processInfo.environment["SHOPLOOK_TEST_ARTIFACTS"], !keep.isEmpty {
                let target = URL(fileURLWithPath: keep).appendingPathComponent("shopper-page-look.png")
                try? FileManager.default.removeItem(at: target)
                try FileManager.default.copyItem(at: screenshot, to: target)
            }
            let image = try PNGDecoder().decode([UInt8](try Data(contentsOf: screenshot)))
            #expect(image.width == 1280 && image.height == 1000)
            var upper = 0, lower = 0, distinct = Set<UInt32>()
            image.pixels.withUnsafeBufferPointer { pixels in
                for index in stride(from: 0, to: pixels.count, by: 3) {
                    let (r, g, b) = (Int(pixels[index]), Int(pixels[index + 1]), Int(pixels[index + 2]))
                    if abs(r - 0xE4) < 12, abs(g - 0x57) < 12, abs(b - 0x2E) < 12 { upper += 1 }
                    if abs(r - 0x17) < 12, abs(g - 0xBE) < 12, abs(b - 0xBB) < 12 { lower += 1 }
                    distinct.insert(UInt32(r) << 16 | UInt32(g) << 8 | UInt32(b))
                }
            }
            #expect(upper > 300 && lower > 300, "box colours on the screenshot: upper \(upper), lower \(lower)")
            #expect(distinct.count > 200, "a page, not a blank: \(distinct.count) colours")
        }
    }
}
