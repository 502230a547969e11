#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CShopLookSIMD

/// Storage of the IVF lists: for each list, contiguous ids, codes and (optionally)
/// the re-ranking copy of the vectors.
///
/// Per list `l` with `n` entries:
/// - ids: size n, `Int64`
/// - codes: `.flat(b)`: size n * b bytes, layout (n, b);
///          `.fastScan4(m)`: `FastScanCodes` block layout, ceil(n / 32) * paddedM * 16 bytes
/// - vectors: size n * vectorBytes bytes, layout (n, vectorBytes) (float16 or float32 rows)
///
/// Entry `i` of list `l` is addressed by the label `(l << 32) | i`.
///
/// ## Thread-safety contract
/// - Every public method may be called from any thread at any time.
/// - Reads go through `withReadLock`: a shared (readers-writer) lock is held
///   while the closure runs, so any number of searches proceed in parallel.
///   Pointers and labels obtained inside the closure are valid only inside it.
/// - `append` and `remove` take the exclusive lock for the whole batch: a reader
///   sees a batch entirely or not at all, and never a list that is being moved,
///   grown or compacted (no torn entries).
/// - A search holds the read lock for a few queries at a time (`QueryWorker.queriesPerLock`),
///   so writers wait at most those queries' scans; glibc's default rwlock prefers readers, so a steady
///   stream of searches can delay writers (not starve them forever in practice,
///   since each query releases the lock).
/// - Lists loaded from a file point into a read-only memory map and are copied
///   to owned memory on their first mutation (copy-on-write per list).
public final class InvertedLists: @unchecked Sendable {
    public enum CodeLayout: Sendable, Equatable {
        /// One fixed-size code per entry.
        case flat(bytesPerCode: Int)
        /// 4-bit PQ codes with m sub-quantizers in the fast-scan block layout.
        case fastScan4(m: Int)
    }

    struct List {
        var count: Int = 0
        var capacity: Int = 0
        var ids: UnsafeMutablePointer<Int64>? = nil
        var codes: UnsafeMutableRawPointer? = nil
        var vectors: UnsafeMutableRawPointer? = nil
        /// false when the pointers borrow a memory-mapped file
        var owned: Bool = true
    }

    public let nlist: Int
    public let layout: CodeLayout
    /// Bytes of the stored vector per entry (0 when none are stored).
    public let vectorBytes: Int
    var lists: [List]
    /// id -> label, built lazily on the first mutation or lookup.
    private var idMap: [Int64: Int64]?
    /// Keeps a memory-mapped file alive while lists borrow from it.
    var mapping: MappedFile?
    private let rwlock: UnsafeMutablePointer<pthread_rwlock_t>

    public init(nlist: Int, layout: CodeLayout, vectorBytes: Int) {
        self.nlist = nlist
        self.layout = layout
        self.vectorBytes = vectorBytes
        lists = [List](repeating: List(), count: nlist)
        idMap = [:]
        rwlock = .allocate(capacity: 1)
        pthread_rwlock_init(rwlock, nil)
    }

    deinit {
        for l in lists where l.owned {
            free(l.ids)
            free(l.codes)
            free(l.vectors)
        }
        pthread_rwlock_destroy(rwlock)
        rwlock.deallocate()
    }

    // MARK: locking

    /// Runs body with the shared (read) lock held.
    public func withReadLock<R>(_ body: () throws -> R) rethrows -> R {
        pthread_rwlock_rdlock(rwlock)
        defer { pthread_rwlock_unlock(rwlock) }
        return try body()
    }

    /// Runs body with the exclusive (write) lock held.
    func withWriteLock<R>(_ body: () throws -> R) rethrows -> R {
        pthread_rwlock_wrlock(rwlock)
        defer { pthread_rwlock_unlock(rwlock) }
        return try body()
    }

    // MARK: sizes

