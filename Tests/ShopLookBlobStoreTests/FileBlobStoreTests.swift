import Dispatch
import Foundation
import ShopLookBlobStore
import ShopLookCore
import Synchronization
import Testing

@Suite struct FileBlobStoreTests {
    final class Flag: Sendable {
        let raised = Atomic<Bool>(false)
    }

    let root: URL
    let store: FileBlobStore

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("blobs-\(UUID().uuidString)")
        store = try FileBlobStore(root: root)
    }

    @Test func sameBytesGiveTheSameKeyAndAreStoredOnce() async throws {
        let bytes = Array("a jpeg, say".utf8)
        let first = try await store.put(bytes)
        let second = try await store.put(bytes)
        #expect(first == second)
        let objects = try FileManager.default.subpathsOfDirectory(atPath: root.appendingPathComponent("objects").path)
            .filter { !$0.hasSuffix("/") && $0.split(separator: "/").count == 3 }
        #expect(objects.count == 1)
        #expect(try await store.get(first) == bytes)
        let other = try await store.put(Array("other bytes".utf8))
        #expect(other != first)
    }

    @Test func keyIsTheSHA256OfTheBytes() async throws {
        let key = try await store.put(Array("abc".utf8))
        #expect(key.rawValue == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(store.path(for: key).hasSuffix("/objects/ba/78/\(key.rawValue)"))
    }

    @Test func pathTraversalAndMalformedKeysAreRejected() {
        for text in ["../../etc/passwd", "/etc/passwd", "..", "", String(repeating: "A", count: 64),
                     String(repeating: "a", count: 63), String(repeating: "a", count: 62) + "/.",
                     String(repeating: "a", count: 63) + "\u{0}", String(repeating: "g", count: 64)] {
            #expect(throws: BlobStoreError.invalidKey(text)) { try BlobKey(text) }
        }
        let json = Data(#"["../../../../etc/shadow"]"#.utf8)
        #expect(throws: (any Error).self) { try JSONDecoder().decode([BlobKey].self, from: json) }
    }

    @Test func missingBlobIsNotFound() async throws {
        let key = try BlobKey(String(repeating: "0", count: 64))
        #expect(try await store.contains(key) == false)
        await #expect(throws: BlobStoreError.notFound(key)) { try await store.get(key) }
    }

    @Test func corruptedBlobIsDetectedOnRead() async throws {
        let key = try await store.put(Array(repeating: 7, count: 1000))
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: store.path(for: key)))
        await #expect {
            try await store.get(key)
        } throws: { error in
            if case .corrupt(let corruptKey, _) = error as? BlobStoreError { return corruptKey == key }
            return false
        }
    }

    @Test func writesLeaveNoTemporaryFilesAndDeleteRemoves() async throws {
        var keys: [BlobKey] = []
        for index in 0..<20 { keys.append(try await store.put(Array("blob \(index)".utf8))) }
        let temporary = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("tmp").path)
        #expect(temporary.isEmpty)
        try await store.delete(keys[0])
        #expect(try await store.contains(keys[0]) == false)
        #expect(try await store.contains(keys[1]))
        try await store.delete(keys[0])
    }

    @Test func concurrentWritersOfTheSameBytesAgree() async throws {
        let bytes = [UInt8](repeating: 42, count: 256 * 1024)
        let keys = try await withThrowingTaskGroup(of: BlobKey.self) { group in
            for _ in 0..<8 { group.addTask { try await store.put(bytes) } }
            return try await group.reduce(into: Set<BlobKey>()) { $0.insert($1) }
        }
        #expect(keys.count == 1)
        #expect(try await store.get(keys.first!) == bytes)
    }

    @Test func aFileLargerThanTheLimitIsNotRead() async throws {
        let limited = try FileBlobStore(root: root, maximumBlobBytes: 1000)
        let bytes = [UInt8](repeating: 3, count: 1000)
        let key = try await limited.put(bytes)
        #expect(try await limited.get(key) == bytes)
        // The file under the key grows past the limit (another writer, a damaged volume).
        try Data(repeating: 3, count: 5000).write(to: URL(fileURLWithPath: limited.path(for: key)))
        await #expect(throws: BlobStoreError.tooLarge(key, size: 5000, limit: 1000)) { try await limited.get(key) }
        let error = BlobStoreError.tooLarge(key, size: 5000, limit: 1000)
        #expect(!error.isRetriable)
        #expect("\(error)".contains(key.rawValue) && "\(error)".contains("5000") && "\(error)".contains("1000"))
        // The default store, with its larger limit, reads it (and finds it corrupt).
        await #expect {
            try await store.get(key)
        } throws: { error in
            if case .corrupt = error as? BlobStoreError { return true }
            return false
        }
    }

    @Test func readingStopsPastTheLimitWhenTheFileIsLongerThanItsSizeSaid() async throws {
        let limited = try FileBlobStore(root: root, maximumBlobBytes: 1000)
        let key = try await limited.put([UInt8](repeating: 5, count: 100))
        // A pipe in the blob's place: `fstat` says 0 bytes, reading gives 5000.
        let path = limited.path(for: key)
        try FileManager.default.removeItem(atPath: path)
        #expect(mkfifo(path, 0o600) == 0)
        let writer = Thread {
            let descriptor = open(path, O_WRONLY)
            guard descriptor >= 0 else { return }
            let bytes = [UInt8](repeating: 5, count: 5000)
            _ = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            close(descriptor)
        }
        writer.start()
        await #expect(throws: BlobStoreError.tooLarge(key, size: 1001, limit: 1000)) { try await limited.get(key) }
    }

    @Test func aBlobLargerThanTheLimitIsNotStored() async throws {
        let limited = try FileBlobStore(root: root, maximumBlobBytes: 10)
        let bytes = Array("eleven byte".utf8)
        let key = try BlobKey(SHA256.hexDigest(bytes))
        await #expect(throws: BlobStoreError.tooLarge(key, size: 11, limit: 10)) { try await limited.put(bytes) }
        #expect(try await limited.contains(key) == false)
        #expect(try await limited.get(limited.put(Array(bytes.prefix(10)))) == Array(bytes.prefix(10)))
    }

    @Test func fileCallsRunOnTheBlockingPool() async throws {
        let pool = BlockingCallPool(name: "blob-test", threadCount: 1)
        defer { pool.shutdown() }
        let pooled = try FileBlobStore(root: root, blockingCalls: pool)
        let key = try await pooled.put(Array("pooled".utf8))
        // With the pool's one thread held, a read waits in the pool's queue until it is released.
        let gate = DispatchSemaphore(value: 0)
        let holding = Flag()
        let holder = Task {
            await pool.run { () throws(Never) in
                holding.raised.store(true, ordering: .sequentiallyConsistent)
                gate.wait()
            }
        }
        while !holding.raised.load(ordering: .sequentiallyConsistent) { try await Task.sleep(for: .milliseconds(1)) }
        let read = Task { try await pooled.get(key) }
        let deadline = ContinuousClock.now + .seconds(10)
        while pool.queuedCount == 0, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(1)) }
        #expect(pool.queuedCount == 1)
        gate.signal()
        await holder.value
        #expect(try await read.value == Array("pooled".utf8))
    }
}

