import Foundation
import ShopLookCore
import ShopLookIndex

/// Snapshots of search shards on disk (blocking file I/O: call it off the cooperative pool): each shard's newest complete snapshot and the `embedded` offset it
/// reflects, replaced atomically.
///
/// Layout under `root`:
/// ```
/// shard-3/CURRENT                      the name of the newest complete snapshot (replaced by rename)
/// shard-3/snapshot-000000001042-<id>/  one snapshot (never changed once CURRENT names it)
///     manifest.json                    shard, next offset, per index: its key, dimension, files and their SHA-256
///     upper@v1.slivf                   a trained index (IndexFile: checksummed, loaded with mmap), or
///     upper@v1.vectors                 an exact index's vectors ("SLVEC001", dimension, count, ids, float32 rows)
///     upper@v1.articles.json           the articles behind the index ids
/// ```
/// A snapshot is written into a new directory, every file and the directory are fsync'ed, then `CURRENT` is
/// replaced (write, fsync, rename, fsync the shard directory) and older snapshots are deleted. A crash at any
/// point leaves `CURRENT` naming a complete snapshot, or no `CURRENT` (then the shard rebuilds from
/// PostgreSQL). Loading verifies every file against the manifest's digests.
///
/// The offset is read before the contents, so a snapshot holds at least everything before its offset
/// and perhaps some later changes; replaying from the offset applies those again, which changes nothing.
public struct ShardSnapshotStore: Sendable {
    public let root: URL

    public init(root: URL) {
        self.root = root
    }

    public func directory(ofShard shard: Int) -> URL { root.appendingPathComponent("shard-\(shard)") }

