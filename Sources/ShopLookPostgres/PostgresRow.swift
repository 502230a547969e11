/// One row of ``PostgresRows``.
///
/// Decode a column by index or name: `try row.decode(Int.self, at: 0)`, `try row.decode(String.self, named: "title")`.
/// An optional target (`try row.decode(String?.self, at: 1)`) returns `nil` for SQL `NULL`; a non-optional target
/// throws a `.decoding` ``PostgresError`` for `NULL`, as for a type mismatch. Decoding errors name the column,
/// the expected Swift type and the column's PostgreSQL type.
public struct PostgresRow: Sendable {
    let storage: RowStorage
    let row: Int

    /// Column names, in result order.
    public var columnNames: [String] { storage.columnNames }
    public var columnCount: Int { storage.columnNames.count }

    /// Whether the cell is SQL `NULL`.
    public func isNull(at column: Int) -> Bool {
        precondition(column >= 0 && column < columnCount, "column index out of range")
        return storage.cells[2 * (row * columnCount + column) + 1] < 0
    }

    /// Decodes a non-NULL value; throws for NULL.
    public func decode<T: PostgresDecodable>(_ type: T.Type = T.self, at column: Int) throws(PostgresError) -> T {
        guard let value = try decodeIfPresent(type, column: column) else {
            throw error(column, "is NULL; decode \(T.self)? to accept NULL")
        }
        return value
    }

    /// Decodes a value, `nil` for NULL.
    public func decode<T: PostgresDecodable>(_ type: T?.Type, at column: Int) throws(PostgresError) -> T? {
        try decodeIfPresent(T.self, column: column)
    }

    /// Decodes a non-NULL value of the first column called `name`; throws for NULL.
    public func decode<T: PostgresDecodable>(_ type: T.Type = T.self, named name: String) throws(PostgresError) -> T {
        try decode(type, at: try index(of: name))
    }

    /// Decodes a value of the first column called `name`, `nil` for NULL.
    public func decode<T: PostgresDecodable>(_ type: T?.Type, named name: String) throws(PostgresError) -> T? {
        try decode(type, at: try index(of: name))
    }

    private func index(of name: String) throws(PostgresError) -> Int {
        guard let index = storage.columnIndex[name] else {
            throw PostgresError(
                kind: .decoding,
                message: "no column named \"\(name)\" (columns: \(columnNames.joined(separator: ", ")))",
                column: name
            )
        }
        return index
    }

    private func decodeIfPresent<T: PostgresDecodable>(_: T.Type, column: Int) throws(PostgresError) -> T? {
        guard column >= 0, column < columnCount else {
            throw PostgresError(kind: .decoding, message: "column index \(column) out of range (\(columnCount) columns)")
        }
        let cell = 2 * (row * columnCount + column)
        let offset = storage.cells[cell]
        let length = storage.cells[cell + 1]
        if length < 0 { return nil }
        let type = storage.columnTypes[column]
        let result: Result<T, PostgresError> = storage.bytes.withUnsafeBytes { raw in
            do throws(PostgresError) {
                return .success(try T(postgresBinary: UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + length)]), type: type))
            } catch {
                return .failure(error)
            }
        }
        switch result {
        case .success(let value):
            return value
        case .failure(var failure):
            failure.message = describe(column) + ": " + failure.message
            failure.column = storage.columnNames[column]
            throw failure
        }
    }

    private func describe(_ column: Int) -> String {
        "column \"\(storage.columnNames[column])\" (#\(column), \(storage.columnTypes[column]))"
    }

    private func error(_ column: Int, _ text: String) -> PostgresError {
        PostgresError(kind: .decoding, message: describe(column) + " " + text, column: storage.columnNames[column])
    }
}
