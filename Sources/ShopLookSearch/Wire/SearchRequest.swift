import Foundation
import ShopLookCore

/// What a caller asks the owner of some shards (`POST /v1/search` on a searcher, JSON): the shards it wants
/// answered, each with the generation it read in `searcher_shards`, and the queries.
///
/// An owner answers for a requested shard only while it holds it with that generation; the others it
/// leaves out, and the caller counts them missing (``SearchResponse``).
public struct SearchRequest: Codable, Sendable, Equatable {
    public var shards: [ShardGeneration]
    public var queries: [SearchQuery]
    /// Hits wanted per query (1–1000).
    public var k: Int

    public init(shards: [ShardGeneration], queries: [SearchQuery], k: Int) {
        self.shards = shards
        self.queries = queries
        self.k = k
    }
}

/// A shard and the generation of its load that the caller expects to answer.
public struct ShardGeneration: Codable, Sendable, Hashable, Comparable {
    public var shard: Int
    public var generation: Int64

    public init(shard: Int, generation: Int64) {
        self.shard = shard
        self.generation = generation
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { (lhs.shard, lhs.generation) < (rhs.shard, rhs.generation) }
}

/// One query vector: which index it searches (super-category, model version) and, optionally, which fine
/// categories an answer may have.
public struct SearchQuery: Codable, Sendable, Equatable {
    public var superCategory: SuperCategory
    public var modelVersion: String
    /// The vector, as little-endian float32 (base64 in JSON: a 256-d query is 1.4 KB).
    public var vector: PackedVector
    public var categories: [String]?

    public init(superCategory: SuperCategory, modelVersion: String, vector: [Float], categories: [String]? = nil) {
        self.superCategory = superCategory
        self.modelVersion = modelVersion
        self.vector = PackedVector(vector)
        self.categories = categories
    }

    enum CodingKeys: String, CodingKey {
        case superCategory = "super_category", modelVersion = "model_version", vector, categories
    }

    public var indexKey: ShardIndexKey { ShardIndexKey(superCategory: superCategory, modelVersion: modelVersion) }
}

/// A float vector carried as little-endian float32 bytes (base64 in JSON).
public struct PackedVector: Codable, Sendable, Equatable {
    public var values: [Float]

    public init(_ values: [Float]) {
        self.values = values
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        guard let data = Data(base64Encoded: try container.decode(String.self)), data.count % 4 == 0 else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected base64 of little-endian float32 values")
        }
        values = data.withUnsafeBytes { raw in
            (0..<(raw.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var data = Data(capacity: values.count * 4)
        for value in values { withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        var container = encoder.singleValueContainer()
        try container.encode(data.base64EncodedString())
    }
}
