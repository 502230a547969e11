/// Quoting of SQL identifiers (table and column names), the only text ever spliced into SQL by this module.
public enum PostgresIdentifier {
    /// `name` as a quoted identifier: wrapped in double quotes, embedded double quotes doubled
    /// (`my "t"` → `"my ""t"""`). Case is preserved. Empty names and names containing NUL are rejected.
    public static func quoted(_ name: String) throws(PostgresError) -> String {
        guard !name.isEmpty else {
            throw PostgresError(kind: .encoding, message: "empty SQL identifier")
        }
        guard !name.utf8.contains(0) else {
            throw PostgresError(kind: .encoding, message: "SQL identifier contains a NUL character")
        }
        var quoted = "\""
        for character in name.unicodeScalars {
            if character == "\"" { quoted.unicodeScalars.append("\"") }
            quoted.unicodeScalars.append(character)
        }
        quoted.unicodeScalars.append("\"")
        return quoted
    }

    /// `schema.name` (each part quoted) when `schema` is given, else the quoted `name`.
    public static func qualified(_ name: String, schema: String?) throws(PostgresError) -> String {
        guard let schema else { return try quoted(name) }
        return try quoted(schema) + "." + quoted(name)
    }
}