/// The store never follows a path out of its root: symbolic links planted under it (the objects folder, a
/// fan-out folder, a blob's own entry, the temporary folder) are refused or replaced, never followed.
@Suite struct FileBlobStoreConfinementTests {
    let root: URL
    let outside: URL
    let store: FileBlobStore
    /// Bytes a blob would hold, and their key.
    let bytes = Array("the bytes of a photo".utf8)
    let key: BlobKey

    init() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("blob-confinement-\(UUID().uuidString)")
        root = base.appendingPathComponent("store")
        outside = base.appendingPathComponent("outside")
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        store = try FileBlobStore(root: root)
        key = try BlobKey(SHA256.hexDigest(bytes))
    }

    var hex: String { key.rawValue }
    var fanOut: (String, String) { (String(hex.prefix(2)), String(hex.dropFirst(2).prefix(2))) }

    /// A file outside the store holding the blob's exact bytes at the blob's relative path under `folder`.
    func plantOutside(under folder: URL) throws -> URL {
        let directory = folder.appendingPathComponent(fanOut.0).appendingPathComponent(fanOut.1)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent(hex)
        try Data(bytes).write(to: file)
        return file
    }

    func link(_ path: URL, to target: URL) throws {
        try? FileManager.default.removeItem(at: path)
        try FileManager.default.createDirectory(at: path.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: path, withDestinationURL: target)
    }

    static func isSymbolicLinkRefusal(_ error: any Error) -> Bool {
        guard case .io(_, _, let message) = error as? BlobStoreError else { return false }
        return message.contains("symbolic link")
    }

    func expectNothingFollowed(planted: URL) async throws {
        await #expect { try await store.get(key) } throws: { Self.isSymbolicLinkRefusal($0) }
        await #expect { try await store.contains(key) } throws: { Self.isSymbolicLinkRefusal($0) }
        await #expect { try await store.put(bytes) } throws: { Self.isSymbolicLinkRefusal($0) }
        await #expect { try await store.delete(key) } throws: { Self.isSymbolicLinkRefusal($0) }
        // The file outside is untouched, and nothing else was written outside.
        #expect(try Data(contentsOf: planted) == Data(bytes))
        let written = try FileManager.default.subpathsOfDirectory(atPath: outside.path)
        #expect(written.sorted() == [fanOut.0, "\(fanOut.0)/\(fanOut.1)", "\(fanOut.0)/\(fanOut.1)/\(hex)"], "\(written)")
    }

    @Test func anObjectsFolderLinkedOutsideIsNotFollowed() async throws {
        let planted = try plantOutside(under: outside)
        try link(root.appendingPathComponent("objects"), to: outside)
        try await expectNothingFollowed(planted: planted)
    }

    @Test func aFanOutFolderLinkedOutsideIsNotFollowed() async throws {
        let planted = try plantOutside(under: outside)
        try link(root.appendingPathComponent("objects").appendingPathComponent(fanOut.0), to: outside.appendingPathComponent(fanOut.0))
        try await expectNothingFollowed(planted: planted)
    }

    @Test func aBlobLinkedToAFileOutsideIsNotReadAndIsReplacedByARealOne() async throws {
        let planted = try plantOutside(under: outside)
        let entry = URL(fileURLWithPath: store.path(for: key))
        try link(entry, to: planted)
        await #expect { try await store.get(key) } throws: { Self.isSymbolicLinkRefusal($0) }
        #expect(try await store.contains(key) == false)
        // Storing the blob replaces the link with a file of its own; the file outside keeps its bytes.
        try Data("changed outside".utf8).write(to: planted)
        #expect(try await store.put(bytes) == key)
        let attributes = try FileManager.default.attributesOfItem(atPath: entry.path)
        #expect(attributes[.type] as? FileAttributeType == .typeRegular)
        #expect(try await store.get(key) == bytes)
        #expect(try Data(contentsOf: planted) == Data("changed outside".utf8))
        // Deleting removes the store's entry, never a link's target.
        try link(entry, to: planted)
        try await store.delete(key)
        #expect(!FileManager.default.fileExists(atPath: entry.path))
        #expect(try Data(contentsOf: planted) == Data("changed outside".utf8))
    }

    @Test func aTemporaryFolderLinkedOutsideIsNotWrittenTo() async throws {
        try link(root.appendingPathComponent("tmp"), to: outside)
        await #expect { try await store.put(bytes) } throws: { Self.isSymbolicLinkRefusal($0) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside.path).isEmpty)
        #expect(try await store.contains(key) == false)
    }

    @Test func aRootThatIsALinkIsTheOperatorsChoiceAndWorks() async throws {
        let linkedRoot = outside.deletingLastPathComponent().appendingPathComponent("linked-root")
        try link(linkedRoot, to: root)
        let linked = try FileBlobStore(root: linkedRoot)
        #expect(try await linked.put(bytes) == key)
        #expect(try await store.get(key) == bytes)
        #expect(try await linked.get(key) == bytes)
    }

    @Test func pathLikeKeysNeverReachTheFileSystem() throws {
        for text in ["../outside/\(hex)", "/etc/passwd", "objects/../../\(String(hex.prefix(50)))", "\(hex)/..", hex.uppercased()] {
            #expect(throws: BlobStoreError.invalidKey(text)) { try BlobKey(text) }
        }
    }
}
