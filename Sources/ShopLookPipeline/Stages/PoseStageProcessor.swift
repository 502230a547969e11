import Foundation
import ShopLookBlobStore
import ShopLookCore
import ShopLookImaging
import ShopLookKafka
import ShopLookPose
import ShopLookPostgres
import ShopLookStreaming

/// The pose stage: `new-image` → BlazePose verdict in PostgreSQL → `pose-filtered` for the photos the
/// catalog keeps.
///
/// - `full_front`: a full-body frontal shot; forwarded as a person photo with its landmarks and article regions
///   (the pose stage holds the person mask that tightens them).
/// - `no_person`: a product-only photo; forwarded as a product photo (one article, trimmed later).
/// - anything else (`partial`, `full_back`, `full_side`): recorded, the image `rejected` with the reason.
/// Undecodable images and images over the limits are dead-lettered with the reason (the image row goes to
/// `dead_lettered`); a missing blob too.
public struct PoseStageProcessor: StageProcessor {
    public typealias Input = NewImageMessage

    let pose: PoseService
    let images: StageImageLoader
    let pool: PostgresPool
    let codec: MessageCodec
    let topics: ShopLookTopics

    public init(pose: PoseService, store: any BlobStore, pool: PostgresPool, codec: MessageCodec, topics: ShopLookTopics) {
        self.pose = pose
        self.images = StageImageLoader(store: store)
        self.pool = pool
        self.codec = codec
        self.topics = topics
    }

    /// The batch's verdicts are written in one transaction (one commit for the batch, not one per image).
    public func process(_ inputs: [StageInput<NewImageMessage>]) async throws -> [StageOutcome] {
        var outcomes: [StageOutcome] = []
        var rows: [PoseRow] = []
        for input in inputs {
            let (row, outcome) = try await assess(input.message)
            if let row { rows.append(row) }
            outcomes.append(outcome)
        }
        try await ImageStates.write(rows, pool: pool)
        return outcomes
    }

    public func recordDeadLetter(_ letter: DeadLetter, document: JSONValue?) async throws {
        try await ImageStates.record(letter, document: document, stage: .pose, pool: pool)
    }

    /// Marks the image `dead_lettered` with the reason (its terminal state), then lets the worker
    /// dead-letter the message.
    private func deadLetter(_ message: NewImageMessage, _ failure: ImageLoadFailure) async throws -> StageOutcome {
        try await ImageStates.deadLetter(imageID: message.imageID, failure, from: [.new], pool: pool)
    }

    /// The image's verdict row with the outcome once it is written; no row for an image dead-lettered on its own.
    private func assess(_ message: NewImageMessage) async throws -> (PoseRow?, StageOutcome) {
        let bytes: [UInt8]
        switch try await images.bytes(message.blobKey, of: "image \(message.imageID)") {
        case .success(let loaded): bytes = loaded
        case .failure(let failure): return (nil, try await deadLetter(message, failure))
        }
        let assessment: PoseAssessment
        do {
            assessment = try await pose.assess(encoded: bytes)
        } catch {
            if case .image(let imageError) = error {
                let failure = ImageLoadFailure(reason: DeadLetterReason(imageError), description: "image \(message.imageID): \(imageError)")
                return (nil, try await deadLetter(message, failure))
            }
            throw error
        }
        let verdict = assessment.verdict
        let result = assessment.result
        let kept = verdict == .fullFront || verdict == .noPerson
        let box = verdict == .noPerson ? nil : assessment.personBox
        let landmarks = verdict == .noPerson ? nil : result.landmarks
        let row = PoseRow(
            imageID: message.imageID, modelVersion: pose.modelVersion, verdict: verdict.rawValue,
            score: Float(min(1, max(0, result.presenceScore))), people: verdict == .noPerson ? 0 : result.people, box: box,
            landmarks: landmarks.map { Float32Vector(values: $0.flatMap { [Float($0.x), Float($0.y), Float($0.z), Float($0.visibility), Float($0.presence)] }) },
            width: result.imageWidth, height: result.imageHeight, state: kept ? .poseFiltered : .rejected,
            reason: kept ? nil : "pose: \(verdict.rawValue) (\(assessment.reason))")
        guard kept else { return (row, .finished) }
        let output = PoseFilteredMessage(
            imageID: message.imageID, blobKey: message.blobKey, source: message.source, productID: message.productID,
            category: message.category, superCategory: message.superCategory, kind: verdict == .noPerson ? .product : .person,
            verdict: verdict, score: min(1, max(0, result.presenceScore)), imageWidth: result.imageWidth, imageHeight: result.imageHeight,
            personBox: box, landmarks: landmarks, regions: verdict == .fullFront ? assessment.regions : nil)
        return (row, .forward([KafkaRecord(topic: topics.poseFiltered, key: Array(message.imageID.utf8), value: try codec.encode(output))]))
    }
}

/// One image's verdict: its `pose_results` row (an upsert) and its new state.
private struct PoseRow: ImageRows {
    /// The states a verdict (re)writes: a new image, or one whose verdict a replay writes again.
    static let replayable: [ImageState] = [.new, .poseFiltered, .rejected]

    var imageID: String
    var modelVersion: String
    var verdict: String
    var score: Float
    var people: Int
    var box: BoundingBox?
    var landmarks: Float32Vector?
    var width: Int
    var height: Int
    var state: ImageState
    var reason: String?

    func write(_ connection: PostgresConnection) async throws {
        _ = try await connection.execute(
            """
            INSERT INTO pose_results (image_id, model_version, verdict, score, people, box_x0, box_y0, box_x1, box_y1, landmarks)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
            ON CONFLICT (image_id) DO UPDATE SET model_version = EXCLUDED.model_version, verdict = EXCLUDED.verdict,
                score = EXCLUDED.score, people = EXCLUDED.people, box_x0 = EXCLUDED.box_x0, box_y0 = EXCLUDED.box_y0,
                box_x1 = EXCLUDED.box_x1, box_y1 = EXCLUDED.box_y1, landmarks = EXCLUDED.landmarks
            """,
            [imageID, modelVersion, verdict, score, people, box.map { Float($0.x0) }, box.map { Float($0.y0) },
             box.map { Float($0.x1) }, box.map { Float($0.y1) }, landmarks])
        _ = try await connection.execute(
            "UPDATE images SET width = $2, height = $3, state = $4, state_reason = $5 WHERE image_id = $1 AND state = ANY($6)",
            [imageID, width, height, state.rawValue, reason, Self.replayable.rawValues])
    }
}
