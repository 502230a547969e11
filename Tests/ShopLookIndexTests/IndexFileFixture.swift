#if canImport(Glibc)
import Glibc
#endif
import ShopLookCore
@testable import ShopLookIndex

/// A small index of one kind the index file supports, built deterministically
/// (seeded data, seeded training), and the file the format-1 writer made of it.
///
/// The files under `Fixtures/` were written by the `IndexFile` code of commit
/// 964ef99 (before the file was parsed into named types); `sha256` is the digest
/// of that file. Regenerate them only on purpose (the format must not change):
/// `SHOPLOOK_WRITE_INDEX_FIXTURES=<dir> swift test --filter writeFixtures`.
struct IndexFileFixture: Sendable, CustomStringConvertible {
    /// File name under `Fixtures/`.
    let name: String
    let configuration: IVFPQIndex.Configuration
    /// Vectors added (ids 0, 7, 14, …).
    let count: Int
    /// Removes every vector of list 0 after adding (an empty list in the directory).
    let emptiesFirstList: Bool
    /// Lowercase hex SHA-256 of the file written by the old code.
    let sha256: String

    var description: String { name }

    static let all: [IndexFileFixture] = [
        .init(name: "ivfpq8-l2.slivf",
              configuration: .init(dimension: 8, metric: .l2, nlist: 4, m: 2, nbits: 8, seed: 11, kmeansIterations: 4),
              count: 300, emptiesFirstList: false,
              sha256: "f1b470d40301a752635b1e02a100783816ad98a3fae97c52db4364fec16ea55a"),
        .init(name: "fastscan4-ip-f32.slivf",
              configuration: .init(dimension: 8, metric: .innerProduct, nlist: 4, m: 4, nbits: 4,
                                   rerankStorage: .float32, seed: 12, kmeansIterations: 4),
              count: 200, emptiesFirstList: true,
              sha256: "a85ea3dafb0aa52e7ea4eab5b90cb96d405f807f18fe9053421eb902494fd66b"),
        .init(name: "fastscan4-cosine-f16.slivf",
              configuration: .init(dimension: 8, metric: .cosine, nlist: 4, m: 4, nbits: 4,
                                   rerankStorage: .float16, seed: 13, kmeansIterations: 4),
              count: 200, emptiesFirstList: false,
              sha256: "d98cbf185e01080db4aa9dada83e23df107ecee1801442632dd26bba83f8751c"),
        .init(name: "pcar-fastscan4-l2-f16.slivf",
              configuration: .init(dimension: 16, metric: .l2, nlist: 4, m: 4, nbits: 4,
                                   transform: .pca(outputDimension: 8, randomRotation: true),
                                   rerankStorage: .float16, seed: 14, kmeansIterations: 4),
              count: 200, emptiesFirstList: false,
              sha256: "890a2178ee3c14db89b7182fc811e4bfa517091a5a06977248946bbe6acb13b3"),
        .init(name: "pca-ivfpq8-ip.slivf",
              configuration: .init(dimension: 16, metric: .innerProduct, nlist: 4, m: 2, nbits: 8,
                                   transform: .pca(outputDimension: 8, randomRotation: false), seed: 15,
                                   kmeansIterations: 4, maxTrainingPointsPerCentroid: 64),
              count: 300, emptiesFirstList: false,
              sha256: "0fa432e82c55d1de4cb7e9887ba4b7845c52f37530f886419fc53447abf23ab6"),
    ]

    /// The vectors added (row-major, `count` x dimension); unit length for inner-product metrics.
    var vectors: [Float] {
        let d = configuration.dimension
        let x = TestData.mixture(n: count, d: d, clusters: 6, seed: configuration.seed &+ 100)
        return configuration.metric == .l2 ? x : TestData.normalized(x, d: d)
    }

    /// Queries: the first 12 vectors, slightly moved.
    var queries: [Float] { Array(vectors[0..<(12 * configuration.dimension)]).map { $0 + 0.01 } }

    var searchParameters: IVFPQIndex.SearchParameters {
        .init(nprobe: configuration.nlist, rerankFactor: configuration.rerankStorage == .none ? 0 : 2)
    }

    /// Trains, adds and removes exactly as the fixture file was made.
    func build() throws -> IVFPQIndex {
        let index = try IVFPQIndex(configuration)
        let x = vectors
        try index.train(x)
        try index.add(x, ids: (0..<Int64(count)).map { $0 * 7 })
        index.remove(ids: [7, 7 * 50, 7 * Int64(count - 1)])
        if emptiesFirstList { index.remove(ids: index.lists.ids(ofList: 0)) }
        return index
    }

    /// The path of the committed fixture file.
    var path: String { Self.directory + "/" + name }

    /// `Fixtures/` next to this source file.
    static let directory: String = {
        let file = #filePath
        return String(file[..<file.lastIndex(of: "/")!]) + "/Fixtures"
    }()

    static func sha256(ofFile path: String) -> String {
        SHA256.hexDigest(TestData.readBytes(path))
    }
}
