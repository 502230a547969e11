/// The result of one statement: its rows (copied out of libpq's `PGresult`, which is freed at once), the
/// column names and types, and the affected-row count.
///
/// A random-access collection of ``PostgresRow``; rows share one immutable storage buffer, so they are cheap
/// to keep and `Sendable`. Values are in binary format.
public struct PostgresRows: RandomAccessCollection, Sendable {
    /// Column names, in result order (duplicates possible).
    public var columnNames: [String] { storage.columnNames }
    /// Column type OIDs, in result order.
    public var columnTypes: [PostgresType] { storage.columnTypes }
    /// Rows inserted, updated, deleted, selected or copied by the statement (`PQcmdTuples`); 0 for other statements.
    public let affectedRows: Int
    /// The command tag, for example `INSERT 0 3`, `SELECT 2`, `BEGIN`.
    public let commandTag: String

    let storage: RowStorage

    init(storage: RowStorage, affectedRows: Int, commandTag: String) {
        self.storage = storage
        self.affectedRows = affectedRows
        self.commandTag = commandTag
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { storage.rowCount }

    public subscript(position: Int) -> PostgresRow {
        precondition(position >= 0 && position < storage.rowCount, "row index out of range")
        return PostgresRow(storage: storage, row: position)
    }
}

/// Immutable cell storage: one byte buffer holding every non-NULL value, and per cell an (offset, length)
/// pair, length `-1` meaning NULL. Layout of `cells`: row-major, `2 * (row * columnCount + column)`.
final class RowStorage: Sendable {
    let columnNames: [String]
    let columnTypes: [PostgresType]
    let columnIndex: [String: Int]
    let rowCount: Int
    let bytes: [UInt8]
    let cells: [Int]

    init(columnNames: [String], columnTypes: [PostgresType], rowCount: Int, bytes: [UInt8], cells: [Int]) {
        self.columnNames = columnNames
        self.columnTypes = columnTypes
        self.rowCount = rowCount
        self.bytes = bytes
        self.cells = cells
        var index: [String: Int] = [:]
        for (position, name) in columnNames.enumerated() where index[name] == nil { index[name] = position }
        self.columnIndex = index
    }

    static let empty = RowStorage(columnNames: [], columnTypes: [], rowCount: 0, bytes: [], cells: [])
}
