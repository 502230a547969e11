import Foundation
import ShopLookPipeline
import ShopLookTestSupport
import Testing

@Suite struct IngestSourcesTests {
    @Test func foldersFollowLinksToFilesSkipHiddenOnesAndNameTheClassByTheInnermostFolder() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("ingest-links-\(UUID())")
        defer { try? FileManager.default.removeItem(at: root) }
        let catalog = root.appendingPathComponent("catalog")
        try FileManager.default.createDirectory(at: catalog.appendingPathComponent("summer/shoes"), withIntermediateDirectories: true)
        try Data(TestImages.solid(red: 50)).write(to: root.appendingPathComponent("elsewhere.jpg"))
        try FileManager.default.createSymbolicLink(
            at: catalog.appendingPathComponent("summer/shoes/linked.jpg"), withDestinationURL: root.appendingPathComponent("elsewhere.jpg"))
        try FileManager.default.createSymbolicLink(
            at: catalog.appendingPathComponent("summer/shoes/dangling.jpg"), withDestinationURL: root.appendingPathComponent("gone.jpg"))
        try Data(TestImages.solid(red: 60)).write(to: catalog.appendingPathComponent("summer/shoes/.hidden.jpg"))
        let items = try IngestSources.items(from: [catalog.path])
        #expect(items.map(\.file.lastPathComponent) == ["linked.jpg"])
        // The category is the folder the file is in, however deep.
        #expect(items.first?.category == "shoes" && items.first?.productID == "catalog/summer/shoes/linked")
    }
}
