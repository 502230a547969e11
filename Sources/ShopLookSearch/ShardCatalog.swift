import ShopLookCore
import ShopLookIndex
import Synchronization

/// Everything one search shard holds: an index per super-category and model version (``CategoryIndex``),
/// the articles behind the index ids, and the `embedded` offset the contents reflect.
///
/// Applying the same change twice changes nothing (a replay after a crash or a rebalance): an article is
/// upserted by id, a removal removes whatever the shard still has of the article.
///
/// Memory: besides the indexes, one table entry per vector (the ``ShardArticle``), nothing else: an article's
/// vectors are found through its index id (``ArticleKey``) in the few indexes of the shard.
///
/// Thread safety: all methods may be called from any thread; the article tables are guarded by one lock,
/// each index guards itself, and a search never waits for a rebuild.
public final class ShardCatalog: Sendable {
    public let shard: Int
    public let policy: IndexPolicy
    private let state: Mutex<State>

    struct State {
        var indexes: [ShardIndexKey: CategoryIndex] = [:]
        /// The articles of each index, by index id.
        var articles: [ShardIndexKey: [Int64: ShardArticle]] = [:]
        /// The next `embedded` offset to apply (everything before it is reflected).
        var nextOffset: Int64 = 0
    }

    public init(shard: Int, policy: IndexPolicy = IndexPolicy()) {
        self.shard = shard
        self.policy = policy
        self.state = Mutex(State())
    }

    /// The next `embedded` offset to apply.
    public var nextOffset: Int64 { state.withLock { $0.nextOffset } }

    /// Records that everything before `offset` is applied (offsets never go back).
    public func advance(to offset: Int64) {
        state.withLock { $0.nextOffset = max($0.nextOffset, offset) }
    }

    /// The number of article vectors held (an article embedded by two model versions counts twice).
    public var count: Int { state.withLock { $0.articles.values.reduce(0) { $0 + $1.count } } }

    /// The indexes and their sizes.
    public var indexCounts: [ShardIndexKey: Int] { state.withLock { $0.indexes.mapValues(\.count) } }

    /// The index of `key`, if the shard has one.
    public func index(_ key: ShardIndexKey) -> CategoryIndex? { state.withLock { $0.indexes[key] } }

    /// Inserts or replaces an article's vector (of its model version). Returns the index when it now wants
    /// its first training.
    @discardableResult
    public func upsert(_ article: ShardArticle, vector: [Float]) throws -> CategoryIndex? {
        guard let id = ArticleKey.id(articleID: article.articleID) else { throw SearchError.invalidArticleID(article.articleID) }
        let key = article.indexKey
        let index: CategoryIndex = try state.withLock { state in
            if let taken = state.articles[key]?[id], taken.articleID != article.articleID {
                throw SearchError.articleKeyCollision(article.articleID, taken.articleID)
            }
            let index = state.indexes[key] ?? CategoryIndex(dimension: vector.count, policy: policy)
            state.indexes[key] = index
            return index
        }
        // Outside the catalog's lock: a trained index may wait for its writer lock (searches do not wait on this).
        // A search meanwhile may find the id before its article, and skips it.
        let wantsTraining = try index.upsert(id: id, vector: vector)
        state.withLock { $0.articles[key, default: [:]][id] = article }
        return wantsTraining ? index : nil
    }

    /// Removes every vector of article `articleID` (each model version's): what a tombstone on `embedded`
    /// asks. An index holding the article's id without its article (a rebuild from PostgreSQL that saw the vector
    /// before this shard applied it) loses it too. Returns how many vectors the shard held.
    @discardableResult
    public func removeArticle(_ articleID: String) -> Int {
        guard let id = ArticleKey.id(articleID: articleID) else { return 0 }
        let targets: [(ShardIndexKey, CategoryIndex)] = state.withLock { state in
            state.indexes.filter { key, index in
                if let held = state.articles[key]?[id] { return held.articleID == articleID }
                return index.contains(id)
            }.map { ($0.key, $0.value) }
        }
        for (_, index) in targets { index.remove(ids: [id]) }
        state.withLock { state in for (key, _) in targets { state.articles[key]?[id] = nil } }
        return targets.count
    }

    /// Removes every vector of the articles of `productID` (a scan of the shard's articles: tombstones, which
    /// name articles, are the fast path). Returns how many the shard held.
    @discardableResult
    public func removeProduct(_ productID: String) -> Int {
        state.withLock { state in
            var removed = 0
            for (key, index) in state.indexes {
                let ids = state.articles[key]?.filter { $0.value.productID == productID }.map(\.key) ?? []
                index.remove(ids: ids)
                for id in ids { state.articles[key]?[id] = nil }
                removed += ids.count
            }
            return removed
        }
    }

    /// The `k` articles of `key` most similar to `query`, best first, optionally only of the fine
    /// `categories`. A category filter searches `k × categoryOverfetch` candidates and keeps the matching
    /// ones, so a rare category may return fewer than `k`.
    public func search(
        _ key: ShardIndexKey, query: [Float], k: Int, categories: Set<String>? = nil, categoryOverfetch: Int = 8
    ) throws -> [ShardHit] {
        guard let index = index(key) else { return [] }
        let wanted = categories == nil ? k : k * categoryOverfetch
        let hits = try index.search(query: query, k: wanted)
        let articles = state.withLock { state in
            let table = state.articles[key]
            return hits.map { table?[$0.id] }
        }
        var answer: [ShardHit] = []
        for (hit, article) in zip(hits, articles) {
            guard let article, categories?.contains(article.category) ?? true else { continue }
            answer.append(ShardHit(article: article, score: hit.score))
            if answer.count == k { break }
        }
        return answer
    }

    /// Installs a built index and its articles (from a snapshot, or a rebuild from PostgreSQL) under `key`,
    /// which holds nothing yet.
    public func install(_ key: ShardIndexKey, index: CategoryIndex, articles: [(Int64, ShardArticle)]) {
        state.withLock { state in
            state.indexes[key] = index
            state.articles[key] = Dictionary(articles, uniquingKeysWith: { _, last in last })
        }
    }

    /// The articles of `key` by index id (for snapshots).
    func articles(of key: ShardIndexKey) -> [Int64: ShardArticle] {
        state.withLock { $0.articles[key] ?? [:] }
    }
}

/// An article and one of its model versions: the key of one vector in `vectors` (the searcher reads a batch's
/// vectors from PostgreSQL by it).
public struct ArticleVersion: Hashable, Sendable {
    public var articleID: String
    public var modelVersion: String

    public init(articleID: String, modelVersion: String) {
        self.articleID = articleID
        self.modelVersion = modelVersion
    }
}
