import Foundation
import ShopLookCore
import ShopLookSearch

extension FuzzTarget {
    /// The body of a searcher's `POST /v1/reindex`, read by ``ReindexScope/decode(_:)`` as `SearcherRoutes` reads it
    /// (Foundation's `JSONDecoder`, then the bounds). The input is the body.
    static let reindex = FuzzTarget(
        name: "reindex",
        summary: """
            ReindexScope.decode (the searcher's reading of a reindex body): an empty body is every index; a refusal is \
            SearchError.invalidRequest with a reason on one printable line of at most 330 characters; an accepted \
            scope is within the bounds (shard 0-2^31-1, model_version 1-128 characters), came from a JSON object with \
            no member twice and none but shard, super_category and model_version, includes the index it names and no other in what it names, and encodes, decodes \
            back equal and encodes to the same bytes again
            """
    ) { (input) throws(FuzzFailure) in
        let check = Invariants(target: "reindex")
        let body = Data(input)
        let scope: ReindexScope
        switch Result(catching: { () throws(SearchError) in try ReindexScope.decode(body) }) {
        case .success(let decoded):
            scope = decoded
        case .failure(let error):
            guard case .invalidRequest(let reason) = error else { throw check.failure("decode threw \(error)") }
            try check.require(!body.isEmpty, "an empty body refused: \(reason)")
            try check.require(!reason.isEmpty, "a refusal without a reason")
            try check.require(reason.unicodeScalars.count <= 330, "a reason of \(reason.unicodeScalars.count) characters")
            try check.requirePrintable(reason, "the reason")
            return
        }
        if body.isEmpty { try check.require(scope == ReindexScope(), "an empty body read as \(scope)") }
        if let shard = scope.shard { try check.require((0...Int(Int32.max)).contains(shard), "shard \(shard) accepted") }
        if let version = scope.modelVersion {
            try check.require((1...ReindexScope.maximumModelVersionLength).contains(version.unicodeScalars.count),
                              "a model version of \(version.unicodeScalars.count) characters accepted")
        }
        // A non-empty body accepted is one ShopLookCore's strict parser reads (no member twice) as an object with no
        // other member.
        if !body.isEmpty {
            guard case .object(let members)? = try? JSONValue.parse(input) else {
                throw check.failure("accepted a body the strict parser refuses or that is not an object")
            }
            let unknown = members.keys.filter { !["shard", "super_category", "model_version"].contains($0) }
            try check.require(unknown.isEmpty, "accepted with the members \(unknown.debugDescription.prefix(200))")
        }
        let key = ShardIndexKey(superCategory: scope.superCategory ?? .upper, modelVersion: scope.modelVersion ?? "v1")
        try check.require(scope.includes(shard: scope.shard ?? 0, key: key), "\(scope) does not include the index it names")
        // …and only it, in what it names.
        let shard = scope.shard ?? 0
        if let named = scope.shard {
            try check.require(!scope.includes(shard: named == 0 ? 1 : named - 1, key: key), "\(scope) includes another shard")
        }
        if let named = scope.superCategory {
            let other = ShardIndexKey(superCategory: named == .upper ? .lower : .upper, modelVersion: key.modelVersion)
            try check.require(!scope.includes(shard: shard, key: other), "\(scope) includes another super-category")
        }
        if scope.modelVersion != nil {
            let other = ShardIndexKey(superCategory: key.superCategory, modelVersion: key.modelVersion + "+")
            try check.require(!scope.includes(shard: shard, key: other), "\(scope) includes another model version")
        }

        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let encoded: Data
        do {
            encoded = try encoder.encode(scope)
        } catch {
            throw check.failure("an accepted scope cannot be encoded: \(error)")
        }
        let again: ReindexScope
        do {
            again = try ReindexScope.decode(encoded)
        } catch {
            throw check.failure("its own encoding is refused: \(error)")
        }
        try check.require(again == scope, "read back from its encoding it differs: \(again) against \(scope)")
        try check.require((try? encoder.encode(again)) == encoded, "encoding is not stable")
    }
}
