import Foundation
import ShopLookCore
import ShopLookImaging
@testable import ShopLookLook
import Testing

@Suite("LookJob")
struct LookJobTests {
    static let job = LookJob(
        jobID: UUID(uuidString: "0B6F9D8E-4C1A-4F7E-9A51-3F0E2D7C8B41")!, state: .partial, reason: "no match for the foot wear: none",
        topK: 2, createdAt: Date(timeIntervalSince1970: 1_800_000_000), startedAt: Date(timeIntervalSince1970: 1_800_000_000.05),
        finishedAt: Date(timeIntervalSince1970: 1_800_000_000.25), deadlineAt: Date(timeIntervalSince1970: 1_800_000_030),
        attempts: 1, imageID: String(repeating: "a", count: 64), imageWidth: 400, imageHeight: 800, verdict: .partial,
        details: LookJobDetails(
            notInView: [.init(superCategory: .foot, reason: "no ankle in view")], missingShards: [.init(shard: 3, reason: "no owner")],
            stageMilliseconds: ["pose": 25.5, "search": 3], verdictReason: "not seen: feet", removedProductsSkipped: 1),
        articles: [
            LookJobArticle(
                ordinal: 0, superCategory: .upper, category: "jersey", box: [10, 20, 300, 400], score: 0.9, cropKey: nil, reason: nil,
                matches: [LookMatch(rank: 1, productID: "P1", title: "Tee", url: "https://shop.example/P1", score: 0.8,
                                    matchedArticleID: String(repeating: "b", count: 64), matchedCategory: "jersey", matchedImageID: nil)]),
        ])

    @Test("JSON: snake_case keys, lowercase id, RFC 3339 dates, nulls written; decodes back equal")
    func json() throws {
        let data = try LookJob.encoder().encode(Self.job)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains(#""job_id":"0b6f9d8e-4c1a-4f7e-9a51-3f0e2d7c8b41""#))
        #expect(text.contains(#""created_at":"2027-01-15T08:00:00.000Z""#))
        #expect(text.contains(#""crop_key":null"#) && text.contains(#""stage_ms":{"pose":25.5,"search":3}"#))
        #expect(text.contains(#""not_in_view":[{"reason":"no ankle in view","super_category":"foot"}]"#))
        #expect(try LookJob.decoder().decode(LookJob.self, from: data) == Self.job)
        #expect(Self.job.elapsedMilliseconds.map { abs($0 - 250) < 0.01 } == true)
    }

    static func answered(_ category: SuperCategory, matches: Int, reason: String? = nil) -> AnsweredArticle {
        AnsweredArticle(
            article: LookArticle(ordinal: 0, superCategory: category, category: "x", box: BoundingBox(x0: 0, y0: 0, x1: 1, y1: 1), score: 1,
                                 cropKey: nil, vector: [1]),
            matches: (0..<matches).map { .init(productID: "P\($0)", articleID: "A\($0)", score: 0.5) }, reason: reason)
    }

    @Test("an answer is done only when every article has matches and every shard answered")
    func states() {
        #expect(LookJobStore.state(of: [Self.answered(.upper, matches: 2)], details: LookJobDetails()) == (.done, nil))
        let noFoot = LookJobStore.state(of: [Self.answered(.upper, matches: 2), Self.answered(.foot, matches: 0, reason: "empty")], details: LookJobDetails())
        #expect(noFoot == (.partial, "no match for the foot wear: empty"))
        let missing = LookJobStore.state(
            of: [Self.answered(.upper, matches: 2)], details: LookJobDetails(missingShards: [.init(shard: 1, reason: "a"), .init(shard: 5, reason: "b")]))
        #expect(missing == (.partial, "shard(s) 1, 5 did not answer"))
    }
}
