import Foundation

/// Microseconds between 2000-01-01 00:00:00 UTC (PostgreSQL's epoch) and 2001-01-01 00:00:00 UTC
/// (Foundation's reference date): 366 days.
private let postgresEpochToReferenceDateMicros: Int64 = 366 * 86_400 * 1_000_000

/// `timestamptz`: int64 microseconds since 2000-01-01 00:00:00 UTC. Sub-microsecond parts are rounded to the
/// nearest microsecond. PostgreSQL's `infinity` / `-infinity` map to and from `.distantFuture` / `.distantPast`.
extension Date: PostgresEncodable, PostgresDecodable {
    public static var postgresType: PostgresType { .timestamptz }

    /// The value sent for this date: microseconds since PostgreSQL's epoch.
    var postgresMicroseconds: Int64 {
        if self == .distantFuture { return .max }
        if self == .distantPast { return .min }
        let micros = (timeIntervalSinceReferenceDate * 1_000_000).rounded()
        guard micros.isFinite, micros > -9.0e18, micros < 9.0e18 else { return micros < 0 ? .min : .max }
        return Int64(micros) + postgresEpochToReferenceDateMicros
    }

    public func encode(into buffer: inout [UInt8]) {
        buffer.appendBigEndian(postgresMicroseconds)
    }

    public init(postgresBinary bytes: UnsafeRawBufferPointer, type: PostgresType) throws(PostgresError) {
        guard type == .timestamptz || type == .timestamp else {
            throw .typeMismatch(Date.self, expected: [.timestamptz, .timestamp], actual: type)
        }
        let micros = try decodeInteger(Int64.self, from: bytes, as: Date.self, type: type)
        switch micros {
        case .max: self = .distantFuture
        case .min: self = .distantPast
        default: self.init(timeIntervalSinceReferenceDate: Double(micros - postgresEpochToReferenceDateMicros) / 1_000_000)
        }
    }
}

/// `uuid`: the 16 bytes in RFC 4122 order.
extension UUID: PostgresEncodable, PostgresDecodable {
    public static var postgresType: PostgresType { .uuid }

    public func encode(into buffer: inout [UInt8]) {
        withUnsafeBytes(of: uuid) { buffer.append(contentsOf: $0) }
    }

    public init(postgresBinary bytes: UnsafeRawBufferPointer, type: PostgresType) throws(PostgresError) {
        guard type == .uuid else { throw .typeMismatch(UUID.self, expected: [.uuid], actual: type) }
        guard bytes.count == 16 else { throw .badLength(UUID.self, type: type, expected: "16", actual: bytes.count) }
        var raw: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &raw) { $0.copyMemory(from: bytes) }
        self.init(uuid: raw)
    }
}

/// `bytea`: the raw bytes.
extension Data: PostgresEncodable, PostgresDecodable {
    public static var postgresType: PostgresType { .bytea }

    public func encode(into buffer: inout [UInt8]) { buffer.append(contentsOf: self) }

    public init(postgresBinary bytes: UnsafeRawBufferPointer, type: PostgresType) throws(PostgresError) {
        guard type == .bytea else { throw .typeMismatch(Data.self, expected: [.bytea], actual: type) }
        self.init(bytes)
    }
}
