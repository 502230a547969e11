@testable import ShopLookCore
import Testing

/// The x86 SHA-extension compression against the portable one, on the same states and blocks.
@Suite("SHA-256 compression")
struct SHA256CompressionTests {
    @Test("the SHA-extension compression gives the portable compression's state, block by block and in runs",
          .enabled(if: SHA256.State.hardware, "this CPU has no SHA extensions (or SHOPLOOK_SIMD=scalar): only the portable compression runs"))
    func hardwareMatchesPortable() throws {
        var generator = SplitMix(seed: 17)
        for blockCount in [1, 2, 3, 7, 64] {
            let bytes = (0..<(blockCount * 64)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            // Start from the standard state and from an arbitrary one (a later block of a long input).
            var starts = [SHA256.State.initial]
            var arbitrary = SHA256.State.initial
            (arbitrary.h0, arbitrary.h3, arbitrary.h4, arbitrary.h7) = (0xdead_beef, 0x0123_4567, 0x89ab_cdef, 0xffff_ffff)
            starts.append(arbitrary)
            for start in starts {
                var portable = start, hardware = start
                bytes.withUnsafeBytes { raw in
                    portable.compressPortably(blocks: raw.baseAddress!, count: blockCount)
                    hardware.compressWithSHAExtensions(blocks: raw.baseAddress!, count: blockCount)
                }
                #expect(hardware.digestBytes() == portable.digestBytes(), "\(blockCount) blocks")
                #expect(hardware.digestBytes() != start.digestBytes())
            }
        }
    }

    /// A tiny deterministic generator, so that a failure is reproducible.
    struct SplitMix {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9e37_79b9_7f4a_7c15
            var z = state
            z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
            z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
            return z ^ (z >> 31)
        }
    }
}
