import CShopLookSIMD

/// 4-bit PQ codes in the fast-scan block layout, and the uint8 lookup tables
/// that are scanned with `vpshufb` (AVX2: 2 sub-quantizers per 256-bit shuffle,
/// AVX-512BW: 4 per 512-bit shuffle) and accumulated in uint16.
///
/// Block layout (32 vectors per block, `paddedM = m` rounded up to even):
/// block b has `paddedM * 16` bytes at `b * paddedM * 16`; sub-quantizer j uses the
/// 16 bytes at `j * 16`; byte i (0..<16) holds code(vector i, j) in its low nibble and
/// code(vector i + 16, j) in its high nibble. Unused lanes of the last block are zero.
public enum FastScanCodes {
    public static let blockSize = 32

    /// m rounded up to an even number.
    @inline(__always) public static func paddedM(_ m: Int) -> Int { (m + 1) & ~1 }

    /// Bytes for n vectors: ceil(n / 32) * paddedM * 16.
    @inline(__always) public static func byteCount(vectors n: Int, paddedM: Int) -> Int {
        (n + blockSize - 1) / blockSize * paddedM * 16
    }

    /// Packs unpacked codes (size n * m, layout (n, m), values < 16) into block layout.
    public static func pack(_ codes: [UInt8], m: Int) -> [UInt8] {
        let n = codes.count / m, pm = paddedM(m)
        var out = [UInt8](repeating: 0, count: byteCount(vectors: n, paddedM: pm))
        sl_fs4_pack(codes, n, m, pm, &out)
        return out
    }

    /// Unpacks n vectors from block layout to size n * m, layout (n, m).
    public static func unpack(_ blocks: [UInt8], count n: Int, m: Int) -> [UInt8] {
        let pm = paddedM(m)
        var out = [UInt8](repeating: 0, count: n * m)
        for i in 0..<n { for j in 0..<m { out[i * m + j] = sl_fs4_get(blocks, pm, i, j) } }
        return out
    }

    /// A quantised lookup table: size paddedM * 16, layout (paddedM, 16);
    /// approximate distance = bias + (Σ_j table[j][code_j]) / scale.
    public struct QuantizedTable: Sendable, Equatable {
        public var table: [UInt8]
        public var bias: Float
        public var scale: Float
    }

    /// Quantises a float table (size m * 16, layout (m, 16)).
    public static func quantize(_ lut: [Float], m: Int, bias: Float = 0) -> QuantizedTable {
        let pm = paddedM(m)
        var q = [UInt8](repeating: 0, count: pm * 16)
        var b: Float = 0, s: Float = 0
        var scratch = [Float](repeating: 0, count: m * 16)
        sl_fs4_quantize_lut(lut, nil, m, pm, bias, &scratch, &q, &b, &s)
        return QuantizedTable(table: q, bias: b, scale: s)
    }

    /// The 32 uint16 accumulators of block `block` computed with a given SIMD
    /// level (`SIMDLevel`); nil if this CPU lacks the level. For tests.
    public static func accumulate(blocks: [UInt8], block: Int, m: Int, table: [UInt8], level: SIMDLevel) -> [UInt16]? {
        let pm = paddedM(m)
        var out = [UInt16](repeating: 0, count: 32)
        let ok = blocks.withUnsafeBufferPointer { bp in
            sl_fs4_block_accumulate(Int32(level.rawValue), bp.baseAddress! + block * pm * 16, pm, table, &out)
        }
        return ok != 0 ? out : nil
    }
}

/// SIMD code paths of the kernels.
public enum SIMDLevel: Int, Sendable, Comparable, CaseIterable {
    case scalar = 0
    case avx2 = 1
    case avx512 = 2
    public static func < (a: SIMDLevel, b: SIMDLevel) -> Bool { a.rawValue < b.rawValue }
    /// The level the dispatched kernels use (SHOPLOOK_SIMD can lower it).
    public static var active: SIMDLevel { SIMDLevel(rawValue: Int(sl_simd_level())) ?? .scalar }
    /// The best level this CPU supports.
    public static var maxSupported: SIMDLevel { SIMDLevel(rawValue: Int(sl_simd_max_supported())) ?? .scalar }
}
