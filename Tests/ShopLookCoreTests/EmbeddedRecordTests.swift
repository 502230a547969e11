import ShopLookCore
import Testing

@Suite struct EmbeddedRecordTests {
    @Test func aValueIsAnUpsertAndAnEmptyValueKeyedByAnArticleIDIsATombstone() throws {
        let bytes = try Fixtures.codec.encode(Samples.fullEmbedded)
        #expect(EmbeddedRecord(key: Array(hexC.utf8), value: bytes, codec: Fixtures.codec) == .upsert(Samples.fullEmbedded))
        #expect(EmbeddedRecord(key: Array(hexC.utf8), value: [], codec: Fixtures.codec) == .remove(articleID: hexC))
    }

    @Test func tombstonesWithoutAnArticleIDAndValuesOffTheSchemaAreInvalidWithTheirReason() {
        for key in [nil, [], Array(hexC.uppercased().utf8), Array(hexC.utf8.dropLast()), [0xFF] + Array(hexC.utf8.dropFirst())] as [[UInt8]?] {
            guard case .invalid(let reason) = EmbeddedRecord(key: key, value: [], codec: Fixtures.codec) else {
                Issue.record("a tombstone keyed \(String(describing: key)) was accepted")
                continue
            }
            #expect(reason.contains("tombstone without an article id"))
        }
        guard case .invalid(let reason) = EmbeddedRecord(key: nil, value: Array("{\"version\":1}".utf8), codec: Fixtures.codec) else {
            Issue.record("a message missing its fields was accepted")
            return
        }
        #expect(reason.contains("embedded message violates its schema"))
    }
}
