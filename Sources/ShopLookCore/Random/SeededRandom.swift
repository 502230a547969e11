/// Deterministic random numbers: ``SplitMix64`` seeding a xoshiro256** generator (the index's training and
/// benchmarks; its sequence is part of what makes a trained index reproducible).
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    public init(seed: UInt64) {
        var seeder = SplitMix64(seed: seed)
        s0 = seeder.next(); s1 = seeder.next(); s2 = seeder.next(); s3 = seeder.next()
    }

    @inline(__always) private static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    public mutating func next() -> UInt64 {
        let result = Self.rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = Self.rotl(s3, 45)
        return result
    }

    /// Uniform in [0, 1).
    public mutating func nextUnit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Uniform integer in 0..<n (n > 0), via Lemire's multiply-shift.
    public mutating func nextIndex(_ n: Int) -> Int {
        Int(truncatingIfNeeded: next().multipliedFullWidth(by: UInt64(n)).high)
    }

    /// Standard normal sample (Box–Muller, one of the pair).
    public mutating func nextGaussian() -> Double {
        let u1 = max(nextUnit(), 0x1.0p-60)
        let u2 = nextUnit()
        return (-2 * _log(u1)).squareRoot() * _cos(2 * Double.pi * u2)
    }

    /// k distinct indices from 0..<n (partial Fisher–Yates), in draw order.
    public mutating func sample(_ k: Int, from n: Int) -> [Int] {
        precondition(k <= n)
        if k * 4 < n {
            var chosen = Set<Int>()
            var out: [Int] = []
            out.reserveCapacity(k)
            while out.count < k {
                let i = nextIndex(n)
                if chosen.insert(i).inserted { out.append(i) }
            }
            return out
        }
        var perm = Array(0..<n)
        for i in 0..<k {
            let j = i + nextIndex(n - i)
            perm.swapAt(i, j)
        }
        return Array(perm[0..<k])
    }
}

#if canImport(Glibc)
import Glibc
@inline(__always) func _log(_ x: Double) -> Double { Glibc.log(x) }
@inline(__always) func _cos(_ x: Double) -> Double { Glibc.cos(x) }
#elseif canImport(Darwin)
import Darwin
@inline(__always) func _log(_ x: Double) -> Double { Darwin.log(x) }
@inline(__always) func _cos(_ x: Double) -> Double { Darwin.cos(x) }
#endif
