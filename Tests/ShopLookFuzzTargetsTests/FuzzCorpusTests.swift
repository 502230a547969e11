import Foundation
import ShopLookCore
@testable import ShopLookFuzzTargets
import ShopLookImaging
import ShopLookSearch
import Testing

/// The fuzz targets stay compiled and correct in the plain build: each over its whole corpus (the seeds and every
/// input a fuzzer once failed on), and the seeds reach past the first check of what they feed.
@Suite struct FuzzCorpusTests {
    static let corpus = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz/corpus", isDirectory: true)

    static func inputs(_ target: String) throws -> [(name: String, bytes: [UInt8])] {
        let folder = corpus.appendingPathComponent(target, isDirectory: true)
        return try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted().map { name in
            (name, Array(try Data(contentsOf: folder.appendingPathComponent(name))))
        }
    }

    @Test(arguments: FuzzTarget.all.map(\.name))
    func everyInputOfTheCorpusKeepsTheInvariants(target name: String) throws {
        let target = try #require(FuzzTarget.named(name))
        let inputs = try Self.inputs(name)
        #expect(inputs.count >= 8, "the \(name) corpus has \(inputs.count) inputs")
        for input in inputs {
            #expect(throws: Never.self, "\(name)/\(input.name)") { try target.run(input.bytes) }
        }
    }

    @Test func everyTargetHasACorpusFolderAndNoFolderLacksATarget() throws {
        let folders = try FileManager.default.contentsOfDirectory(atPath: Self.corpus.path).sorted()
        #expect(folders == FuzzTarget.all.map(\.name).sorted())
    }

    @Test func theImageSeedsDecode() throws {
        let jpegs = try Self.inputs("jpeg").filter { $0.name.hasSuffix(".jpg") && !$0.name.contains("truncated") && !$0.name.contains("header-only") }
        for seed in jpegs {
            #expect(throws: Never.self, "\(seed.name)") { try JPEGDecoder(limits: FuzzTarget.imageLimits).decode(seed.bytes) }
        }
        let pngs = try Self.inputs("png").filter { $0.name.hasSuffix(".png") && !$0.name.contains("truncated") && !$0.name.contains("no-idat") }
        for seed in pngs {
            #expect(throws: Never.self, "\(seed.name)") { try PNGDecoder(limits: FuzzTarget.imageLimits).decode(seed.bytes) }
        }
        #expect(jpegs.count >= 15 && pngs.count >= 12)
    }

    @Test func theMessageSeedsOfEveryTypeAreAccepted() throws {
        let codec = try MessageCodec()
        let seeds = Dictionary(uniqueKeysWithValues: try Self.inputs("messages").map { ($0.name, Array($0.bytes.dropFirst())) })
        #expect(throws: Never.self) { try codec.decode(NewImageMessage.self, from: seeds["seed-new-image"] ?? []) }
        #expect(throws: Never.self) { try codec.decode(PoseFilteredMessage.self, from: seeds["seed-pose-filtered"] ?? []) }
        #expect(throws: Never.self) { try codec.decode(CroppedArticlesMessage.self, from: seeds["seed-cropped-articles"] ?? []) }
        #expect(throws: Never.self) { try codec.decode(EmbeddedMessage.self, from: seeds["seed-embedded"] ?? []) }
        #expect(throws: Never.self) { try codec.decode(DeadLetterEnvelope.self, from: seeds["seed-dead-letter"] ?? []) }
        #expect(throws: Never.self) { try codec.decode(LookQueryMessage.self, from: seeds["seed-look-query"] ?? []) }
    }

    @Test func theFormSeedsSplitIntoTheirFields() throws {
        let seeds = Dictionary(uniqueKeysWithValues: try Self.inputs("multipart").map { ($0.name, $0.bytes) })
        func parts(_ name: String) throws -> [MultipartPart] {
            let input = try #require(seeds[name])
            let newline = try #require(input.firstIndex(of: 10))
            let boundary = try MultipartFormData.boundary(contentType: String(decoding: input[..<newline], as: UTF8.self))
            return try MultipartFormData(parsing: Array(input[(newline + 1)...]), boundary: boundary).parts
        }
        let product = try parts("seed-product")
        #expect(product.map(\.name) == ["id", "title", "url", "category", "super_category", "image"])
        #expect(product.last?.filename == "photo.jpg" && product.last?.contentType == "image/jpeg" && product.last?.body.count == 22)
        #expect(try parts("seed-look").map(\.name) == ["image", "k"])
        let quoted = try #require(try parts("seed-quoted-boundary-upper-case-type").first)
        #expect(quoted.name == "token" && quoted.filename == "a\"b\\c.jpg" && quoted.contentType == "text/plain")
        #expect(try parts("seed-preamble-epilogue-padding").first?.text == "3")
        #expect(try parts("seed-empty-form").isEmpty)
        #expect(throws: MultipartError.self) { try parts("seed-no-closing-delimiter") }
    }

