import Foundation
import Hummingbird
import HummingbirdTesting
import ShopLookAPI
import ShopLookCore
import ShopLookPostgres
import ShopLookTestSupport
import Testing

/// The real `shoplook-api` process against its OpenAPI document (`Schemas/openapi.json`): schemathesis (installed
/// by `Deploy/setup` into `.tools/contract-venv`) generates valid and invalid requests for every operation, with a
/// fixed seed and a bounded number of examples, and checks every answer: status codes, content types, headers
/// and bodies as documented, no 5xx, 405 with `Allow` for undocumented methods, 401 for writes without the token.
///
/// The server runs against a migrated schema of its own (SHOPLOOK_TEST_DATABASE_URL) and a development broker of
/// its own, like every integration test here. A product with an image and an article is put in first, and their
/// ids are offered to schemathesis (a quarter of the time) so that the success answers are checked too.
@Suite(.serialized, .requiresDatabase, .requiresBroker, .requiresExecutables("shoplook-api"), .requiresSchemathesis)
struct ContractTests {
    static let seed = 20_261_204
    static let examples = 50

    @Test func theServerKeepsToItsOpenAPIDocument() async throws {
        try await APIFixture.with { fixture in
            let server = try TestProcess(
                "shoplook-api",
                arguments: [
                    "--host", "127.0.0.1", "--port", "0", "--database-url", fixture.schema.url, "--kafka-brokers",
                    fixture.broker.bootstrapServers, "--topic-prefix", fixture.topics.prefix, "--blob-root", fixture.store.root.path,
                    "--api-token", APIFixture.token,
                ],
                environment: ["SHOPLOOK_LOG_LEVEL": "info"])
            let address = try await server.listeningAddress()
            let base = "http://\(address)"
            do {
                let known = try await seedCatalog(fixture)
                let work = TestPaths.scratchDirectory("contract")
                defer { try? FileManager.default.removeItem(at: work) }
                try Self.configuration(known).write(to: work.appendingPathComponent("schemathesis.toml"), atomically: true, encoding: .utf8)
                let schemathesis = try TestProcess(
                    executable: TestServices.contractVenv.appendingPathComponent("bin/schemathesis"),
                    arguments: [
                        "run", TestPaths.packageRoot.appendingPathComponent("Schemas/openapi.json").path, "--url", base,
                        "--header", "Authorization: Bearer \(APIFixture.token)",
                        "--phases", "examples,coverage,fuzzing", "--max-examples", String(Self.examples), "--seed", String(Self.seed),
                        "--generation-database", "none", "--no-color", "--request-timeout", "60",
                    ],
                    environment: ["PYTHONDONTWRITEBYTECODE": "1"], directory: work)
                // A guard against a hang only (the run takes seconds); the process is killed with its TestProcess.
                let exit = try await withTimeout(.seconds(900), "schemathesis run") { await schemathesis.exit() }
                let output = await schemathesis.output()
                #expect(exit == .exited(0), "schemathesis found failures:\n\(output)")
                #expect(!output.contains("FAILURES") && !output.contains("ERRORS"), "\(output)")
                // It ran: every operation, a few hundred cases.
                #expect(output.contains("Operations:       14 selected / 14 total"), "\(output)")
                let generated = output.firstMatch(of: /(\d+) generated/).flatMap { Int($0.1) } ?? 0
                #expect(generated >= 100, "\(output)")
            } catch {
                server.send(SIGKILL)
                throw error
            }
            server.send(SIGTERM)
            let exit = await server.exit()
            let output = await server.output()
            #expect(exit == .exited(0), "shoplook-api did not stop cleanly:\n\(output)")
        }
    }

    /// Ids the catalog holds, to hand to schemathesis.
    struct KnownIDs {
        var product: String
        var image: String
        var article: String
        var look: String
    }

    /// A product uploaded through the API's own route (live services, in process) and an article of its image
    /// written as the pipeline would.
    func seedCatalog(_ fixture: APIFixture) async throws -> KnownIDs {
        let photo = try TestImages.crop(seed: 1)
        let imageID = SHA256.hexDigest(photo)
        try await fixture.test { client in
            let (contentType, body) = APIFixture.form(
                [("id", "contract/sku-1"), ("title", "Contract tee"), ("url", "https://shop.example/contract"), ("category", "t-shirt")],
                image: photo)
            let response = try await client.execute(
                uri: "/v1/products", method: .post, headers: [.contentType: contentType, .authorization: "Bearer \(APIFixture.token)"], body: body)
            #expect(response.status == .accepted)
        }
        let article = SHA256.hexDigest(Array("contract article".utf8))
        try await fixture.pool.withConnection { connection in
            _ = try await connection.execute(
                """
                INSERT INTO articles (article_id, image_id, ordinal, super_category, category, x0, y0, x1, y1, score, crop_blob_key)
                VALUES ($1, $2, 0, 'upper', 't-shirt', 10, 10, 100, 140, 0.75, $2)
                """, [article, imageID])
        }
        // A look submitted through the API's own route: queued (no query worker runs here).
        let look = try await PostgresLookService(fixture.infrastructure).submit(photo: photo, topK: 3, deadline: .seconds(600))
        return KnownIDs(product: "contract/sku-1", image: imageID, article: article, look: look.jobID.uuidString.lowercased())
    }

    /// The run's configuration. schemathesis 4 runs every check by default (not naming `--checks`, so that the
    /// configuration can turn one off for one operation), with two exceptions, both about the uploads (`POST /v1/products`,
    /// `POST /v1/looks`, the page's `POST /looks`):
    /// - `positive_data_acceptance` also takes 422: a request the document calls valid can still carry an `image`
    ///   that is not a decodable JPEG or PNG, which no JSON Schema can say;
    /// - `negative_data_rejection` is off for that operation: in multipart/form-data every field is text, so a
    ///   "negative" `category: null` or `url: 5288725` arrives as the valid strings "null" and "5288725", and
    ///   schemathesis 4.32.5 cannot re-check a form with a binary part as sent (its validator fails on bytes), so it
    ///   reports such accepted uploads as failures. The form's 400s are asserted by ShopLookAPITests instead
    ///   (ProductUploadFormTests, ProductRoutesTests); the other checks still run on the operation.
    static func configuration(_ known: KnownIDs) -> String {
        """
        [checks.positive_data_acceptance]
        expected-statuses = ["2xx", "303", "401", "404", "422"]

        [[operations]]
        include-operation-id = "uploadProduct"
        checks.negative_data_rejection.enabled = false

        [[operations]]
        include-operation-id = "submitLook"
        checks.negative_data_rejection.enabled = false

        [[operations]]
        include-operation-id = "submitLookPage"
        checks.negative_data_rejection.enabled = false

        [dictionaries.products]
        values = ["\(known.product)"]
        [dictionaries.images]
        values = ["\(known.image)"]
        [dictionaries.articles]
        values = ["\(known.article)"]
        [dictionaries.looks]
        values = ["\(known.look)"]

        [parameters]
        "path.id" = { dictionary = "products", probability = 0.25 }
        "path.image_id" = { dictionary = "images", probability = 0.25 }
        "path.article_id" = { dictionary = "articles", probability = 0.25 }
        "path.look_id" = { dictionary = "looks", probability = 0.25 }

        """
    }
}
