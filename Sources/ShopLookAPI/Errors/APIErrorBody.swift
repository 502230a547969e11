/// The JSON of every error answer: `{"error": {"code": "…", "message": "…", "details": {…}}}`.
public struct APIErrorBody: Codable, Sendable, Equatable {
    /// The error itself.
    public struct Detail: Codable, Sendable, Equatable {
        public var code: String
        public var message: String
        public var details: [String: String]?

        public init(code: String, message: String, details: [String: String]? = nil) {
            self.code = code
            self.message = message
            self.details = details
        }
    }

    public var error: Detail

    public init(error: Detail) {
        self.error = error
    }
}
