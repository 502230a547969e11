/// An embedding vector stored as `bytea`: the floats' IEEE 754 bit patterns, **little-endian**, 4 bytes each
/// (so a 1280-d vector is 5,120 bytes; the schema checks `octet_length(vector) = 4 * dim`).
///
/// Encoding and decoding preserve every bit pattern (−0.0, NaN payloads, infinities). Decoding fails unless
/// the length is a multiple of 4.
public struct Float32Vector: Sendable, Hashable, PostgresEncodable, PostgresDecodable {
    public var values: [Float]

    public init(_ values: [Float]) { self.values = values }
    public init(values: [Float]) { self.values = values }

    public var count: Int { values.count }

    public static var postgresType: PostgresType { .bytea }

    public func encode(into buffer: inout [UInt8]) {
        #if _endian(little)
        values.withUnsafeBytes { buffer.append(contentsOf: $0) }
        #else
        buffer.reserveCapacity(buffer.count + values.count * 4)
        for value in values {
            Swift.withUnsafeBytes(of: value.bitPattern.littleEndian) { buffer.append(contentsOf: $0) }
        }
        #endif
    }

    public init(postgresBinary bytes: UnsafeRawBufferPointer, type: PostgresType) throws(PostgresError) {
        guard type == .bytea else { throw .typeMismatch(Float32Vector.self, expected: [.bytea], actual: type) }
        guard bytes.count % 4 == 0 else {
            throw .badLength(Float32Vector.self, type: type, expected: "a multiple of 4", actual: bytes.count)
        }
        let count = bytes.count / 4
        values = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            #if _endian(little)
            if count > 0 { UnsafeMutableRawBufferPointer(buffer).copyMemory(from: bytes) }
            #else
            for index in 0..<count {
                buffer[index] = Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self)))
            }
            #endif
            initialized = count
        }
    }
}
