import Foundation
import ShopLookCore
import ShopLookPostgres

/// The `images.state` transitions the stages share.
enum ImageStates {
    /// The states an image passes through before a terminal one.
    static let inFlight = ["new", "pose_filtered", "cropped"]

    /// Sets an image `dead_lettered` with the reason (its terminal state), when it is in one of `states`.
    static func markDeadLettered(
        imageID: String, _ reason: DeadLetterReason, _ text: String, from states: [String], pool: PostgresPool
    ) async throws {
        try await pool.retrying { connection in
            _ = try await connection.execute(
                "UPDATE images SET state = 'dead_lettered', state_reason = $2 WHERE image_id = $1 AND state = ANY($3)",
                [imageID, "\(reason.rawValue): \(text)", states + ["dead_lettered"]])
        }
    }

    /// Marks the image (see ``markDeadLettered(imageID:_:_:from:pool:)``) and returns the outcome that makes the
    /// worker dead-letter the message.
    static func deadLetter(
        imageID: String, _ reason: DeadLetterReason, _ text: String, from states: [String], pool: PostgresPool
    ) async throws -> StageOutcome {
        try await markDeadLettered(imageID: imageID, reason, text, from: states, pool: pool)
        return .deadLetter(reason, text)
    }

    /// Writes a batch's rows in one transaction (one commit for the batch, retried as a whole); nothing when
    /// there are none.
    static func write<Rows: ImageRows>(_ batch: [Rows], pool: PostgresPool) async throws {
        guard !batch.isEmpty else { return }
        try await pool.retrying { connection in
            try await connection.transaction { connection in
                for rows in batch { try await rows.write(connection) }
            }
        }
    }

    /// The `image_id` of a message that failed to decode, when its bytes are a JSON object with a well-formed one.
    static func imageID(inUndecodable bytes: [UInt8]) -> String? {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any],
              let imageID = object["image_id"] as? String,
              imageID.utf8.count == 64, imageID.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else { return nil }
        return imageID
    }
}

/// What a stage writes for one image (its rows and its new state), written with the rest of its batch by
/// ``ImageStates/write(_:pool:)``.
protocol ImageRows: Sendable {
    func write(_ connection: PostgresConnection) async throws
}
