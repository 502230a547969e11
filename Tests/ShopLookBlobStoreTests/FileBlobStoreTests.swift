import Foundation
import ShopLookBlobStore
import Testing

@Suite struct FileBlobStoreTests {
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
}
