/// Rewrites the CRC of every whole chunk of a PNG, so that a fuzzer's mutations of chunk data reach the decoder
/// instead of ending at libpng's CRC check (a mutated CRC is found by the untouched input as well).
enum PNGChunks {
    static let signatureLength = 8

    /// `bytes` with each complete chunk's CRC recomputed; a trailing partial chunk is left as it is.
    static func repairingCRCs(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        var output = Array(bytes)
        var offset = signatureLength
        while offset + 12 <= output.count {
            let length = Int(output[offset]) << 24 | Int(output[offset + 1]) << 16 | Int(output[offset + 2]) << 8 | Int(output[offset + 3])
            let end = offset + 8 + length  // the CRC's position
            guard length <= Int(Int32.max), end + 4 <= output.count else { break }
            let crc = CRC32.checksum(output[(offset + 4)..<end])
            output[end] = UInt8(crc >> 24)
            output[end + 1] = UInt8(crc >> 16 & 0xFF)
            output[end + 2] = UInt8(crc >> 8 & 0xFF)
            output[end + 3] = UInt8(crc & 0xFF)
            offset = end + 4
        }
        return output
    }
}

/// CRC-32 (ISO 3309, the polynomial of PNG and zlib), table driven.
enum CRC32 {
    private static let table: [UInt32] = (0..<256).map { index in
        var c = UInt32(index)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func checksum(_ bytes: some Sequence<UInt8>) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for byte in bytes { c = table[Int((c ^ UInt32(byte)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }
}