    /// Writes a snapshot of `catalog` and makes it the shard's newest. Returns what was written.
    @discardableResult
    public func save(_ catalog: ShardCatalog) throws -> ShardSnapshotManifest {
        let nextOffset = catalog.nextOffset
        let shardDirectory = directory(ofShard: catalog.shard)
        let name = String(format: "snapshot-%012lld-", nextOffset) + UUID().uuidString.prefix(8).lowercased()
        let snapshot = shardDirectory.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: snapshot, withIntermediateDirectories: true)
        var entries: [ShardSnapshotManifest.Index] = []
        for key in catalog.indexCounts.keys.sorted() {
            guard let index = catalog.index(key) else { continue }
            entries.append(try write(index, key: key, articles: catalog.articles(of: key), into: snapshot))
        }
        let manifest = ShardSnapshotManifest(shard: catalog.shard, nextOffset: nextOffset, createdAt: Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down)), indexes: entries)
        try SnapshotFiles.writeDurably(try SnapshotFiles.encoder.encode(manifest), to: snapshot.appendingPathComponent("manifest.json"))
        try SnapshotFiles.syncDirectory(snapshot)
        try SnapshotFiles.replaceDurably(Data(name.utf8), at: shardDirectory.appendingPathComponent("CURRENT"))
        try removeSnapshots(in: shardDirectory, except: name)
        return manifest
    }

    /// Loads the shard's newest snapshot into a new catalog; nil when the shard has none.
    public func load(shard: Int, policy: IndexPolicy = IndexPolicy()) throws -> (ShardCatalog, ShardSnapshotManifest)? {
        let shardDirectory = directory(ofShard: shard)
        guard let current = try? Data(contentsOf: shardDirectory.appendingPathComponent("CURRENT")) else { return nil }
        let snapshot = shardDirectory.appendingPathComponent(String(decoding: current, as: UTF8.self))
        let manifest = try SnapshotFiles.decoder.decode(
            ShardSnapshotManifest.self, from: try Data(contentsOf: snapshot.appendingPathComponent("manifest.json")))
        guard manifest.shard == shard else { throw SnapshotError.corrupt(snapshot.path, "it is a snapshot of shard \(manifest.shard)") }
        let catalog = ShardCatalog(shard: shard, policy: policy)
        for entry in manifest.indexes {
            let articles = try SnapshotFiles.decoder.decode(
                [String: ShardArticle].self, from: try SnapshotFiles.verifiedData(snapshot.appendingPathComponent(entry.articlesFile), entry.articlesSHA256))
            let index: CategoryIndex
            if entry.trained {
                try SnapshotFiles.verify(snapshot.appendingPathComponent(entry.indexFile), entry.indexSHA256)
                index = CategoryIndex(trained: try IVFPQIndex.load(from: snapshot.appendingPathComponent(entry.indexFile).path), policy: policy)
            } else {
                index = try ExactVectorFile.read(
                    try SnapshotFiles.verifiedData(snapshot.appendingPathComponent(entry.indexFile), entry.indexSHA256), policy: policy)
            }
            catalog.install(entry.key, index: index, articles: articles.map { (Int64($0.key)!, $0.value) })
        }
        catalog.advance(to: manifest.nextOffset)
        return (catalog, manifest)
    }

    private func write(_ index: CategoryIndex, key: ShardIndexKey, articles: [Int64: ShardArticle], into snapshot: URL) throws -> ShardSnapshotManifest.Index {
        let base = key.fileName
        let indexFile: String, trained: Bool, count: Int
        switch index.contents {
        case .trained(let serving):
            (indexFile, trained, count) = (base + ".slivf", true, serving.count)
            try serving.save(to: snapshot.appendingPathComponent(indexFile).path)
        case .exact(let vectors, let ids):
            (indexFile, trained, count) = (base + ".vectors", false, ids.count)
            try SnapshotFiles.writeDurably(
                ExactVectorFile.bytes(dimension: index.dimension, (vectors, ids)), to: snapshot.appendingPathComponent(indexFile))
        }
        let articlesFile = base + ".articles.json"
        let articleData = try SnapshotFiles.encoder.encode(Dictionary(uniqueKeysWithValues: articles.map { (String($0.key), $0.value) }))
        try SnapshotFiles.writeDurably(articleData, to: snapshot.appendingPathComponent(articlesFile))
        return ShardSnapshotManifest.Index(
            key: key, dimension: index.dimension, trained: trained, count: count,
            indexFile: indexFile, indexSHA256: try SHA256.hexDigest(contentsOf: snapshot.appendingPathComponent(indexFile)),
            articlesFile: articlesFile, articlesSHA256: SHA256.hexDigest(Array(articleData)))
    }

    private func removeSnapshots(in shardDirectory: URL, except name: String) throws {
        for entry in try FileManager.default.contentsOfDirectory(atPath: shardDirectory.path)
        where entry.hasPrefix("snapshot-") && entry != name {
            try? FileManager.default.removeItem(at: shardDirectory.appendingPathComponent(entry))
        }
    }
}

/// What a snapshot holds (`manifest.json`).
public struct ShardSnapshotManifest: Codable, Sendable, Equatable {
    public struct Index: Codable, Sendable, Equatable {
        public var key: ShardIndexKey
        public var dimension: Int
        public var trained: Bool
        public var count: Int
        public var indexFile: String
        public var indexSHA256: String
        public var articlesFile: String
        public var articlesSHA256: String
    }

    public var format = 1
    public var shard: Int
    /// The next `embedded` offset to apply after loading.
    public var nextOffset: Int64
    public var createdAt: Date
    public var indexes: [Index]
}

public enum SnapshotError: Error, CustomStringConvertible {
    case corrupt(String, String)
    case io(operation: String, path: String, message: String)

    public var description: String {
        switch self {
        case .corrupt(let path, let why): "snapshot file \(path) is corrupt: \(why)"
        case .io(let operation, let path, let message): "snapshot \(operation) \(path): \(message)"
        }
    }
}

extension ShardIndexKey {
    /// A file name for the key: the super-category, the model version with anything but ASCII letters, digits,
    /// `.`, `_` and `-` replaced, and the first 8 hex digits of the version's SHA-256 (two versions that read
    /// alike never share a file).
    var fileName: String {
        let safe = String(modelVersion.prefix(64).map { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) ? $0 : "_" })
        return "\(superCategory.rawValue)@\(safe)-\(SHA256.hexDigest(Array(modelVersion.utf8)).prefix(8))"
    }
}
