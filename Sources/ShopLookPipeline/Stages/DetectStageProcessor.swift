import Foundation
import ShopLookBlobStore
import ShopLookCore
import ShopLookImaging
import ShopLookKafka
import ShopLookPostgres
import ShopLookStreaming
import ShopLookVision

/// The detect stage: `pose-filtered` → article crops in the blob store, article rows in PostgreSQL →
/// `cropped-articles`.
///
/// - A person photo (full-body frontal) has the article regions the pose stage found (it holds the person mask);
///   each region is cut out (``ArticleCropper``). With ``ArticleNaming/embedStage`` (the default) the crop goes
///   on `unnamed`, under its super-category's plain name, and the embed stage names it from the logits of its own
///   centre-crop pass; with ``ArticleNaming/detectStage`` it is named here from the model's ImageNet classes (a
///   separate pass over the crop: the configuration before issue 17).
/// - A product photo is one article: the image trimmed to its foreground, with the catalog's category. Without a
///   catalog super-category the article is named from the ImageNet classes; when none is probable the image is
///   `rejected` (nothing to search for).
///
/// Crops are stored by ``CropEncoder`` (JPEG, scaled down; the embedder works at 224²). Article ids are
/// derived from the image id, super-category and ordinal, so a replay rewrites the same rows and crops (the
/// blob store is content-addressed) and produces the same message. An image whose blob is missing or does not
/// decode is dead-lettered and its row set to `dead_lettered`.
public struct DetectStageProcessor: StageProcessor {
    public typealias Input = PoseFilteredMessage

    /// Which stage names a person photo's articles.
    public enum ArticleNaming: String, Sendable, CaseIterable {
        /// The embed stage, from the logits of the pass that embeds the crop (one model pass per view and crop).
        case embedStage = "embed"
        /// This stage, in a pass of its own over each crop (the reference configuration).
        case detectStage = "detect"
    }

    let categorizer: ImageEmbedder
    let store: any BlobStore
    let pool: PostgresPool
    let codec: MessageCodec
    let topics: ShopLookTopics
    let images: StageImageLoader
    let naming: ArticleNaming
    let cropper = ArticleCropper()
    /// How crops are stored.
    public var cropEncoder = CropEncoder()

    /// - Parameters:
    ///   - categorizer: an embedder whose ImageNet logits name the articles this stage names (its first view's
    ///     logits are used; a centre-crop embedder without projection does the least work).
    ///   - naming: which stage names a person photo's articles (product photos without a catalog category are
    ///     always named here: the name decides their super-category, or that there is nothing to search for).
    public init(
        categorizer: ImageEmbedder, store: any BlobStore, pool: PostgresPool, codec: MessageCodec, topics: ShopLookTopics,
        naming: ArticleNaming = .embedStage
    ) {
        self.categorizer = categorizer
        self.naming = naming
        self.store = store
        self.images = StageImageLoader(store: store)
        self.pool = pool
        self.codec = codec
        self.topics = topics
    }

    /// One per region to cut and name (a product photo is one).
    public func cost(of input: PoseFilteredMessage) -> Int { max(1, input.regions?.count ?? 1) }

    /// The batch's article rows and states are written in one transaction (one commit for the batch).
    public func process(_ inputs: [StageInput<PoseFilteredMessage>]) async throws -> [StageOutcome] {
        var outcomes: [StageOutcome] = []
        var writes: [DetectWrite] = []
        for input in inputs {
            let (write, outcome) = try await process(input.message)
            if let write { writes.append(write) }
            outcomes.append(outcome)
        }
        try await ImageStates.write(writes, pool: pool)
        return outcomes
    }

    /// A deterministic article id: SHA-256 of image id, super-category and ordinal.
    public static func articleID(imageID: String, superCategory: SuperCategory, ordinal: Int) -> String {
        SHA256.hexDigest(Array("\(imageID)/\(superCategory.rawValue)/\(ordinal)".utf8))
    }

