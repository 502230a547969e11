import Foundation
import ShopLookCore

/// Fully populated and minimal (all optionals nil) sample of every message type.
enum Samples {
    static let fullNewImage = NewImageMessage(
        imageID: hexA, blobKey: hexB, source: .catalog, productID: "SKU-1234/blue",
        category: "t-shirt", superCategory: .upper, byteSize: 48_213, uploadedAt: sampleDate
    )
    static let minimalNewImage = NewImageMessage(
        imageID: hexA, blobKey: hexA, source: .query, byteSize: 1, uploadedAt: Date(timeIntervalSince1970: 0)
    )

    static let landmarks: [Landmark] = (0..<33).map {
        Landmark(x: 100 + Double($0), y: 200.25 - Double($0), z: -0.125, visibility: 0.9, presence: 1)
    }
    static let fullPoseFiltered = PoseFilteredMessage(
        imageID: hexA, blobKey: hexB, source: .catalog, productID: "SKU-1", category: "dress",
        superCategory: .upper, kind: .person, verdict: .fullFront, score: 0.97, imageWidth: 768, imageHeight: 1024,
        personBox: BoundingBox(x0: 120.5, y0: 40, x1: 610, y1: 1010.25), landmarks: landmarks,
        regions: [ArticleRegion(superCategory: .upper, box: BoundingBox(x0: 150, y0: 120, x1: 590, y1: 560), score: 0.98),
                  ArticleRegion(superCategory: .foot, box: BoundingBox(x0: 200, y0: 900, x1: 520, y1: 1010), score: 0.7)]
    )
    static let minimalPoseFiltered = PoseFilteredMessage(
        imageID: hexA, blobKey: hexA, source: .query, kind: .product, verdict: .noPerson,
        score: 0, imageWidth: 1, imageHeight: 1
    )

    static let article = Article(
        articleID: hexC, superCategory: .lower, category: "jeans",
        box: BoundingBox(x0: 10, y0: 500, x1: 300.5, y1: 1000), score: 0.88, cropBlobKey: hexD
    )
    static let fullCroppedArticles = CroppedArticlesMessage(
        imageID: hexA, source: .catalog, productID: "SKU-1",
        articles: [article, Article(articleID: hexD, superCategory: .foot, category: "shoes",
                                    box: BoundingBox(x0: 0, y0: 900, x1: 200, y1: 1024), score: 1, cropBlobKey: hexB, unnamed: true)]
    )
    static let minimalCroppedArticles = CroppedArticlesMessage(imageID: hexA, source: .query, articles: [article])

    static let fullEmbedded = EmbeddedMessage(
        articleID: hexC, imageID: hexA, productID: "SKU-1", superCategory: .upper, category: "t-shirt",
        modelVersion: "fashion-clip-2024-05", dim: 512, shard: 7
    )
    static let minimalEmbedded = EmbeddedMessage(
        articleID: hexC, imageID: hexA, superCategory: .foot, category: "boot", modelVersion: "m", dim: 1, shard: 0
    )

    static let fullDeadLetter = DeadLetterEnvelope(
        stage: "detect", sourceTopic: "staging.pose-filtered", partition: 5, offset: Int64.max,
        key: Data("image-1".utf8), payload: Data("{\"version\":1,\"image_id\":\"xyz\"}".utf8),
        payloadTruncated: true, payloadSize: 70_000, payloadSHA256: hexB,
        error: "pose-filtered message violates its schema: /image_id: \"xyz\" does not match pattern ^[0-9a-f]{64}$",
        errorKind: .schemaViolation, failedAt: sampleDate
    )
    static let minimalDeadLetter = DeadLetterEnvelope(
        stage: "embed", sourceTopic: "cropped-articles", partition: 0, offset: 0,
        payload: Data(), error: "x", errorKind: .missingBlob, failedAt: Date(timeIntervalSince1970: 1)
    )

    static let lookQuery = LookQueryMessage(
        jobID: "0b6f9d8e-4c1a-4f7e-9a51-3f0e2d7c8b41", imageID: hexA, blobKey: hexB, topK: 5, deadlineAt: sampleDate
    )
}
