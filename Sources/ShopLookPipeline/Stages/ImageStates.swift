import ShopLookCore
import ShopLookPostgres
import ShopLookStreaming

/// The `images.state` transitions the catalog's stages share (``ImageState``).
enum ImageStates {
    /// Moves images to `state` (with `reason`, `NULL` clears it) when they are in one of `from`; an image in
    /// another state (already further on, or ended) is left alone, so a replay changes nothing.
    static func transition(
        _ imageIDs: [String], to state: ImageState, reason: String? = nil, from states: [ImageState], on connection: PostgresConnection
    ) async throws {
        _ = try await connection.execute(
            "UPDATE images SET state = $2, state_reason = $3 WHERE image_id = ANY($1) AND state = ANY($4)",
            [imageIDs, state.rawValue, reason, states.rawValues])
    }

    /// Sets an image `dead_lettered` with the reason (its terminal state), when it is in one of `states`.
    static func markDeadLettered(
        imageID: String, _ reason: DeadLetterReason, _ text: String, from states: [ImageState], pool: PostgresPool
    ) async throws {
        try await pool.retrying { connection in
            try await transition(
                [imageID], to: .deadLettered, reason: "\(reason.rawValue): \(text)", from: states + [.deadLettered], on: connection)
        }
    }

    /// Marks the image (see ``markDeadLettered(imageID:_:_:from:pool:)``) and returns the outcome that makes the
    /// worker dead-letter the message.
    static func deadLetter(
        imageID: String, _ failure: ImageLoadFailure, from states: [ImageState], pool: PostgresPool
    ) async throws -> StageOutcome {
        try await markDeadLettered(imageID: imageID, failure.reason, failure.description, from: states, pool: pool)
        return .deadLetter(failure.reason, failure.description)
    }

    /// What a dead letter the worker decided itself means for the image the message names (when its JSON has a
    /// well-formed `image_id`): it ends `dead_lettered`, with the stage and the error as the reason.
    static func record(_ letter: DeadLetter, document: JSONValue?, stage: PipelineStage, pool: PostgresPool) async throws {
        guard let imageID = document?["image_id"]?.stringValue, SHA256.isHexDigest(imageID) else { return }
        try await markDeadLettered(
            imageID: imageID, letter.reason, "\(stage.rawValue): \(letter.error)", from: ImageState.inFlight, pool: pool)
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
}
