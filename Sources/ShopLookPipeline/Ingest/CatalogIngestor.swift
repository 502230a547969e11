import Foundation
import Logging
import ShopLookBlobStore
import ShopLookCore
import ShopLookImaging
import ShopLookKafka
import ShopLookPostgres

/// What happened to one ingest item.
public enum IngestResult: Sendable, Equatable {
    /// A new image, now in the pipeline.
    case new
    /// The same bytes were uploaded before (the product is linked to the existing image). `requeued` when
    /// the earlier upload never left the `new` state, so its message was produced again.
    case duplicate(requeued: Bool)
    /// Not taken in, with the reason.
    case rejected(String)
}

/// Counts of an ingest run.
public struct IngestSummary: Sendable, Equatable, CustomStringConvertible {
    public var new = 0
    public var duplicate = 0
    public var requeued = 0
    public var rejected: [(file: String, reason: String)] = []

    public init() {}

    public var total: Int { new + duplicate + rejected.count }

    mutating func add(_ result: IngestResult, file: String) {
        switch result {
        case .new: new += 1
        case .duplicate(let requeued):
            duplicate += 1
            if requeued { self.requeued += 1 }
        case .rejected(let reason): rejected.append((file, reason))
        }
    }

    public var description: String {
        "\(total) files: \(new) new, \(duplicate) duplicate\(requeued > 0 ? " (\(requeued) requeued)" : ""), \(rejected.count) rejected"
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.new == rhs.new && lhs.duplicate == rhs.duplicate && lhs.requeued == rhs.requeued
            && lhs.rejected.map(\.file) == rhs.rejected.map(\.file) && lhs.rejected.map(\.reason) == rhs.rejected.map(\.reason)
    }
}

/// Takes catalog uploads into the pipeline: bytes to the blob store, product and image rows to PostgreSQL,
/// a `new-image` message to Kafka — in that order, so a message never names an image that is not stored.
///
/// Idempotent: the image id is the SHA-256 of the bytes; running the same ingest again finds duplicates,
/// and re-produces the message of any image still in state `new` (an earlier run that stopped between the
/// database write and the message).
public struct CatalogIngestor: Sendable {
    /// Files larger than this are rejected before they are read whole: the decoder's own limit
    /// (``ImageLimits/maxBytes``), so nothing is ingested that the pose stage would dead-letter for its size.
    public var maximumFileBytes = ImageLimits.default.maxBytes
    let store: any BlobStore
    let pool: PostgresPool
    let producer: KafkaProducer
    let codec: MessageCodec
    let topics: ShopLookTopics

    public init(store: any BlobStore, pool: PostgresPool, producer: KafkaProducer, codec: MessageCodec, topics: ShopLookTopics) {
        self.store = store
        self.pool = pool
        self.producer = producer
        self.codec = codec
        self.topics = topics
    }

