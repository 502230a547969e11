import Foundation
import ShopLookCore
import Testing

@Suite("SHA-256")
struct SHA256Tests {
    @Test("NIST FIPS 180-4 example vectors", arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
    ])
    func vectors(input: String, expected: String) {
        #expect(SHA256.hexDigest(Array(input.utf8)) == expected)
        #expect(SHA256.hash(Data(input.utf8)).hexString == expected)
        #expect(SHA256.hash(input.utf8) == [UInt8](hexString: expected))
    }

    @Test("one million 'a'")
    func millionA() {
        let input = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        #expect(SHA256.hexDigest(input) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test("lengths around the padding boundary match a byte-at-a-time hasher")
    func paddingBoundaries() {
        // 55, 56, 63, 64, 65 bytes exercise every padding branch; one-shot must equal streaming.
        for length in [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129] {
            let input = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
            var streaming = SHA256()
            for byte in input { streaming.update([byte]) }
            #expect(streaming.finalize() == SHA256.hash(input), "length \(length)")
        }
    }

    @Test("streaming in odd-sized chunks equals one-shot")
    func streamingChunks() {
        var generator = SystemRandomNumberGenerator()
        let input = (0..<100_003).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let expected = SHA256.hash(input)
        for chunkSize in [1, 3, 7, 63, 65, 1000, 4099] {
            var hasher = SHA256()
            var start = 0
            while start < input.count {
                let end = min(start + chunkSize, input.count)
                input[start..<end].withUnsafeBytes { hasher.update($0) }
                start = end
            }
            #expect(hasher.finalize() == expected, "chunk size \(chunkSize)")
        }
    }

    @Test("finalize does not consume the hasher")
    func finalizeIsNonDestructive() {
        var hasher = SHA256()
        hasher.update(Array("ab".utf8))
        _ = hasher.finalize()
        hasher.update(Array("c".utf8))
        #expect(hasher.finalize().hexString == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test("non-contiguous sequences are hashed like arrays")
    func nonContiguousSequence() {
        let lazyBytes = (0..<10_000).lazy.map { UInt8(truncatingIfNeeded: $0) }
        #expect(SHA256.hash(lazyBytes) == SHA256.hash(Array(lazyBytes)))
    }

    @Test("a random 1 MiB buffer matches /usr/bin/sha256sum, also when streamed from a file")
    func matchesSha256sum() throws {
        var generator = SystemRandomNumberGenerator()
        let input = (0..<(1 << 20)).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("random.bin")
        try Data(input).write(to: file)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        process.arguments = [file.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let reference = String(decoding: output, as: UTF8.self).split(separator: " ").first.map(String.init)

        #expect(reference?.count == 64)
        #expect(SHA256.hexDigest(input) == reference)
        #expect(try SHA256.hexDigest(contentsOf: file, chunkSize: 1000) == reference)
    }

    @Test("hex encoding and decoding")
    func hex() {
        #expect([UInt8]([0x00, 0x0f, 0xa0, 0xff]).hexString == "000fa0ff")
        #expect([UInt8](hexString: "000FA0ff") == [0x00, 0x0f, 0xa0, 0xff])
        #expect([UInt8](hexString: "abc") == nil)
        #expect([UInt8](hexString: "zz") == nil)
        #expect([UInt8](hexString: "") == [])
    }
}
