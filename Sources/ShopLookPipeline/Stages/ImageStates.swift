import ShopLookCore
import ShopLookPostgres

/// The `images.state` transitions the stages share.
enum ImageStates {
    /// Marks an image `dead_lettered` with the reason (its terminal state) and returns the outcome that makes the
    /// worker dead-letter the message. Only images not yet past the stage that gives up move.
    static func deadLetter(
        imageID: String, _ reason: DeadLetterReason, _ text: String, from states: [String], pool: PostgresPool
    ) async throws -> StageOutcome {
        try await pool.retrying { connection in
            _ = try await connection.execute(
                "UPDATE images SET state = 'dead_lettered', state_reason = $2 WHERE image_id = $1 AND state = ANY($3)",
                [imageID, "\(reason.rawValue): \(text)", states + ["dead_lettered"]])
        }
        return .deadLetter(reason, text)
    }
}
