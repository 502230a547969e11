import Foundation
import Logging
import ShopLookBlobStore
import ShopLookCore
import ShopLookImaging
import ShopLookKafka
import ShopLookPostgres
import ShopLookVision

/// The embed stage: article crops → vectors in PostgreSQL → `embedded` messages, one per article, on the
/// partition of the article's search shard.
///
/// All crops of a batch are embedded together (the model runs batched). Writes are upserts keyed by
/// (article id, model version), so a replay rewrites the same vector and produces the same messages.
/// A crop missing from the blob store or not decodable dead-letters its input message and sets its image
/// `dead_lettered` with the reason.
public struct EmbedStageProcessor: StageProcessor {
    public typealias Input = CroppedArticlesMessage

    let embedder: ImageEmbedder
    let store: any BlobStore
    let pool: PostgresPool
    let topics: ShopLookTopics
    let shardCount: Int
    let codec: MessageCodec
    let decoder = ImageDecoder()

    public init(
        embedder: ImageEmbedder, store: any BlobStore, pool: PostgresPool, codec: MessageCodec, topics: ShopLookTopics,
        shardCount: Int = ShopLookTopics.searchShardCount
    ) {
        self.embedder = embedder
        self.codec = codec
        self.store = store
        self.pool = pool
        self.topics = topics
        self.shardCount = shardCount
    }

    /// Its crops (each is embedded).
    public func cost(of input: CroppedArticlesMessage) -> Int { input.articles.count }

    public func process(_ inputs: [StageInput<CroppedArticlesMessage>]) async throws -> [StageOutcome] {
        var outcomes = [StageOutcome?](repeating: nil, count: inputs.count)
        var crops: [(input: Int, article: Article, image: RGBImage, padding: RGBColor)] = []
        for (index, input) in inputs.enumerated() {
            do {
                for article in input.message.articles {
                    let bytes = try await store.get(try BlobKey(article.cropBlobKey))
                    let image = try decoder.decode(bytes)
                    let padding = image.foregroundTrim().background ?? RGBColor(r: 255, g: 255, b: 255)
                    crops.append((index, article, image, padding))
                }
            } catch let error as BlobStoreError {
                guard FailureClassification(error) == .permanent else { throw error }
                crops.removeAll { $0.input == index }
                outcomes[index] = try await ImageStates.deadLetter(
                    imageID: input.message.imageID, .missingBlob, "crop of \(input.message.imageID): \(error)", from: ["cropped"], pool: pool)
            } catch let error as ImageError {
                crops.removeAll { $0.input == index }
                outcomes[index] = try await ImageStates.deadLetter(
                    imageID: input.message.imageID, .undecodableImage, "crop of \(input.message.imageID): \(error)", from: ["cropped"],
                    pool: pool)
            }
        }
        let embeddings = try await embedder.embed(crops.map(\.image), paddings: crops.map(\.padding))
        let version = embedder.modelVersion
        var records = [[KafkaRecord]](repeating: [], count: inputs.count)
        let rows = zip(crops, embeddings).map { crop, embedding in
            (crop.input, crop.article, embedding.vector, ShardAssignment.shard(forArticleID: crop.article.articleID, shardCount: shardCount))
        }
        try await pool.retrying { connection in
            try await connection.transaction { connection in
                for (_, article, vector, shard) in rows {
                    _ = try await connection.execute(
                        """
                        INSERT INTO vectors (article_id, model_version, super_category, dim, shard, vector)
                        VALUES ($1, $2, $3, $4, $5, $6)
                        ON CONFLICT (article_id, model_version) DO UPDATE
                            SET vector = EXCLUDED.vector, dim = EXCLUDED.dim, shard = EXCLUDED.shard
                        """,
                        [article.articleID, version, article.superCategory.rawValue, vector.count, shard, Float32Vector(values: vector)])
                }
                let images = Array(Set(rows.map { inputs[$0.0].message.imageID }))
                if !images.isEmpty {
                    _ = try await connection.execute(
                        "UPDATE images SET state = 'embedded', state_reason = NULL WHERE image_id = ANY($1) AND state <> 'embedded'",
                        [images])
                }
            }
        }
        for (input, article, vector, shard) in rows {
            let message = EmbeddedMessage(
                articleID: article.articleID, imageID: inputs[input].message.imageID, productID: inputs[input].message.productID,
                superCategory: article.superCategory, category: article.category, modelVersion: version, dim: vector.count,
                shard: shard)
            records[input].append(KafkaRecord(
                topic: topics.embedded, partition: Int32(shard), key: Array(article.articleID.utf8), value: try codec.encode(message)))
        }
        return outcomes.enumerated().map { index, outcome in outcome ?? .forward(records[index]) }
    }
}
