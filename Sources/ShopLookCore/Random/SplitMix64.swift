import Foundation

/// SplitMix64 (Steele, Lea and Flood): a tiny seeded generator, ShopLook's one source of reproducible random
/// numbers (test images and mutations, projection training), and the seeder of ``SeededRandom``.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public private(set) var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1) with 53 random bits.
    public mutating func nextUnit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Uniform in [0, 1) with 24 random bits.
    public mutating func nextUnitFloat() -> Float { Float(next() >> 40) / Float(1 << 24) }

    /// A standard normal sample in single precision (Box–Muller, one of the pair).
    public mutating func nextGaussianFloat() -> Float {
        let u1 = max(nextUnitFloat(), 1e-7)
        let u2 = nextUnitFloat()
        return (-2 * Float(log(Double(u1)))).squareRoot() * Float(cos(Double(2 * Float.pi * u2)))
    }

    /// Shuffles `array` in place (Fisher–Yates, from the end).
    public mutating func shuffle(_ array: inout [Int]) {
        guard array.count > 1 else { return }
        for index in stride(from: array.count - 1, to: 0, by: -1) {
            array.swapAt(index, Int(next() % UInt64(index + 1)))
        }
    }
}
