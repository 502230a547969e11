import CShopLookSIMD

extension SHA256 {
    /// The eight 32-bit working hash values and the block compression function.
    struct State: Sendable {
        var h0, h1, h2, h3, h4, h5, h6, h7: UInt32

        /// FIPS 180-4 §5.3.3 initial hash value.
        static let initial = State(
            h0: 0x6a09_e667, h1: 0xbb67_ae85, h2: 0x3c6e_f372, h3: 0xa54f_f53a,
            h4: 0x510e_527f, h5: 0x9b05_688c, h6: 0x1f83_d9ab, h7: 0x5be0_cd19
        )

        /// FIPS 180-4 §4.2.2 round constants (one table, in `CShopLookSIMD`, for both compressions).
        nonisolated(unsafe) static let roundConstants = UnsafeBufferPointer(start: sl_sha256_round_constants(), count: 64)

        /// Whether this CPU compresses with the x86 SHA extensions (`sl_sha256_compress`; the blob store hashes every
        /// photo and crop it writes and reads, 7.5% of the detect stage's CPU with the portable code below).
        static let hardware = sl_sha256_available() != 0

        /// Compresses `count` consecutive 64-byte blocks starting at `blocks` into the state.
        mutating func compress(blocks: UnsafeRawPointer, count: Int) {
            guard count > 0 else { return }
            if Self.hardware {
                compressWithSHAExtensions(blocks: blocks, count: count)
            } else {
                compressPortably(blocks: blocks, count: count)
            }
        }

        /// `compress` with the x86 SHA extensions; only where ``hardware`` is true.
        mutating func compressWithSHAExtensions(blocks: UnsafeRawPointer, count: Int) {
            var words = (h0, h1, h2, h3, h4, h5, h6, h7)
            withUnsafeMutableBytes(of: &words) { raw in
                sl_sha256_compress(raw.baseAddress!.assumingMemoryBound(to: UInt32.self), blocks.assumingMemoryBound(to: UInt8.self), count)
            }
            (h0, h1, h2, h3, h4, h5, h6, h7) = words
        }

        /// `compress` in portable Swift (FIPS 180-4 §6.2.2).
        mutating func compressPortably(blocks: UnsafeRawPointer, count: Int) {
            guard count > 0 else { return }
            var (s0, s1, s2, s3, s4, s5, s6, s7) = (h0, h1, h2, h3, h4, h5, h6, h7)
            do {
                let k = Self.roundConstants
                withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
                    var block = blocks
                    for _ in 0..<count {
                        for t in 0..<16 {
                            w[t] = UInt32(bigEndian: block.loadUnaligned(fromByteOffset: t &* 4, as: UInt32.self))
                        }
                        for t in 16..<64 {
                            let x = w[t &- 15], y = w[t &- 2]
                            let sigma0 = rotr(x, 7) ^ rotr(x, 18) ^ (x &>> 3)
                            let sigma1 = rotr(y, 17) ^ rotr(y, 19) ^ (y &>> 10)
                            w[t] = w[t &- 16] &+ sigma0 &+ w[t &- 7] &+ sigma1
                        }
                        var a = s0, b = s1, c = s2, d = s3, e = s4, f = s5, g = s6, h = s7
                        for t in 0..<64 {
                            let bigSigma1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)
                            let choose = (e & f) ^ (~e & g)
                            let t1 = h &+ bigSigma1 &+ choose &+ k[t] &+ w[t]
                            let bigSigma0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)
                            let majority = (a & b) ^ (a & c) ^ (b & c)
                            h = g
                            g = f
                            f = e
                            e = d &+ t1
                            d = c
                            c = b
                            b = a
                            a = t1 &+ bigSigma0 &+ majority
                        }
                        s0 &+= a; s1 &+= b; s2 &+= c; s3 &+= d
                        s4 &+= e; s5 &+= f; s6 &+= g; s7 &+= h
                        block += SHA256.blockByteCount
                    }
                }
            }
            (h0, h1, h2, h3, h4, h5, h6, h7) = (s0, s1, s2, s3, s4, s5, s6, s7)
        }

        /// The state serialized big-endian: the 32-byte digest.
        func digestBytes() -> [UInt8] {
            var out: [UInt8] = []
            out.reserveCapacity(SHA256.digestByteCount)
            for word in [h0, h1, h2, h3, h4, h5, h6, h7] {
                out.append(UInt8(truncatingIfNeeded: word >> 24))
                out.append(UInt8(truncatingIfNeeded: word >> 16))
                out.append(UInt8(truncatingIfNeeded: word >> 8))
                out.append(UInt8(truncatingIfNeeded: word))
            }
            return out
        }
    }
}

@inline(__always)
private func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 {
    (x &>> n) | (x &<< (32 &- n))
}
