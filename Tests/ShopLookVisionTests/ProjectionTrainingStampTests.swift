import Foundation
import Testing
@testable import ShopLookVision

/// The stamp that lets `shoplook train projection --skip-if-current` keep a projection trained from the same inputs.
@Suite("ProjectionTrainingStamp")
struct ProjectionTrainingStampTests {
    private static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("stamp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    private static func write(_ bytes: [UInt8], to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
    }

    @Test("the listing changes when a photo is added, removed, renamed or resized, and ignores other files")
    func listing() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let images: Set<String> = ["jpg", "png"]
        try Self.write([1, 2, 3], to: folder.appendingPathComponent("shirt/a.jpg"))
        try Self.write([4, 5], to: folder.appendingPathComponent("shoes/b.PNG"))
        let first = ProjectionTrainingStamp.listing(of: folder, extensions: images)
        #expect(first.hasPrefix("2 files, sha256 "))
        #expect(ProjectionTrainingStamp.listing(of: folder, extensions: images) == first)

        try Self.write([9], to: folder.appendingPathComponent("shirt/notes.txt"))
        #expect(ProjectionTrainingStamp.listing(of: folder, extensions: images) == first)

        try Self.write([1, 2, 3, 4], to: folder.appendingPathComponent("shirt/a.jpg"))
        let resized = ProjectionTrainingStamp.listing(of: folder, extensions: images)
        #expect(resized != first && resized.hasPrefix("2 files"))

        try FileManager.default.moveItem(
            at: folder.appendingPathComponent("shirt/a.jpg"), to: folder.appendingPathComponent("shoes/a.jpg"))
        let moved = ProjectionTrainingStamp.listing(of: folder, extensions: images)
        #expect(moved != resized && moved.hasPrefix("2 files"))

        try Self.write([7], to: folder.appendingPathComponent("hat/c.jpg"))
        #expect(ProjectionTrainingStamp.listing(of: folder, extensions: images).hasPrefix("3 files"))
        try FileManager.default.removeItem(at: folder.appendingPathComponent("hat/c.jpg"))
        #expect(ProjectionTrainingStamp.listing(of: folder, extensions: images) == moved)
    }

    @Test("a stamp vouches only for its own projection file and the same inputs")
    func vouches() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("street.slproj")
        let projection = LinearProjection(weights: Matrix(rows: 3, columns: 2, values: [1, 2, 3, 4, 5, -6.5]), blend: 0.3)
        try Data(projection.serialized()).write(to: path)
        #expect(ProjectionTrainingStamp.read(for: path) == nil)

        let stamp = ProjectionTrainingStamp(inputs: "model m@1\ncatalog 2 files", contentID: projection.contentID)
        try stamp.write(for: path)
        let read = try #require(ProjectionTrainingStamp.read(for: path))
        #expect(read == stamp)
        #expect(read.vouches(for: path, inputs: "model m@1\ncatalog 2 files"))
        #expect(!read.vouches(for: path, inputs: "model m@2\ncatalog 2 files"))

        // Another projection written over the file: the stamp no longer describes it.
        let other = LinearProjection(weights: Matrix(rows: 3, columns: 2, values: [1, 2, 3, 4, 5, 6]), blend: 0.3)
        try Data(other.serialized()).write(to: path)
        #expect(!read.vouches(for: path, inputs: "model m@1\ncatalog 2 files"))

        // A corrupt file or a missing one is never current.
        try Data([0x53, 0x4C]).write(to: path)
        #expect(!read.vouches(for: path, inputs: "model m@1\ncatalog 2 files"))
        try FileManager.default.removeItem(at: path)
        #expect(!read.vouches(for: path, inputs: "model m@1\ncatalog 2 files"))

        // An unreadable stamp reads as none.
        try Data("{not json".utf8).write(to: ProjectionTrainingStamp.url(for: path))
        #expect(ProjectionTrainingStamp.read(for: path) == nil)
    }
}
