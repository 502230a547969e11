import ShopLookIndex

/// When a shard's category trains its IVF-PQ index, how the index is shaped, and how it is searched.
///
/// The shape is the index's best measured configuration (`ShopLookIndex.docc`): 4-bit fast-scan codes of
/// `dimension / 4` sub-quantizers, float16 copies for exact re-ranking, cosine similarity.
public struct IndexPolicy: Sendable, Equatable {
    /// Vectors a category holds before it trains (exact search until then: at 20,000 vectors of 256
    /// dimensions an exact query is about 5 M multiply-adds).
    public var trainingThreshold = 20_000
    /// Lists probed per query.
    public var nprobe = 16
    /// Candidates re-ranked exactly per hit wanted.
    public var rerankFactor = 4
    public var seed: UInt64 = 1234
    /// The most inverted lists an index gets (a shard of 125,000 vectors per category gets 1,024).
    public var maximumLists = 1024
    /// The most vectors k-means trains the lists on (a sample; training time grows with lists × points).
    public var maximumTrainingPoints = 65_536

    public init() {}

    /// The configuration for `count` vectors of `dimension`: about 4 √count lists (a power of two, 16 to
    /// `maximumLists`, at most count / 39 so that k-means sees 39 points per centroid), trained on at most
    /// `maximumTrainingPoints` of them.
    public func configuration(dimension: Int, count: Int) -> IVFPQIndex.Configuration {
        let wanted = 4 * Double(max(count, 1)).squareRoot()
        var nlist = 16
        while nlist * 2 <= Int(wanted), nlist * 2 <= maximumLists { nlist *= 2 }
        while nlist > 1, nlist * 39 > count { nlist /= 2 }
        // The most sub-quantizers up to dimension / 4 (fast-scan allows 256) that divide the dimension.
        var m = min(256, max(1, dimension / 4))
        while dimension % m != 0 { m -= 1 }
        let lists = max(1, nlist)
        return IVFPQIndex.Configuration(
            dimension: dimension, metric: .cosine, nlist: lists, m: m, nbits: 4, rerankStorage: .float16, seed: seed,
            maxTrainingPointsPerCentroid: max(39, maximumTrainingPoints / lists))
    }

    public var searchParameters: IVFPQIndex.SearchParameters {
        IVFPQIndex.SearchParameters(nprobe: nprobe, rerankFactor: rerankFactor)
    }
}
