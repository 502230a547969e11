/// The one error type of ShopLookSearch.
public enum SearchError: Error, Equatable, CustomStringConvertible {
    /// A rebuild (training or reindex) of the same index is already running.
    case rebuildInProgress
    /// The first training was asked of an index that is trained already.
    case alreadyTrained
    /// An article id that is not 64 lowercase hex digits.
    case invalidArticleID(String)
    /// Two articles whose ids share their first 63 bits (``ArticleKey``): the second is refused.
    case articleKeyCollision(String, String)
    /// A search request out of the bounds a searcher answers (``SearchRequest/validate()``).
    case invalidRequest(String)

    public var description: String {
        switch self {
        case .rebuildInProgress: "a rebuild of this index is already running"
        case .alreadyTrained: "the index is trained already"
        case .invalidArticleID(let id): "invalid article id \"\(id.prefix(80))\": expected 64 lowercase hex digits"
        case .articleKeyCollision(let new, let held): "article \(new) has the index id of article \(held), which the shard holds"
        case .invalidRequest(let why): why
        }
    }
}
