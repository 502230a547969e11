/// One schema migration: a file `NNNN_name.sql` in the migrations directory.
public struct Migration: Sendable, Hashable {
    /// The number before the first underscore (`1` for `0001_initial.sql`).
    public let version: Int
    /// The part between the underscore and `.sql` (`initial`).
    public let name: String
    /// The file name (`0001_initial.sql`).
    public let fileName: String
    /// The file's text (UTF-8).
    public let sql: String
    /// SHA-256 of the file's bytes, 64 lowercase hex characters; recorded when applied.
    public let checksum: String

    public init(version: Int, name: String, fileName: String, sql: String, checksum: String) {
        self.version = version
        self.name = name
        self.fileName = fileName
        self.sql = sql
        self.checksum = checksum
    }

    /// Parses `NNNN_name.sql` into (version, name); `nil` for any other file name.
    static func parseFileName(_ fileName: String) -> (version: Int, name: String)? {
        guard fileName.hasSuffix(".sql"), let underscore = fileName.firstIndex(of: "_") else { return nil }
        let digits = fileName[..<underscore]
        let name = fileName[fileName.index(after: underscore)..<fileName.index(fileName.endIndex, offsetBy: -4)]
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), !name.isEmpty,
              let version = Int(digits) else { return nil }
        return (version, String(name))
    }
}

/// What ``Migrator/migrate(on:)`` did.
public struct MigrationReport: Sendable, Hashable {
    /// Versions applied by this run, in order.
    public var applied: [Int]
    /// Versions that were already applied (checksum verified) and skipped.
    public var skipped: [Int]

    public init(applied: [Int] = [], skipped: [Int] = []) {
        self.applied = applied
        self.skipped = skipped
    }
}
