import ShopLookCore

/// The benchmark's catalog, regenerated identically wherever it is needed (the loader, the queries, the
/// in-process baseline): vector `i` is one of `clusters` Gaussian centres plus noise, in super-category `i % 3`.
struct SyntheticCatalog: Sendable {
    var dimension = 256
    var clusters = 1024
    var seed: UInt64 = 7
    static let modelVersion = "synthetic-v1"
    static let superCategories: [SuperCategory] = [.upper, .lower, .foot]

    func superCategory(_ index: Int) -> SuperCategory { Self.superCategories[index % 3] }
    func articleID(_ index: Int) -> String { SHA256.hexDigest(Array("bench article \(index)".utf8)) }
    func imageID(_ index: Int) -> String { SHA256.hexDigest(Array("bench image \(index)".utf8)) }
    func productID(_ index: Int) -> String { "B\(index / 2)" }

    func vector(_ index: Int) -> [Float] {
        var pick = SplitMix64(seed: seed &+ UInt64(index) &* 0x9E37_79B9)
        var centre = SeededRandom(seed: seed &* 31 &+ pick.next() % UInt64(clusters))
        var noise = SeededRandom(seed: seed &+ 1_000_003 &* UInt64(index + 1))
        return (0..<dimension).map { _ in Float(centre.nextGaussian()) + 0.35 * Float(noise.nextGaussian()) }
    }
}
