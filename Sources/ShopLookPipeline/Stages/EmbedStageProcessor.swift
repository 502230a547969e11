import Foundation
import Logging
import ShopLookBlobStore
import ShopLookCore
import ShopLookImaging
import ShopLookKafka
import ShopLookPostgres
import ShopLookStreaming
import ShopLookVision

/// The embed stage: article crops → vectors in PostgreSQL → `embedded` messages, one per article, on the
/// partition of the article's search shard.
///
/// All crops of a batch are embedded together (the model runs batched). Writes are upserts keyed by
/// (article id, model version), so a replay rewrites the same vector and produces the same messages.
/// A crop missing from the blob store or not decodable dead-letters its input message and sets its image
/// `dead_lettered` with the reason.
///
/// An article the detect stage left `unnamed` is named here from the ImageNet logits of the embedder's own
/// centre-crop view (no second pass over the crop): its row's category is set in the same transaction as its
/// vector, and the `embedded` message carries the name.
public struct EmbedStageProcessor: StageProcessor {
    public typealias Input = CroppedArticlesMessage

    let embedder: ImageEmbedder
    /// Names unnamed articles when the embedder's first view is not the centre crop (`nil` otherwise).
    let categorizer: ImageEmbedder?
    let classifier = FineCategoryClassifier()
    let images: StageImageLoader
    let pool: PostgresPool
    let topics: ShopLookTopics
    let shardCount: Int
    let codec: MessageCodec

    /// - Parameter categorizer: a centre-crop embedder to name unnamed articles with; needed only when
    ///   `embedder` does not name crops from its own pass (``ImageEmbedder/namesCrops``: the `pad` framing).
    public init(
        embedder: ImageEmbedder, categorizer: ImageEmbedder? = nil, store: any BlobStore, pool: PostgresPool, codec: MessageCodec,
        topics: ShopLookTopics, shardCount: Int = ShopLookTopics.searchShardCount
    ) {
        precondition(
            embedder.namesCrops || categorizer?.namesCrops == true,
            "an embedder that does not name crops from its own pass needs a centre-crop categorizer to name articles")
        self.embedder = embedder
        self.categorizer = embedder.namesCrops ? nil : categorizer
        self.codec = codec
        self.images = StageImageLoader(store: store)
        self.pool = pool
        self.topics = topics
        self.shardCount = shardCount
    }

    /// Its crops (each is embedded).
    public func cost(of input: CroppedArticlesMessage) -> Int { input.articles.count }

    public func process(_ inputs: [StageInput<CroppedArticlesMessage>]) async throws -> [StageOutcome] {
        var outcomes = [StageOutcome?](repeating: nil, count: inputs.count)
        var crops: [Crop] = []
        for (index, input) in inputs.enumerated() {
            switch try await loadCrops(of: input.message, input: index) {
            case .success(let loaded):
                crops += loaded
            case .failure(let failure):
                outcomes[index] = try await ImageStates.deadLetter(imageID: input.message.imageID, failure, from: [.cropped], pool: pool)
            }
        }
        let vectors = try await embed(crops, imageIDs: inputs.map(\.message.imageID))
        try await write(vectors)
        var records = [[KafkaRecord]](repeating: [], count: inputs.count)
        for vector in vectors {
            records[vector.input].append(try record(vector, of: inputs[vector.input].message))
        }
        return outcomes.enumerated().map { index, outcome in outcome ?? .forward(records[index]) }
    }

    public func recordDeadLetter(_ letter: DeadLetter, document: JSONValue?) async throws {
        try await ImageStates.record(letter, document: document, stage: .embed, pool: pool)
    }

    /// One article crop of an input, decoded.
    private struct Crop {
        var input: Int
        var article: Article
        var image: RGBImage
    }

    /// One article's vector, on its shard.
    private struct ArticleVector {
        var input: Int
        var imageID: String
        var article: Article
        var vector: [Float]
        var shard: Int
        /// Named here: the article row's category is written with the vector.
        var named: Bool
    }