    public func recordDeadLetter(_ letter: DeadLetter, document: JSONValue?) async throws {
        try await ImageStates.record(letter, document: document, stage: .detect, pool: pool)
    }

    /// The image's crops (stored here) with the rows to write and the outcome once they are written; no write for
    /// an image dead-lettered on its own.
    private func process(_ message: PoseFilteredMessage) async throws -> (DetectWrite?, StageOutcome) {
        let image: RGBImage
        switch try await images.image(message.blobKey, of: "image \(message.imageID)") {
        case .success(let decoded):
            image = decoded
        case .failure(let failure):
            return (nil, try await ImageStates.deadLetter(imageID: message.imageID, failure, from: [.new, .poseFiltered], pool: pool))
        }
        let found: [FoundArticle]
        switch message.kind {
        case .person where naming == .embedStage:
            found = try cropper.cut(image, regions: message.regions ?? []).map(cropper.unnamed)
        case .person:
            found = try await cropper.articles(in: image, regions: message.regions ?? [], embedder: categorizer)
        case .product:
            let article = try await cropper.productArticle(
                in: image, superCategory: message.superCategory ?? message.category.flatMap(CategoryTaxonomy.superCategory(for:)),
                category: message.category, embedder: categorizer)
            found = article.map { [$0] } ?? []
        }
        guard !found.isEmpty else {
            let reason = message.kind == .person
                ? "detect: no article found"
                : "detect: no searchable category (catalog category \(message.category.map { "'\($0)'" } ?? "none"), no garment recognised)"
            return (.rejected(imageID: message.imageID, reason: reason), .finished)
        }
        var rows: [(article: Article, ordinal: Int)] = []
        var ordinals: [SuperCategory: Int] = [:]
        for article in found {
            let ordinal = ordinals[article.superCategory, default: 0]
            ordinals[article.superCategory] = ordinal + 1
            let key = try await store.put(try cropEncoder.encode(article.crop))
            rows.append((Article(
                articleID: Self.articleID(imageID: message.imageID, superCategory: article.superCategory, ordinal: ordinal),
                superCategory: article.superCategory, category: article.category, box: article.box,
                score: min(1, max(0, article.score)), cropBlobKey: key.rawValue, unnamed: article.unnamed), ordinal))
        }
        let output = CroppedArticlesMessage(
            imageID: message.imageID, source: message.source, productID: message.productID, articles: rows.map(\.article))
        return (.articles(imageID: message.imageID, rows),
                .forward([KafkaRecord(topic: topics.croppedArticles, key: Array(message.imageID.utf8), value: try codec.encode(output))]))
    }
}

/// What the detect stage writes for one image: its articles (upserts) and state `cropped`, or state `rejected`.
private enum DetectWrite: ImageRows {
    case articles(imageID: String, [(article: Article, ordinal: Int)])
    case rejected(imageID: String, reason: String)

    func write(_ connection: PostgresConnection) async throws {
        switch self {
        case .articles(let imageID, let rows):
            for (article, ordinal) in rows {
                _ = try await connection.execute(
                    """
                    INSERT INTO articles (article_id, image_id, ordinal, super_category, category, x0, y0, x1, y1, score, crop_blob_key)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
                    ON CONFLICT (article_id) DO UPDATE SET category = EXCLUDED.category, x0 = EXCLUDED.x0, y0 = EXCLUDED.y0,
                        x1 = EXCLUDED.x1, y1 = EXCLUDED.y1, score = EXCLUDED.score, crop_blob_key = EXCLUDED.crop_blob_key
                    """,
                    [article.articleID, imageID, ordinal, article.superCategory.rawValue, article.category,
                     Float(article.box.x0), Float(article.box.y0), Float(article.box.x1), Float(article.box.y1),
                     Float(article.score), article.cropBlobKey])
            }
            try await ImageStates.transition([imageID], to: .cropped, from: [.poseFiltered, .cropped], on: connection)
        case .rejected(let imageID, let reason):
            try await ImageStates.transition([imageID], to: .rejected, reason: reason, from: [.poseFiltered, .rejected], on: connection)
        }
    }
}
