import ArgumentParser
import Foundation
import Logging
import ShopLookCommandSupport
import ShopLookCore
import ShopLookImaging
import ShopLookLook
import ShopLookModelOptions
import ShopLookPipeline
import ShopLookPose
import ShopLookPostgres
import ShopLookSearch
import ShopLookSearchClient
import ShopLookVision

struct SearchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search the catalog through the searchers: query vectors from a file, or the articles of a photo.",
        discussion: """
            --vector-file: one JSON object per line, {"vector": [...]} with optional "super_category", "model" (or \
            "model_version") and "categories" (the output of `shoplook embed` works; --super-category and \
            --model-version fill what a line leaves out). --image: the photo's articles in view (a full-body photo: \
            one per garment; an upper-body photo: its upper wear; a product photo: one), each embedded as the catalog's are. Asks every shard's \
            owner (searcher_shards) and merges; a shard that does not answer by --deadline-ms is named as missing \
            and the result is partial (exit status 3).
            """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var vision: VisionOptions
    @OptionGroup var street: StreetProjectionOptions

    @Option(help: "JSON lines of query vectors.")
    var vectorFile: String?

    @Option(help: "A photo (JPEG or PNG): search for what it shows.")
    var image: String?

    @Option(help: "upper, lower or foot: the index of vector-file lines that do not say.")
    var superCategory: SuperCategory?

    @Option(help: "The embedding model version of vector-file lines that do not say.")
    var modelVersion: String?

    @Option(help: "Only these fine categories (repeatable).")
    var category: [String] = []

    @Option(help: "Products per query.")
    var k = 10

    @Option(help: "Milliseconds the searchers have to answer.")
    var deadlineMs = 1000

    @Option(help: "Search shards (the partitions of embedded).")
    var shards = ShopLookTopics.searchShardCount

    @Flag(help: "Print one JSON object per query instead of text.")
    var json = false

    func validate() throws {
        guard (vectorFile == nil) != (image == nil) else { throw ValidationError("give either --vector-file or --image") }
        guard (1...1000).contains(k) else { throw ValidationError("--k must be 1-1000") }
        guard deadlineMs > 0 else { throw ValidationError("--deadline-ms must be positive") }
        guard shards > 0 else { throw ValidationError("--shards must be positive") }
    }

    func run() async throws {
        var logger = CommandLogging.bootstrap(label: "shoplook.search")
        logger.logLevel = .warning
        let labelled = try await queries()
        guard !labelled.isEmpty else {
            print(json ? #"{"error": "nothing to search for"}"# : "nothing to search for")
            throw ExitCode(1)
        }
        let pool = PostgresPool(configuration: try database.configuration(), maximumConnections: 2, logger: logger)
        let transport = HTTPSearchTransport(logger: logger)
        let client = SearchClient(directory: ShardDirectory(pool: pool), transport: transport, shardCount: shards, logger: logger)
        let result: SearchResult
        let products: [String: (title: String?, url: String?)]
        do {
            result = try await client.search(queries: labelled.map(\.query), k: k, deadline: .milliseconds(Int64(deadlineMs)))
            products = try await Self.products(Set(result.hits.flatMap { $0.compactMap(\.productID) }), pool: pool)
        } catch {
            await transport.shutdown()
            await pool.close()
            throw error
        }
        await transport.shutdown()
        await pool.close()
        for (query, hits) in zip(labelled, result.hits) { print(render(query, hits, products, result)) }
        if result.isPartial {
            if !json { for missing in result.missingShards { print("missing \(missing)") } }
            throw ExitCode(3)
        }
    }

    /// A query with what it stands for (a line of the file, or an article of the photo).
    struct LabelledQuery {
        var label: String
        var query: SearchQuery
    }

    private func queries() async throws -> [LabelledQuery] {
        if let vectorFile { return try vectorQueries(vectorFile) }
        return try await imageQueries(image!)
    }

    private func vectorQueries(_ path: String) throws -> [LabelledQuery] {
        guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("cannot read \(path)") }
        var queries: [LabelledQuery] = []
        for (number, line) in String(decoding: data, as: UTF8.self).split(separator: "\n").enumerated() where !line.isEmpty {
            let where_ = "\(path):\(number + 1)"
            let parsed = try JSONValue.parse(String(line))
            guard let values = parsed["vector"]?.arrayValue?.compactMap(\.doubleValue), !values.isEmpty else {
                throw ValidationError("\(where_): no \"vector\" of numbers")
            }
            guard let superCategory = parsed["super_category"]?.stringValue.flatMap(SuperCategory.init(rawValue:)) ?? superCategory else {
                throw ValidationError("\(where_): no \"super_category\" and no --super-category")
            }
            guard let version = parsed["model_version"]?.stringValue ?? parsed["model"]?.stringValue ?? modelVersion else {
                throw ValidationError("\(where_): no \"model\" and no --model-version")
            }
            let categories = parsed["categories"]?.arrayValue?.compactMap(\.stringValue) ?? (category.isEmpty ? nil : category)
            queries.append(LabelledQuery(
                label: parsed["file"]?.stringValue ?? where_,
                query: SearchQuery(superCategory: superCategory, modelVersion: version, vector: values.map(Float.init), categories: categories)))
        }
        return queries
    }

    /// The photo's articles in view, embedded as a look's are (``LookAnalyzer``): a full-body photo one per
    /// garment, an upper-body photo its upper wear, a product photo its garment.
    private func imageQueries(_ path: String) async throws -> [LabelledQuery] {
        guard let bytes = FileManager.default.contents(atPath: path) else { throw ValidationError("cannot read \(path)") }
        let files = try vision.model.modelFiles()
        let embedder = try vision.embedder()
        let analyzer = try LookAnalyzer(
            pose: try PoseService(files: files), embedder: embedder,
            streetProjection: try street.load(models: vision.model, for: embedder).projection, models: files, store: nil)
        let analysis: LookAnalysis
        do {
            analysis = try await analyzer.analyze(photo: [UInt8](bytes))
        } catch let error as LookInputError {
            throw SearchCommandError("\(path): \(error)")
        }
        return analysis.articles.map { article in
            let box = article.box
            return LabelledQuery(
                label: "\(article.superCategory.rawValue) \(article.category) [\(Int(box.x0)), \(Int(box.y0)), \(Int(box.x1)), \(Int(box.y1))]",
                query: SearchQuery(
                    superCategory: article.superCategory, modelVersion: analysis.modelVersion, vector: article.vector,
                    categories: category.isEmpty ? nil : category))
        }
    }

    private static func products(_ ids: Set<String>, pool: PostgresPool) async throws -> [String: (title: String?, url: String?)] {
        guard !ids.isEmpty else { return [:] }
        return try await pool.withConnection { connection in
            var products: [String: (title: String?, url: String?)] = [:]
            for row in try await connection.query("SELECT product_id, title, url FROM products WHERE product_id = ANY($1)", [Array(ids)]) {
                products[try row.decode(String.self, at: 0)] = (try row.decode(String?.self, at: 1), try row.decode(String?.self, at: 2))
            }
            return products
        }
    }

    private func render(
        _ query: LabelledQuery, _ hits: [SearchHit], _ products: [String: (title: String?, url: String?)], _ result: SearchResult
    ) -> String {
        if json {
            let object: [String: Any] = [
                "query": query.label, "super_category": query.query.superCategory.rawValue, "model_version": query.query.modelVersion,
                "partial": result.isPartial, "missing_shards": result.missingShards.map { ["shard": $0.shard, "reason": "\($0.reason)"] },
                "hits": hits.map { hit -> [String: Any] in
                    var entry: [String: Any] = [
                        "article_id": hit.articleID, "category": hit.category, "score": Double(hit.score), "shard": hit.shard,
                    ]
                    if let product = hit.productID {
                        entry["product_id"] = product
                        entry["title"] = products[product]?.title ?? NSNull()
                        entry["url"] = products[product]?.url ?? NSNull()
                    }
                    return entry
                },
            ]
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
            return String(decoding: data, as: UTF8.self)
        }
        var lines = ["\(query.label) (\(query.query.superCategory.rawValue), \(query.query.modelVersion)):"]
        if hits.isEmpty { lines.append("  (no products)") }
        for (rank, hit) in hits.enumerated() {
            let product = hit.productID.map { id in
                "\(id)" + (products[id]?.title.map { " \"\($0)\"" } ?? "") + (products[id]?.url.map { " \($0)" } ?? "")
            } ?? "(no product)"
            lines.append("  \(rank + 1). \(String(format: "%.4f", hit.score))  \(product)  \(hit.category)  article \(hit.articleID.prefix(12)) shard \(hit.shard)")
        }
        return lines.joined(separator: "\n")
    }
}
extension SuperCategory: ExpressibleByArgument {}

/// A search that cannot be asked (exit status 1, not a usage error).
struct SearchCommandError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