    /// Bytes of codes for n entries.
    @inline(__always) public func codeBytes(forCount n: Int) -> Int {
        switch layout {
        case .flat(let b): return n * b
        case .fastScan4(let m): return FastScanCodes.byteCount(vectors: n, paddedM: FastScanCodes.paddedM(m))
        }
    }

    /// Bytes of one unpacked code as passed to `append` (m for fast-scan).
    public var unpackedCodeSize: Int {
        switch layout {
        case .flat(let b): return b
        case .fastScan4(let m): return m
        }
    }

    public var totalCount: Int { withReadLock { lists.reduce(0) { $0 + $1.count } } }

    public func count(ofList l: Int) -> Int { withReadLock { lists[l].count } }

    public func ids(ofList l: Int) -> [Int64] {
        withReadLock {
            let li = lists[l]
            return li.count == 0 ? [] : Array(UnsafeBufferPointer(start: li.ids, count: li.count))
        }
    }

    /// True if id is stored.
    public func contains(id: Int64) -> Bool {
        withWriteLock {
            buildIdMapIfNeeded()
            return idMap![id] != nil
        }
    }

    /// The first of ids that is stored, if any (one lock acquisition).
    public func firstPresent(of ids: [Int64]) -> Int64? {
        withWriteLock {
            buildIdMapIfNeeded()
            return ids.first { idMap![$0] != nil }
        }
    }

    /// (count, ids, codes, vectors) of list l; call inside `withReadLock`.
    @inline(__always) func unsafeList(_ l: Int) -> List { lists[l] }

    // MARK: mutation

    private func buildIdMapIfNeeded() {
        if idMap != nil { return }
        var map = [Int64: Int64]()
        map.reserveCapacity(lists.reduce(0) { $0 + $1.count })
        for (l, li) in lists.enumerated() {
            for i in 0..<li.count { map[li.ids![i]] = (Int64(l) << 32) | Int64(i) }
        }
        idMap = map
    }

    private static func alignedAlloc(_ bytes: Int) -> UnsafeMutableRawPointer? {
        if bytes == 0 { return nil }
        var p: UnsafeMutableRawPointer? = nil
        let rc = posix_memalign(&p, 64, (bytes + 63) & ~63)
        precondition(rc == 0 && p != nil, "out of memory allocating \(bytes) bytes")
        return p
    }

    /// Makes list l owned with room for `needed` entries.
    private func reserve(_ l: Int, _ needed: Int) {
        var li = lists[l]
        if li.owned && li.capacity >= needed { return }
        let newCap = max(needed, li.owned ? li.capacity * 2 : li.count + li.count / 4, 32)
        let ids = Self.alignedAlloc(newCap * 8)!.assumingMemoryBound(to: Int64.self)
        let codes = Self.alignedAlloc(codeBytes(forCount: newCap))!
        let vecs = vectorBytes > 0 ? Self.alignedAlloc(newCap * vectorBytes) : nil
        memset(codes, 0, codeBytes(forCount: newCap))
        if li.count > 0 {
            ids.update(from: li.ids!, count: li.count)
            memcpy(codes, li.codes!, codeBytes(forCount: li.count))
            if vectorBytes > 0 { memcpy(vecs!, li.vectors!, li.count * vectorBytes) }
        }
        if li.owned {
            free(li.ids)
            free(li.codes)
            free(li.vectors)
        }
        li.ids = ids
        li.codes = codes
        li.vectors = vecs
        li.capacity = newCap
        li.owned = true
        lists[l] = li
    }

