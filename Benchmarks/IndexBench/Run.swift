import ShopLookBLAS
import ArgumentParser
import ShopLookIndex
#if canImport(Glibc)
import Glibc
#endif

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train, add and search (single-threaded) on .fvecs/.ivecs data; one JSON line per row.")

    @Option(help: "Directory with base.fvecs, queries.fvecs, groundtruth.ivecs.") var data: String
    @Option(help: "ivfpq or ivfflat.") var index: String = "ivfpq"
    @Option var nlist: Int = 1024
    @Option(help: "PQ sub-quantizers (with --fastscan: of the 8-bit baseline; see --fastscan).") var m: Int = 32
    @Option var nbits: Int = 8
    @Option(help: "Comma-separated nprobe values.") var nprobe: String = "1,4,16,64"
    @Option(help: "Comma-separated re-rank factors (0 = none): re-rank k * factor candidates.") var rerank: String = "0"
    @Flag(help: "4-bit fast-scan PQ with the same code size: m * nbits / 4 sub-quantizers.") var fastscan = false
    @Option(help: "Re-ranking storage: f16 or f32.") var rerankStorage: String = "f16"
    @Option(help: "PCA output dimension (0 = no transform).") var pca: Int = 0
    @Option(help: "Timed repetitions of each search; the median is reported.") var runs: Int = 3
    @Option(help: "Neighbours searched.") var k: Int = 10
    @Option(help: "l2 or ip (default: from meta.txt, else l2).") var metric: String?
    @Option(help: "BLAS threads for training and adding.") var trainThreads: Int = 2
    @Option var seed: UInt64 = 1234
    @Option(help: "k-means iterations.") var iterations: Int = 20
    @Option(help: "Index file: loaded if it exists (train/add skipped, times reported as 0), else written after adding.")
    var indexFile: String?

    func run() throws {
        let base = try VecFiles.readFvecs(data + "/base.fvecs")
        let qs = try VecFiles.readFvecs(data + "/queries.fvecs")
        let gt = try VecFiles.readIvecs(data + "/groundtruth.ivecs")
        guard base.d == qs.d, gt.n == qs.n, gt.d >= 10 else { throw ValidationError("inconsistent data files") }
        let metricName = metric ?? readMeta()["metric"] ?? "l2"
        let met: Metric = metricName == "ip" ? .innerProduct : .l2
        let probes = nprobe.split(separator: ",").compactMap { Int($0) }
        let reranks = rerank.split(separator: ",").compactMap { Int($0) }
        let d = base.d
        let ids = (0..<Int64(base.n)).map { $0 }
        log("data: \(base.n) x \(d), \(qs.n) queries, metric \(metricName), simd \(SIMDLevel.active), OPENBLAS_CORETYPE=\(String(cString: getenv("OPENBLAS_CORETYPE") ?? strdup("")))")

        BLAS.threadCount = trainThreads
        if index == "ivfflat" {
            let idx = try IVFFlatIndex(dimension: d, metric: met, nlist: nlist, seed: seed)
            let t0 = ContinuousClock.now
            try idx.train(base.data, iterations: iterations)
            let trainS = seconds(ContinuousClock.now - t0)
            let t1 = ContinuousClock.now
            try idx.add(base.data, ids: ids)
            let addS = seconds(ContinuousClock.now - t1)
            BLAS.threadCount = 1
            for np in probes {
                var times: [Double] = []
                var res: SearchResults?
                for _ in 0..<runs {
                    let t = ContinuousClock.now
                    res = try idx.search(qs.data, k: k, nprobe: np)
                    times.append(seconds(ContinuousClock.now - t))
                }
                emit(name: "ShopLook-IVFFlat", m: 0, nbits: 32, nprobe: np, rerank: 0, res: res!, gt: gt,
                     times: times, nq: qs.n, trainS: trainS, addS: addS, bytes: idx.bytesPerVector)
            }
            return
        }
        let useNbits = fastscan ? 4 : nbits
        let useM = fastscan ? m * nbits / 4 : m
        let wantsRerank = reranks.contains { $0 > 0 }
        let storage: VectorStorage = !wantsRerank ? .none : (rerankStorage == "f32" ? .float32 : .float16)
        let cfg = IVFPQIndex.Configuration(
            dimension: d, metric: met, nlist: nlist, m: useM, nbits: useNbits,
            transform: pca > 0 ? .pca(outputDimension: pca, randomRotation: true) : .none,
            rerankStorage: storage, seed: seed, kmeansIterations: iterations)
        var idx = try IVFPQIndex(cfg)
        var trainS = 0.0, addS = 0.0
        if let f = indexFile, access(f, R_OK) == 0 {
            let t = ContinuousClock.now
            idx = try IVFPQIndex.load(from: f)
            log("loaded \(f) in \(seconds(ContinuousClock.now - t)) s")
            guard idx.configuration == cfg else { throw ValidationError("\(f) was built with another configuration") }
        } else {
            let t0 = ContinuousClock.now
            try idx.train(base.data)
            trainS = seconds(ContinuousClock.now - t0)
            let t1 = ContinuousClock.now
            try idx.add(base.data, ids: ids)
            addS = seconds(ContinuousClock.now - t1)
            if let f = indexFile {
                let t = ContinuousClock.now
                try idx.save(to: f)
                log("saved \(f) in \(seconds(ContinuousClock.now - t)) s")
            }
        }
        BLAS.threadCount = 1
        var name = useNbits == 4 ? "ShopLook-IVFPQFastScan" : "ShopLook-IVFPQ"
        if pca > 0 { name += "-PCAR\(pca)" }
        for rr in reranks {
            for np in probes {
                var times: [Double] = []
                var res: SearchResults?
                for _ in 0..<runs {
                    let t = ContinuousClock.now
                    res = try idx.search(qs.data, k: k, parameters: .init(nprobe: np, rerankFactor: rr))
                    times.append(seconds(ContinuousClock.now - t))
                }
                let bytes = cfg.codeBytes + 8 + (rr > 0 ? d * storage.componentBytes : 0)
                emit(name: rr > 0 ? name + "+rerank-" + rerankStorage : name, m: useM, nbits: useNbits, nprobe: np,
                     rerank: rr, res: res!, gt: gt, times: times, nq: qs.n, trainS: trainS, addS: addS, bytes: bytes)
            }
        }
    }

    func readMeta() -> [String: String] {
        guard let raw = try? VecFiles.readAll(data + "/meta.txt") else { return [:] }
        var out: [String: String] = [:]
        for line in String(decoding: raw, as: UTF8.self).split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { out[String(parts[0])] = String(parts[1]) }
        }
        return out
    }

    func emit(name: String, m: Int, nbits: Int, nprobe: Int, rerank: Int, res: SearchResults,
              gt: (data: [Int32], n: Int, d: Int), times: [Double], nq: Int, trainS: Double, addS: Double, bytes: Int) {
        func f(_ x: Double, _ digits: Int) -> String { f2(x, digits) }
        var hits = 0
        for q in 0..<nq {
            let truth = Set(gt.data[(q * gt.d)..<(q * gt.d + 10)].map { Int64($0) })
            for r in 0..<min(10, res.k) where truth.contains(res.ids[q * res.k + r]) { hits += 1 }
        }
        let recall = Double(hits) / Double(nq * 10)
        let med = times.sorted()[times.count / 2]
        log("\(name) nprobe=\(nprobe) rerank=\(rerank) search seconds: " + times.map { f($0, 4) }.joined(separator: " "))
        let qps = Double(nq) / med
        func f2(_ x: Double, _ digits: Int) -> String {
            var s = String(Int((x * pow(10, Double(digits))).rounded()))
            while s.count <= digits { s = "0" + s }
            let cut = s.index(s.endIndex, offsetBy: -digits)
            return digits == 0 ? s : s[..<cut] + "." + s[cut...]
        }
        print("{\"index\": \"\(name)\", \"nlist\": \(nlist), \"m\": \(m), \"nbits\": \(nbits), \"nprobe\": \(nprobe), \"rerank\": \(rerank), \"recall_at_10\": \(f(recall, 4)), \"qps_single_thread\": \(f(qps, 1)), \"train_s\": \(f(trainS, 2)), \"add_s\": \(f(addS, 2)), \"bytes_per_vector\": \(bytes)}")
        fflush(nil)
    }
}