    /// Every crop of `message`, or why one cannot be used (then the input is dead-lettered whole).
    private func loadCrops(of message: CroppedArticlesMessage, input: Int) async throws -> Result<[Crop], ImageLoadFailure> {
        var crops: [Crop] = []
        for article in message.articles {
            switch try await images.image(article.cropBlobKey, of: "crop of \(message.imageID)") {
            case .success(let image): crops.append(Crop(input: input, article: article, image: image))
            case .failure(let failure): return .failure(failure)
            }
        }
        return .success(crops)
    }

    /// The crops' vectors, embedded in one batch (each padded with its own background colour); unnamed articles
    /// named from their centre-crop logits.
    private func embed(_ crops: [Crop], imageIDs: [String]) async throws -> [ArticleVector] {
        let paddings = crops.map { $0.image.foregroundTrim().background ?? RGBColor(r: 255, g: 255, b: 255) }
        let embeddings = try await embedder.embed(crops.map(\.image), paddings: paddings)
        var names = [Int: String]()
        let unnamed = crops.indices.filter { crops[$0].article.unnamed == true }
        if !unnamed.isEmpty {
            let logits = if let categorizer {
                try await categorizer.embed(unnamed.map { crops[$0].image }).map(\.logits)
            } else {
                unnamed.map { embeddings[$0].logits }
            }
            for (index, logits) in zip(unnamed, logits) {
                names[index] = classifier.classify(logits: logits, superCategory: crops[index].article.superCategory).category
            }
        }
        return zip(crops, embeddings).enumerated().map { index, pair in
            let (crop, embedding) = pair
            var article = crop.article
            if let name = names[index] {
                article.category = name
                article.unnamed = nil
            }
            return ArticleVector(
                input: crop.input, imageID: imageIDs[crop.input], article: article, vector: embedding.vector,
                shard: ShardAssignment.shard(forArticleID: crop.article.articleID, shardCount: shardCount), named: names[index] != nil)
        }
    }

    /// Upserts the vectors and sets their images `embedded`, in one transaction.
    private func write(_ vectors: [ArticleVector]) async throws {
        let version = embedder.modelVersion
        let images = Array(Set(vectors.map(\.imageID)))
        try await pool.retrying { connection in
            try await connection.transaction { connection in
                for row in vectors {
                    _ = try await connection.execute(
                        """
                        INSERT INTO vectors (article_id, model_version, super_category, dim, shard, vector)
                        VALUES ($1, $2, $3, $4, $5, $6)
                        ON CONFLICT (article_id, model_version) DO UPDATE
                            SET vector = EXCLUDED.vector, dim = EXCLUDED.dim, shard = EXCLUDED.shard
                        """,
                        [row.article.articleID, version, row.article.superCategory.rawValue, row.vector.count, row.shard,
                         Float32Vector(values: row.vector)])
                    if row.named {
                        _ = try await connection.execute(
                            "UPDATE articles SET category = $2 WHERE article_id = $1", [row.article.articleID, row.article.category])
                    }
                }
                if !images.isEmpty {
                    try await ImageStates.transition(images, to: .embedded, from: Self.embeddable, on: connection)
                }
            }
        }
    }

    /// The states an image is set `embedded` from: any but `embedded` (a replay writes the same vectors again).
    private static let embeddable = ImageState.allCases.filter { $0 != .embedded }

    /// The `embedded` message of one vector, on its shard's partition, keyed by article id.
    private func record(_ vector: ArticleVector, of message: CroppedArticlesMessage) throws -> KafkaRecord {
        let output = EmbeddedMessage(
            articleID: vector.article.articleID, imageID: message.imageID, productID: message.productID,
            superCategory: vector.article.superCategory, category: vector.article.category, modelVersion: embedder.modelVersion,
            dim: vector.vector.count, shard: vector.shard)
        return KafkaRecord(
            topic: topics.embedded, partition: Int32(vector.shard), key: Array(vector.article.articleID.utf8), value: try codec.encode(output))
    }
}
