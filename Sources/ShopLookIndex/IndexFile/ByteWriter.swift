/// Appends little-endian values to a byte array (the header, the table and the
/// metadata sections are built in memory before they are written).
struct ByteWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    mutating func append(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }

    mutating func append(_ value: UInt64) { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }

    mutating func append(_ raw: [UInt8]) { bytes += raw }

    /// Floats in memory order (little-endian on every platform ShopLook builds for).
    mutating func append(floats: [Float]) { floats.withUnsafeBytes { bytes += $0 } }

    /// Appends zeros up to count bytes in all.
    mutating func pad(to count: Int) {
        bytes += [UInt8](repeating: 0, count: count - bytes.count)
    }
}
