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

    /// A small projection written to `street.slproj` in `folder`.
    private static func writeProjection(in folder: URL) throws -> (URL, LinearProjection) {
        let path = folder.appendingPathComponent("street.slproj")
        let projection = LinearProjection(weights: Matrix(rows: 3, columns: 2, values: [1, 2, 3, 4, 5, -6.5]), blend: 0.3)
        try Data(projection.serialized()).write(to: path)
        return (path, projection)
    }

    private static func write(_ bytes: [UInt8], to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
    }

    private static func files(below folder: URL) throws -> [URL] {
        try FileManager.default.subpathsOfDirectory(atPath: folder.path).sorted()
            .map { folder.appendingPathComponent($0) }
            .filter { var isDirectory: ObjCBool = false
                return FileManager.default.fileExists(atPath: $0.path, isDirectory: &isDirectory) && !isDirectory.boolValue }
    }

    @Test("the listing changes when a file is added, removed, renamed, resized or rewritten, or a link's target changes")
    func listing() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        func listing() throws -> String { ProjectionTrainingStamp.listing(of: try Self.files(below: folder), relativeTo: folder) }
        let first = folder.appendingPathComponent("shirt/a.jpg")
        try Self.write([1, 2, 3], to: first)
        try Self.write([4, 5], to: folder.appendingPathComponent("shoes/b.png"))
        let fixed = Date(timeIntervalSince1970: 1_700_000_000)
        try FileManager.default.setAttributes([.modificationDate: fixed], ofItemAtPath: first.path)
        let initial = try listing()
        #expect(initial.hasPrefix("2 files, sha256 "))
        #expect(try listing() == initial)

        // The same size, rewritten: another modification time.
        try Self.write([3, 2, 1], to: first)
        try FileManager.default.setAttributes([.modificationDate: fixed.addingTimeInterval(60)], ofItemAtPath: first.path)
        let rewritten = try listing()
        #expect(rewritten != initial && rewritten.hasPrefix("2 files"))
        try FileManager.default.setAttributes([.modificationDate: fixed], ofItemAtPath: first.path)
        #expect(try listing() == initial)

        try Self.write([1, 2, 3, 4], to: first)
        try FileManager.default.setAttributes([.modificationDate: fixed], ofItemAtPath: first.path)
        let resized = try listing()
        #expect(resized != initial)

        try FileManager.default.moveItem(at: first, to: folder.appendingPathComponent("shoes/a.jpg"))
        let moved = try listing()
        #expect(moved != resized && moved.hasPrefix("2 files"))

        // A link is listed by the file it names.
        let outside = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: outside) }
        let target = outside.appendingPathComponent("c.jpg")
        try Self.write([7], to: target)
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("hat"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: folder.appendingPathComponent("hat/c.jpg"), withDestinationURL: target)
        let linked = try listing()
        #expect(linked.hasPrefix("3 files"))
        try Self.write([7, 8, 9], to: target)
        #expect(try listing() != linked)
        try FileManager.default.removeItem(at: folder.appendingPathComponent("hat/c.jpg"))
        #expect(try listing() == moved)

        // A file that cannot be read is named, not skipped.
        let gone = ProjectionTrainingStamp.listing(of: [folder.appendingPathComponent("missing.jpg")], relativeTo: folder)
        #expect(gone.hasPrefix("1 files") && gone != ProjectionTrainingStamp.listing(of: [], relativeTo: folder))
    }

    @Test("a stamp names the model whose features it was trained on, and a projection for another model is refused")
    func modelMismatch() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (path, projection) = try Self.writeProjection(in: folder)
        // No stamp (the committed projection has none): nothing to check against.
        #expect(ProjectionTrainingStamp.mismatch(projection: path, baseModelVersion: "lite0-int8@b+multi-view") == nil)
        let stamp = ProjectionTrainingStamp(
            inputs: "training-revision 1\nmodel lite0-int8@a+multi-view\nframing multi-view", contentID: projection.contentID)
        #expect(stamp.modelVersion == "lite0-int8@a+multi-view")
        try stamp.write(for: path)
        #expect(ProjectionTrainingStamp.mismatch(projection: path, baseModelVersion: "lite0-int8@a+multi-view") == nil)
        let reason = try #require(ProjectionTrainingStamp.mismatch(projection: path, baseModelVersion: "lite0-int8@b+multi-view"))
        #expect(reason.contains("lite0-int8@a+multi-view") && reason.contains("lite0-int8@b+multi-view") && reason.contains("train it again"))
        #expect(ProjectionTrainingStamp(inputs: "seed 1", contentID: "x").modelVersion == nil)
    }

    @Test("a stamp vouches only for its own projection file and the same inputs")
    func vouches() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (path, projection) = try Self.writeProjection(in: folder)
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
