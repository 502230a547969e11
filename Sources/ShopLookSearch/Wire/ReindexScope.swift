import Foundation
import ShopLookCore

/// What `POST /v1/reindex` on a searcher asks to rebuild: `{"shard": 3, "super_category": "upper", "model_version":
/// "…"}`, each member optional (absent or `null`: every one); an empty body rebuilds every index the searcher holds.
/// Strict, because a scope read wrong rebuilds more than was asked: a member of another name (`"shards"`) is refused
/// rather than ignored, and so are a shard outside 0–2³¹−1 (a Kafka partition) and a model version outside the
/// `embedded` schema's 1–128 characters.
///
/// Here rather than in the searcher so that the `reindex` fuzz target (`shoplook-fuzz reindex`) checks exactly what
/// the searcher accepts: ``decode(_:)`` is the searcher's reading of the body, and a refusal is a 400 with its reason.
public struct ReindexScope: Codable, Sendable, Equatable {
    public var shard: Int?
    public var superCategory: SuperCategory?
    public var modelVersion: String?

    public init(shard: Int? = nil, superCategory: SuperCategory? = nil, modelVersion: String? = nil) {
        self.shard = shard
        self.superCategory = superCategory
        self.modelVersion = modelVersion
    }

    /// The most characters of a model version (`embedded.schema.json`).
    public static let maximumModelVersionLength = 128

    enum CodingKeys: String, CodingKey, CaseIterable {
        case shard, superCategory = "super_category", modelVersion = "model_version"
    }

    /// Any member name, to find those that are not ``CodingKeys``.
    private struct MemberName: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: any Decoder) throws {
        let members = try decoder.container(keyedBy: MemberName.self)
        if let unknown = members.allKeys.first(where: { CodingKeys(stringValue: $0.stringValue) == nil }) {
            throw DecodingError.dataCorruptedError(
                forKey: unknown, in: members,
                debugDescription: "unknown member \"\(unknown.stringValue)\" (members: shard, super_category, model_version)")
        }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        shard = try container.decodeIfPresent(Int.self, forKey: .shard)
        superCategory = try container.decodeIfPresent(SuperCategory.self, forKey: .superCategory)
        modelVersion = try container.decodeIfPresent(String.self, forKey: .modelVersion)
    }

    /// The scope a body asks for: empty, every index; otherwise JSON (read by the project's strict parser first,
    /// which refuses a member given twice, then decoded with Foundation's `JSONDecoder`).
    public static func decode(_ body: Data) throws(SearchError) -> ReindexScope {
        guard !body.isEmpty else { return ReindexScope() }
        do {
            _ = try JSONValue.parse(body)
        } catch {
            throw .invalidRequest("malformed reindex request: \("\(error)".printableLine(limit: 300))")
        }
        let scope: ReindexScope
        do {
            scope = try JSONDecoder().decode(ReindexScope.self, from: body)
        } catch DecodingError.dataCorrupted(let context) where context.codingPath.isEmpty {
            // Valid JSON (the parser above took it) that Foundation calls invalid: a number that is not a whole one.
            throw .invalidRequest(
                "malformed reindex request: shard must be a whole number, super_category upper, lower or foot, model_version a string")
        } catch let error as DecodingError {
            throw .invalidRequest("malformed reindex request: \(error.reason)")
        } catch {
            throw .invalidRequest("malformed reindex request")
        }
        try scope.validate()
        return scope
    }

    /// Checks the bounds: a shard 0–2³¹−1, a model version of 1–``maximumModelVersionLength`` characters.
    public func validate() throws(SearchError) {
        if let shard, !(0...Int(Int32.max)).contains(shard) {
            throw .invalidRequest("shard must be 0-\(Int32.max), not \(shard)")
        }
        if let modelVersion, !(1...Self.maximumModelVersionLength).contains(modelVersion.unicodeScalars.count) {
            throw .invalidRequest("model_version must be 1-\(Self.maximumModelVersionLength) characters")
        }
    }

    /// Whether the scope takes the index `key` of `shard`.
    public func includes(shard held: Int, key: ShardIndexKey) -> Bool {
        (shard.map { $0 == held } ?? true) && (superCategory.map { $0 == key.superCategory } ?? true)
            && (modelVersion.map { $0 == key.modelVersion } ?? true)
    }
}