    /// Appends entries. `listOf[i]` is the list of entry i; codes: size n * unpackedCodeSize,
    /// layout (n, unpackedCodeSize); vectors: size n * vectorBytes (or nil when vectorBytes == 0).
    /// All-or-nothing: throws `duplicateID` before changing anything.
    public func append(ids: [Int64], listOf: [Int32], codes: [UInt8], vectors: [UInt8]?) throws {
        let n = ids.count
        let cs = unpackedCodeSize
        guard listOf.count == n, codes.count == n * cs, (vectorBytes == 0) || vectors?.count == n * vectorBytes else {
            throw IndexError.invalidArgument("append: inconsistent batch sizes")
        }
        var seen = Set<Int64>(minimumCapacity: n)
        for id in ids where !seen.insert(id).inserted { throw IndexError.duplicateID(id) }
        for l in listOf where l < 0 || Int(l) >= nlist { throw IndexError.invalidArgument("list \(l) out of range") }
        try withWriteLock {
            buildIdMapIfNeeded()
            for id in ids where idMap![id] != nil { throw IndexError.duplicateID(id) }
            // Count per list to grow each list once.
            var add = [Int](repeating: 0, count: nlist)
            for l in listOf { add[Int(l)] += 1 }
            for l in 0..<nlist where add[l] > 0 { reserve(l, lists[l].count + add[l]) }
            codes.withUnsafeBufferPointer { cp in
                for i in 0..<n {
                    let l = Int(listOf[i])
                    let off = lists[l].count
                    let li = lists[l]
                    li.ids![off] = ids[i]
                    switch layout {
                    case .flat(let b):
                        memcpy(li.codes! + off * b, cp.baseAddress! + i * b, b)
                    case .fastScan4(let m):
                        let pm = FastScanCodes.paddedM(m)
                        let dst = li.codes!.assumingMemoryBound(to: UInt8.self)
                        for j in 0..<m { sl_fs4_set(dst, pm, off, j, cp[i * m + j]) }
                    }
                    if vectorBytes > 0 {
                        vectors!.withUnsafeBufferPointer { vp in
                            _ = memcpy(li.vectors! + off * vectorBytes, vp.baseAddress! + i * vectorBytes, vectorBytes)
                        }
                    }
                    lists[l].count = off + 1
                    idMap![ids[i]] = (Int64(l) << 32) | Int64(off)
                }
            }
        }
    }

    /// Removes the given ids (unknown ids are ignored); returns how many were removed.
    /// The last entry of a list moves into the freed slot.
    @discardableResult
    public func remove(ids: [Int64]) -> Int {
        withWriteLock {
            buildIdMapIfNeeded()
            var removed = 0
            for id in ids {
                guard let label = idMap![id] else { continue }
                let l = Int(label >> 32), i = Int(label & 0xFFFF_FFFF)
                reserve(l, lists[l].count)  // copy-on-write for mapped lists
                let li = lists[l]
                let last = li.count - 1
                if i != last {
                    let movedId = li.ids![last]
                    li.ids![i] = movedId
                    switch layout {
                    case .flat(let b):
                        memcpy(li.codes! + i * b, li.codes! + last * b, b)
                    case .fastScan4(let m):
                        let pm = FastScanCodes.paddedM(m)
                        let c = li.codes!.assumingMemoryBound(to: UInt8.self)
                        for j in 0..<m { sl_fs4_set(c, pm, i, j, sl_fs4_get(c, pm, last, j)) }
                    }
                    if vectorBytes > 0 {
                        memcpy(li.vectors! + i * vectorBytes, li.vectors! + last * vectorBytes, vectorBytes)
                    }
                    idMap![movedId] = (Int64(l) << 32) | Int64(i)
                }
                // Keep the unused lanes of the last fast-scan block zero (deterministic files).
                if case .fastScan4(let m) = layout {
                    let pm = FastScanCodes.paddedM(m)
                    let c = li.codes!.assumingMemoryBound(to: UInt8.self)
                    for j in 0..<pm { sl_fs4_set(c, pm, last, j, 0) }
                }
                lists[l].count = last
                idMap![id] = nil
                removed += 1
            }
            return removed
        }
    }

    /// Installs lists that borrow from a mapped file (used by `IndexFile`).
    func installMapped(_ newLists: [List], mapping: MappedFile) {
        withWriteLock {
            for l in lists where l.owned {
                free(l.ids)
                free(l.codes)
                free(l.vectors)
            }
            lists = newLists
            self.mapping = mapping
            idMap = nil
        }
    }
}
