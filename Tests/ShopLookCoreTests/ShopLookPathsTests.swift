import Foundation
import ShopLookCore
import Testing

@Suite("Resource paths")
struct ShopLookPathsTests {
    @Test("SHOPLOOK_HOME wins")
    func home() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root.appendingPathComponent("Schemas"), withIntermediateDirectories: true)
        let found = try ShopLookPaths.directory(
            named: "Schemas", environment: ["SHOPLOOK_HOME": root.path],
            currentDirectory: Fixtures.packageRoot, executable: nil
        )
        #expect(found.standardizedFileURL.path == root.appendingPathComponent("Schemas").standardizedFileURL.path)
    }

    @Test("the current directory and its parents are searched")
    func currentDirectoryParents() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let nested = root.appendingPathComponent("a/b/c")
        try FileManager.default.createDirectory(at: nested, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("a/Migrations"), withIntermediateDirectories: true)
        let found = try ShopLookPaths.directory(named: "Migrations", environment: [:], currentDirectory: nested, executable: nil)
        #expect(found.path == root.appendingPathComponent("a/Migrations").standardizedFileURL.path)
    }

    @Test("the executable's directory and its parents are searched last")
    func executableParents() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let binDirectory = root.appendingPathComponent(".build/release")
        try FileManager.default.createDirectory(at: binDirectory, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("Schemas"), withIntermediateDirectories: true)
        let elsewhere = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: elsewhere) }
        let found = try ShopLookPaths.directory(
            named: "Schemas", environment: ["SHOPLOOK_HOME": elsewhere.path],
            currentDirectory: elsewhere, executable: binDirectory.appendingPathComponent("shoplook-pose")
        )
        #expect(found.path == root.appendingPathComponent("Schemas").standardizedFileURL.path)
    }

    @Test("a file with the right name is not a directory")
    func ignoresFiles() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let name = "Schemas-\(UUID().uuidString)"
        try Data().write(to: root.appendingPathComponent(name))
        #expect(throws: ResourceLookupError.self) {
            try ShopLookPaths.directory(named: name, environment: [:], currentDirectory: root, executable: nil)
        }
    }

    @Test("a failed search lists what was searched and says to set SHOPLOOK_HOME")
    func notFound() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let name = "NoSuchFolder-\(UUID().uuidString)"
        let error = #expect(throws: ResourceLookupError.self) {
            try ShopLookPaths.directory(
                named: name, environment: ["SHOPLOOK_HOME": "/nonexistent/home"],
                currentDirectory: root, executable: URL(fileURLWithPath: "/usr/bin/true")
            )
        }
        let searched = error?.searched ?? []
        #expect(searched.first == "/nonexistent/home/\(name)")
        #expect(searched.contains(root.appendingPathComponent(name).standardizedFileURL.path))
        #expect(searched.contains("/usr/bin/\(name)"))
        #expect(searched.contains("/\(name)"))
        #expect(Set(searched).count == searched.count)
        let text = error?.description ?? ""
        #expect(text.contains("cannot find the ShopLook \"\(name)\" directory"))
        #expect(text.contains("/nonexistent/home/\(name)"))
        #expect(text.contains("SHOPLOOK_HOME is set but"))

        let unset = #expect(throws: ResourceLookupError.self) {
            try ShopLookPaths.directory(named: name, environment: [:], currentDirectory: root, executable: nil)
        }
        #expect(unset?.description.contains("set SHOPLOOK_HOME to the project root") == true)
    }

    @Test("this test process finds the package's Schemas folder")
    func realProcess() throws {
        let found = try ShopLookPaths.directory(named: "Schemas")
        #expect(FileManager.default.fileExists(atPath: found.appendingPathComponent("new-image.schema.json").path))
        let registry = try SchemaRegistry()
        #expect(registry.availableSchemaNames().contains("dead-letter"))
        #expect(ShopLookPaths.currentExecutableURL() != nil)
    }
}