    @Test func aFormWrittenBackParsesToItsParts() throws {
        let parts = [
            MultipartPart(name: "a\"b\\", filename: "f.jpg", contentType: "image/jpeg", body: [0xFF, 0xD8, 13, 10][...]),
            MultipartPart(name: "", body: [][...]),
        ]
        let written = FuzzTarget.writeForm(parts, boundary: "xyz")
        let head = #"--xyz\#r\#nContent-Disposition: form-data; name="a\"b\\"; filename="f.jpg"\#r\#nContent-Type: image/jpeg\#r\#n\#r\#n"#
        let tail = #"\#r\#n--xyz\#r\#nContent-Disposition: form-data; name=""\#r\#n\#r\#n\#r\#n--xyz--\#r\#n"#
        #expect(written == Array(head.utf8) + [0xFF, 0xD8, 13, 10] + Array(tail.utf8))
        #expect(try MultipartFormData(parsing: written, boundary: "xyz").parts.map { [$0.name, $0.filename ?? "-", $0.contentType ?? "-"] }
            == [["a\"b\\", "f.jpg", "image/jpeg"], ["", "-", "-"]])
        #expect(FuzzTarget.mediaType(" Multipart/Form-Data\t; boundary=x") == "multipart/form-data")
    }

    @Test func theSearchSeedsAreAcceptedAndTheRequestIsAnswered() throws {
        let seeds = Dictionary(uniqueKeysWithValues: try Self.inputs("search-wire").map { ($0.name, Data($0.bytes.dropFirst())) })
        let request = try JSONDecoder().decode(SearchRequest.self, from: try #require(seeds["seed-request"]))
        try request.validate()
        #expect(request.queries.map(\.vector.values.count) == [8, 8, 4] && request.k == 3)
        let catalog = FuzzTarget.searchWireCatalog
        for query in request.queries {
            let hits = try catalog.search(query.indexKey, query: query.vector.values, k: request.k, categories: query.categories.map(Set.init))
            #expect(hits.count == 3)
        }
        #expect(try JSONDecoder().decode(SearchRequest.self, from: try #require(seeds["seed-request-minimal"])).queries.first?.vector.values == [])
        #expect(throws: SearchError.invalidRequest("k must be 1–1000")) {
            try JSONDecoder().decode(SearchRequest.self, from: try #require(seeds["seed-request-k-0"])).validate()
        }
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(SearchRequest.self, from: try #require(seeds["seed-request-bad-base64"])) }
        let response = try JSONDecoder().decode(SearchResponse.self, from: try #require(seeds["seed-response"]))
        #expect(response.answers.map(\.hits.count) == [2, 2] && response.answers[0].hits[0][1].productID == nil)
    }

    /// A form seed split as the `forms` target splits it: the selector, the Content-Type line, for a look the `?k=`
    /// line, the body parsed as multipart/form-data.
    static func formSeed(_ name: String) throws -> (look: Bool, query: String?, form: MultipartFormData?) {
        let seed = try formSeedWithType(name)
        return (seed.look, seed.query, seed.form)
    }

    /// ``formSeed(_:)`` with the seed's Content-Type line.
    static func formSeedWithType(_ name: String) throws -> (look: Bool, contentType: String, query: String?, form: MultipartFormData?) {
        let input = try #require(try inputs("forms").first { $0.name == "seed-\(name)" }).bytes
        var rest = input.dropFirst()
        func line() -> String {
            let end = rest.firstIndex(of: 10) ?? rest.endIndex
            defer { rest = rest[min(end + 1, rest.endIndex)...] }
            return String(decoding: rest[..<end], as: UTF8.self)
        }
        let look = input[0] % 2 == 0
        let contentType = line()
        let query = look ? line() : nil
        let boundary = try? MultipartFormData.boundary(contentType: contentType)
        return (look, contentType, query.flatMap { $0.isEmpty ? nil : $0 }, try boundary.map { try MultipartFormData(parsing: Array(rest), boundary: $0) })
    }

    @Test func theFormSeedsAreReadAsTheirNamesSay() throws {
        func look(_ name: String) throws -> Result<Int, FormFieldError> {
            let seed = try Self.formSeed(name)
            #expect(seed.look, "\(name)")
            return Result { () throws(FormFieldError) in
                let queryK = try LookForm.k(seed.query)
                guard let form = seed.form else { return queryK }
                return try LookForm.fields(of: form, queryK: queryK).k
            }
        }
        #expect(try look("look-form") == .success(7))
        #expect(try look("look-form-query-k") == .success(12))
        #expect(try look("look-form-k-overrides-query") == .success(8))
        #expect(try look("look-photo-body") == .success(3))
        #expect(try look("look-query-k-0") == .failure(FormFieldError("k must be a whole number 1-100")))
        #expect(try look("look-k-101") == .failure(FormFieldError("k must be a whole number 1-100")))
        #expect(try look("look-k-twice") == .failure(FormFieldError("the form field \"k\" is sent twice")))
        #expect(try look("look-image-twice") == .failure(FormFieldError("the form field \"image\" is sent twice")))
        #expect(try look("look-no-image") == .failure(FormFieldError("the form has no \"image\" file field")))
        #expect(try look("look-k-not-utf8") == .failure(FormFieldError("the \"k\" field is not UTF-8 text")))
        #expect(try look("look-unknown-field") == .failure(FormFieldError("unknown form field \"colour\" (fields: image, k)")))
        // The two seeds that are no form: their Content-Type lines decide.
        let png = try Self.formSeedWithType("look-png-type-with-parameter")
        #expect(png.look && png.form == nil && LookForm.bodyKind(contentType: png.contentType) == .photo)
        let text = try Self.formSeedWithType("look-unsupported-type")
        #expect(text.look && text.form == nil && LookForm.bodyKind(contentType: text.contentType) == .unsupported)

        func product(_ name: String) throws -> Result<ProductForm.Fields, FormFieldError> {
            let seed = try Self.formSeed(name)
            #expect(!seed.look, "\(name)")
            let form = try #require(seed.form)
            return Result { () throws(FormFieldError) in try ProductForm.fields(of: form) }
        }
        let full = try product("product").get()
        #expect(full.productID == "SKU-1/blue" && full.title == "Blue tee \u{2603}" && full.category == "t-shirt" && full.superCategory == .upper)
        #expect(full.image.count == 22)
        let minimal = try product("product-minimal").get()
        #expect(minimal.category == nil && minimal.superCategory == nil)
        let refusals = [
            "product-id-dot-dot": "a product id cannot be \"..\"", "product-id-201": "a product id is at most 200 characters",
            "product-title-nul": "the \"title\" field contains a NUL character", "product-title-not-utf8": "the \"title\" field is not UTF-8 text",
            "product-url-empty": "url must be 1-2048 characters", "product-category-129": "category must be 1-128 characters",
            "product-super-category-hats": "super_category must be upper, lower or foot, not \"hats\"",
            "product-title-twice": "the form field \"title\" is sent twice",
            "product-unknown-field": "unknown form field \"colour\" (fields: category, id, image, super_category, title, url)",
            "product-no-image": "the form has no \"image\" file field",
        ]
        for (name, reason) in refusals {
            #expect(try product(name).map(\.productID) == .failure(FormFieldError(reason)), "\(name)")
        }
    }

    @Test func theReindexSeedsAreReadAsTheirNamesSay() throws {
        let seeds = Dictionary(uniqueKeysWithValues: try Self.inputs("reindex").map { ($0.name, Data($0.bytes)) })
        func scope(_ name: String) throws -> Result<ReindexScope, SearchError> {
            let body = try #require(seeds["seed-\(name)"])
            return Result { () throws(SearchError) in try ReindexScope.decode(body) }
        }
        #expect(try scope("empty") == .success(ReindexScope()))
        #expect(try scope("all-null") == .success(ReindexScope()))
        #expect(try scope("full") == .success(ReindexScope(shard: 3, superCategory: .upper, modelVersion: "fashion-clip-2024-05")))
        #expect(try scope("shard-only") == .success(ReindexScope(shard: 0)))
        #expect(try scope("super-category-only") == .success(ReindexScope(superCategory: .foot)))
        #expect(try scope("shard-largest") == .success(ReindexScope(shard: Int(Int32.max))))
        #expect(try scope("shard-negative") == .failure(.invalidRequest("shard must be 0-2147483647, not -1")))
        #expect(try scope("shard-too-large") == .failure(.invalidRequest("shard must be 0-2147483647, not 2147483648")))
        #expect(try scope("model-version-empty") == .failure(.invalidRequest("model_version must be 1-128 characters")))
        #expect(try scope("model-version-129") == .failure(.invalidRequest("model_version must be 1-128 characters")))
        for name in ["shard-fraction", "shard-string", "super-category-hats", "unknown-member", "not-an-object", "not-json"] {
            guard case .failure(.invalidRequest(let reason)) = try scope(name) else {
                Issue.record("\(name) accepted")
                continue
            }
            #expect(reason.hasPrefix("malformed reindex request: "), "\(name): \(reason)")
        }
    }

    @Test func aPNGWithBrokenCRCsDecodesOnceTheyAreRepaired() throws {
        var broken = try #require(Self.inputs("png").first { $0.name == "seed-rgb8-5x3.png" }).bytes
        let original = broken
        broken[29] ^= 0xFF  // IHDR's CRC (8 signature + 8 length/type + 13 data)
        #expect(throws: ImageError.self) { try PNGDecoder().decode(broken) }
        let repaired = broken.withUnsafeBytes { PNGChunks.repairingCRCs($0) }
        #expect(repaired == original)
    }

    @Test func csvWrittenBackQuotesOnlyWhatNeedsIt() {
        let records = [["a", "b,c", "say \"hi\""], ["two\nlines", "", "\r"]]
        #expect(FuzzTarget.writeCSV(records, quoteAll: false) == "a,\"b,c\",\"say \"\"hi\"\"\"\n\"two\nlines\",,\"\r\"\n")
        #expect(FuzzTarget.writeCSV([["x", ""]], quoteAll: true) == "\"x\",\"\"\n")
    }
}

@Suite struct FuzzResourcesTests {
    @Test func theResourcesLoadAndEveryTargetTakesAnEmptyInput() {
        #expect(FuzzTarget.loadResources() == nil)
    }
}
