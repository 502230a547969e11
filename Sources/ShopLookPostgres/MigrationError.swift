/// Why ``Migrator`` refused to run or stopped.
public enum MigrationError: Error, Sendable, CustomStringConvertible {
    /// Two files share a version number.
    case duplicateVersion(Int, fileNames: [String])
    /// An applied migration's file changed: `recorded` is the checksum stored when it was applied, `actual`
    /// the file's checksum now. Nothing was applied.
    case editedAfterApply(version: Int, name: String, recorded: String, actual: String)
    /// A version recorded as applied has no file any more. Nothing was applied.
    case missingFile(version: Int, name: String)
    /// The directory or a file could not be read.
    case unreadable(path: String, reason: String)
    /// Applying a migration failed; its transaction was rolled back (nothing of it remains, it is not
    /// recorded). Earlier migrations of the same run stay applied.
    case failed(version: Int, name: String, underlying: PostgresError)

    public var description: String {
        switch self {
        case .duplicateVersion(let version, let fileNames):
            return "migration version \(version) is used by more than one file: \(fileNames.joined(separator: ", "))"
        case .editedAfterApply(let version, let name, let recorded, let actual):
            return "migration \(version) (\(name)) was edited after it was applied: recorded checksum \(recorded), file now \(actual); add a new migration instead"
        case .missingFile(let version, let name):
            return "migration \(version) (\(name)) is recorded as applied but its file is missing"
        case .unreadable(let path, let reason):
            return "cannot read migrations at \(path): \(reason)"
        case .failed(let version, let name, let underlying):
            return "migration \(version) (\(name)) failed and was rolled back: \(underlying)"
        }
    }
}
