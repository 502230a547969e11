/// Where an image is on its way through the catalog pipeline (`images.state`).
///
/// `new` → `pose_filtered` → `cropped` → `embedded`, or a terminal `rejected` (not a photo the catalog keeps,
/// with the reason) or `dead_lettered` (poison input, with the reason) from any state before `embedded`.
public enum ImageState: String, Sendable, Codable, CaseIterable {
    /// Uploaded, awaiting the pose stage.
    case new
    /// Kept by the pose stage, awaiting the detect stage.
    case poseFiltered = "pose_filtered"
    /// Its articles are cropped, awaiting the embed stage.
    case cropped
    /// Its articles' vectors are stored (terminal).
    case embedded
    /// Not searchable, with the reason: not a full-body frontal shot, no article found (terminal).
    case rejected
    /// Poison input, with the reason: undecodable, over a limit, missing blob (terminal).
    case deadLettered = "dead_lettered"

    /// The states an image passes through before a terminal one.
    public static let inFlight: [ImageState] = [.new, .poseFiltered, .cropped]
    /// The states an image ends in.
    public static let terminal: [ImageState] = [.embedded, .rejected, .deadLettered]

    /// Whether the image has reached the end of the pipeline.
    public var isTerminal: Bool { Self.terminal.contains(self) }
}

extension Array where Element == ImageState {
    /// The raw names, for SQL parameters (`state = ANY($n)`).
    public var rawValues: [String] { map(\.rawValue) }
}