    /// Ingests the items, `concurrency` at a time, calling `progress` after each.
    ///
    /// With a `rate`, uploads start evenly spaced at that many per second (a steady upload stream, as a shop's
    /// catalog system would send; `concurrency` still bounds how many are in flight).
    public func ingest(
        _ items: [IngestItem], concurrency: Int = 8, rate: Double? = nil,
        progress: @Sendable (Int, IngestSummary) -> Void = { _, _ in }
    ) async throws -> IngestSummary {
        var summary = IngestSummary()
        var done = 0
        // Before the first image row, so that its message goes out at once.
        if !items.isEmpty { try await producer.prepare(topics: [topics.newImage]) }
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: (IngestItem, IngestResult).self) { group in
            var pending = items.enumerated().makeIterator()
            func add(_ index: Int, _ item: IngestItem) {
                group.addTask {
                    if let rate, rate > 0 { try await Task.sleep(until: start + .seconds(Double(index) / rate), clock: .continuous) }
                    return (item, try await self.ingest(item))
                }
            }
            for _ in 0..<max(1, concurrency) {
                guard let (index, item) = pending.next() else { break }
                add(index, item)
            }
            while let (item, result) = try await group.next() {
                summary.add(result, file: item.file.path)
                done += 1
                progress(done, summary)
                if let (index, item) = pending.next() { add(index, item) }
            }
        }
        return summary
    }

    /// Ingests one item. Throws only for transient infrastructure failures (after retries); bad input is
    /// a `.rejected` result.
    public func ingest(_ item: IngestItem) async throws -> IngestResult {
        if let refusal = item.refusal { return .rejected(refusal) }
        let (file, limit) = (item.file.path, maximumFileBytes)
        let (bytes, rejection) = await BlockingCallPool.shared.run { () throws(Never) in Self.readFile(file, limit: limit) }
        if let rejection { return .rejected(rejection) }
        let upload = CatalogUpload(bytes: bytes, productID: item.productID, title: item.title, url: item.url, category: item.category)
        return try await ingest(upload).result
    }

    /// Ingests one upload held in memory (the HTTP API's): the same steps as for a file once its bytes are read.
    /// Throws only for transient infrastructure failures (after retries); bad input (empty, not JPEG or PNG, over
    /// ``maximumFileBytes``) is a `.rejected` result with no image id.
    public func ingest(_ upload: CatalogUpload) async throws -> IngestReceipt {
        let bytes = upload.bytes
        guard bytes.count <= maximumFileBytes else {
            return IngestReceipt(result: .rejected("file too large: \(bytes.count) bytes (limit \(maximumFileBytes))"), imageID: nil)
        }
        let format = ImageFormat.detect(bytes)
        guard ImageDecoder.acceptedFormats.contains(format) else {
            let reason = format == .empty ? "empty file" : "unsupported format: \(format) (expected JPEG or PNG)"
            return IngestReceipt(result: .rejected(reason), imageID: nil)
        }
        let key = try await store.put(bytes)
        let category = upload.category
        let superCategory = upload.superCategory ?? category.flatMap(CategoryTaxonomy.superCategory(for:))
        // Encoded (and checked against its schema) before any row is written: a field the message cannot carry
        // fails the upload whole instead of leaving rows no message announces.
        let message = try codec.encode(NewImageMessage(
            imageID: key.rawValue, blobKey: key.rawValue, source: .catalog, productID: upload.productID, category: category,
            superCategory: superCategory, byteSize: bytes.count, uploadedAt: Date()))
        let (inserted, state) = try await pool.retrying { connection in
            try await connection.transaction { connection in
                let row = try await connection.query(
                    """
                    INSERT INTO images (image_id, blob_key, source, byte_size) VALUES ($1, $2, 'catalog', $3)
                    ON CONFLICT (image_id) DO UPDATE SET blob_key = images.blob_key
                    RETURNING (xmax = 0) AS inserted, state
                    """, [key.rawValue, key.rawValue, bytes.count])[0]
                _ = try await connection.execute(
                    """
                    INSERT INTO products (product_id, title, url, category, super_category) VALUES ($1, $2, $3, $4, $5)
                    ON CONFLICT (product_id) DO UPDATE SET
                        title = COALESCE(EXCLUDED.title, products.title),
                        url = COALESCE(EXCLUDED.url, products.url),
                        category = COALESCE(EXCLUDED.category, products.category),
                        super_category = COALESCE(EXCLUDED.super_category, products.super_category)
                    """, [upload.productID, upload.title, upload.url, category, superCategory?.rawValue])
                _ = try await connection.execute(
                    """
                    INSERT INTO product_images (product_id, image_id, category_hint) VALUES ($1, $2, $3)
                    ON CONFLICT (product_id, image_id) DO NOTHING
                    """, [upload.productID, key.rawValue, category])
                return (try row.decode(Bool.self, at: 0), try row.decode(String.self, at: 1))
            }
        }
        guard inserted || state == "new" else { return IngestReceipt(result: .duplicate(requeued: false), imageID: key.rawValue) }
        _ = try await producer.send(KafkaRecord(topic: topics.newImage, key: Array(key.rawValue.utf8), value: message))
        return IngestReceipt(result: inserted ? .new : .duplicate(requeued: true), imageID: key.rawValue)
    }

    /// The file's bytes, or why it is rejected. Blocking: runs on ``BlockingCallPool/shared``.
    private static func readFile(_ path: String, limit: Int) -> (bytes: [UInt8], rejection: String?) {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        guard let size = (attributes?[.size] as? NSNumber)?.intValue else { return ([], "cannot read the file") }
        guard size <= limit else { return ([], "file too large: \(size) bytes (limit \(limit))") }
        guard let data = FileManager.default.contents(atPath: path) else { return ([], "cannot read the file") }
        guard data.count <= limit else { return ([], "file too large: \(data.count) bytes (limit \(limit))") }
        return ([UInt8](data), nil)
    }
}
