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

    @Test func csvRowsThatCannotBeItemsAreRefusedWithTheirReasonAndTheOthersKept() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("ingest-csv-\(UUID())")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let csv = root.appendingPathComponent("catalog.csv")
        let long = String(repeating: "p", count: 201)
        try Data("""
            product_id,image_path,title
            good,images/a.jpg,A shirt
            short-row
            ,images/b.jpg,no id
            ..,images/c.jpg,dots
            \(long),images/d.jpg,long
            sku\u{0}nul,images/e.jpg,nul
            no-image,,missing path
            also-good,/abs/f.jpg,absolute
            """.utf8).write(to: csv)
        let items = try IngestSources.items(from: [csv.path])
        #expect(items.count == 8, "one item per row")
        let kept = items.filter { $0.refusal == nil }
        #expect(kept.map(\.productID) == ["good", "also-good"])
        #expect(kept.map(\.file.path) == [root.appendingPathComponent("images/a.jpg").path, "/abs/f.jpg"])
        #expect(items.compactMap(\.refusal) == [
            "CSV row 3: 1 fields, the header has 3",
            "CSV row 4: product_id and image_path must not be empty",
            "CSV row 5: a product id cannot be \"..\"",
            "CSV row 6: a product id is at most 200 characters",
            "CSV row 7: a product id must not contain NUL",
            "CSV row 8: product_id and image_path must not be empty",
        ])
    }
}
