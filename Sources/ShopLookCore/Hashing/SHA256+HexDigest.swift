extension SHA256 {
    /// Whether `text` is a SHA-256 written as 64 lowercase hex digits (the form of image ids and blob keys).
    public static func isHexDigest(_ text: some StringProtocol) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }
}
