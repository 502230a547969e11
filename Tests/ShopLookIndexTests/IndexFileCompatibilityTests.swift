import Testing
@testable import ShopLookIndex
#if canImport(Glibc)
import Glibc
#endif

/// Files written by the format-1 writer of commit 964ef99 (`Fixtures/`) load, and
/// today's writer reproduces them byte for byte.
@Suite struct IndexFileCompatibilityTests {
    @Test(arguments: IndexFileFixture.all)
    func fixtureFileIsTheRecordedOne(_ fixture: IndexFileFixture) {
        #expect(IndexFileFixture.sha256(ofFile: fixture.path) == fixture.sha256)
    }

    @Test(arguments: IndexFileFixture.all)
    func oldFileStillLoads(_ fixture: IndexFileFixture) throws {
        let loaded = try IVFPQIndex.load(from: fixture.path)
        let fresh = try fixture.build()
        #expect(loaded.configuration == fixture.configuration)
        #expect(loaded.count == fresh.count)
        let (old, new) = (try #require(loaded.state), try #require(fresh.state))
        #expect(old.transform == new.transform)
        #expect(old.coarse.centroids == new.coarse.centroids)
        #expect(old.pq.centroids == new.pq.centroids)
        for l in 0..<fixture.configuration.nlist {
            #expect(loaded.lists.ids(ofList: l) == fresh.lists.ids(ofList: l), "list \(l)")
        }
        if fixture.emptiesFirstList { #expect(loaded.lists.count(ofList: 0) == 0) }
        let p = fixture.searchParameters
        #expect(try loaded.search(fixture.queries, k: 5, parameters: p) == fresh.search(fixture.queries, k: 5, parameters: p))
    }

    @Test(arguments: IndexFileFixture.all)
    func resavingAnOldFileIsByteIdentical(_ fixture: IndexFileFixture) throws {
        let path = TestData.tempPath("resave-" + fixture.name)
        defer { unlink(path) }
        try IVFPQIndex.load(from: fixture.path).save(to: path)
        #expect(TestData.readBytes(path) == TestData.readBytes(fixture.path))
    }

    /// Needs the same floating-point results as the machine that made the fixtures
    /// (training runs OpenBLAS and SIMD kernels); `resavingAnOldFileIsByteIdentical`
    /// checks the writer without that assumption.
    @Test(arguments: IndexFileFixture.all)
    func savingAFreshBuildIsByteIdentical(_ fixture: IndexFileFixture) throws {
        let path = TestData.tempPath("fresh-" + fixture.name)
        defer { unlink(path) }
        try fixture.build().save(to: path)
        #expect(IndexFileFixture.sha256(ofFile: path) == fixture.sha256)
        #expect(TestData.readBytes(path) == TestData.readBytes(fixture.path))
    }

    /// Writes the fixture files into `$SHOPLOOK_WRITE_INDEX_FIXTURES` and prints their digests.
    @Test(.enabled(if: getenv("SHOPLOOK_WRITE_INDEX_FIXTURES") != nil))
    func writeFixtures() throws {
        let directory = String(cString: getenv("SHOPLOOK_WRITE_INDEX_FIXTURES"))
        for fixture in IndexFileFixture.all {
            let path = directory + "/" + fixture.name
            try fixture.build().save(to: path)
            print("\(fixture.name) \(TestData.readBytes(path).count) bytes sha256 \(IndexFileFixture.sha256(ofFile: path))")
        }
    }
}
