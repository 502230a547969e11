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

        /// FIPS 180-4 §4.2.2 round constants.
        static let roundConstants: [UInt32] = [
            0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
            0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
            0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
            0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
            0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
            0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
            0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
            0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
        ]


        /// Whether this CPU compresses with the x86 SHA extensions (`sl_sha256_compress`, about 5× faster than the
        /// portable code below; the blob store hashes every photo and crop it writes and reads).
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
            Self.roundConstants.withUnsafeBufferPointer { k in
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
