import ShopLookTestSupport
import Foundation
import Testing
@testable import ShopLookPostgres

@Suite("Migrations", .requiresDatabase)
struct MigratorTests {
    static let migrationsDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Migrations")

    static let tables = ["products", "images", "product_images", "pose_results", "articles", "vectors",
                         "query_jobs", "query_results", "dead_letters", "searcher_shards"]

    /// A temporary directory holding a copy of the project's first migration (the base the migrator tests add
    /// their own files to), removed afterwards.
    func withMigrationsCopy<T>(_ body: (URL) async throws -> T) async throws -> T {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("migrations-" + UUID().uuidString)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: Self.migrationsDirectory.appendingPathComponent("0001_initial.sql"), to: directory.appendingPathComponent("0001_initial.sql"))
        defer { try? FileManager.default.removeItem(at: directory) }
        return try await body(directory)
    }

    func existingTables(_ connection: PostgresConnection) async throws -> Set<String> {
        let rows = try await connection.query(
            "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema()"
        )
        return Set(try rows.map { try $0.decode(String.self, at: 0) })
    }

    func recorded(_ connection: PostgresConnection) async throws -> [Int: String] {
        var result: [Int: String] = [:]
        for row in try await connection.query("SELECT version, checksum FROM schema_migrations") {
            result[try row.decode(Int.self, at: 0)] = try row.decode(String.self, at: 1)
        }
        return result
    }

    @Test func appliesOnceThenIsANoOp() async throws {
        try await TestDatabase.withSchema { schema in
            try await schema.withConnection { connection in
                let migrator = Migrator(directory: Self.migrationsDirectory, logger: TestDatabase.logger)
                let migrations = try migrator.loadMigrations()
                let versions = migrations.map(\.version)
                #expect(versions.first == 1 && versions == versions.sorted())
                let first = try await migrator.migrate(on: connection)
                #expect(first == MigrationReport(applied: versions, skipped: []))
                let tables = try await existingTables(connection)
                for table in Self.tables + ["schema_migrations"] { #expect(tables.contains(table), "\(table)") }

                var checksums: [Int: String] = [:]
                for migration in migrations {
                    let data = try Data(contentsOf: Self.migrationsDirectory.appendingPathComponent(migration.fileName))
                    checksums[migration.version] = try await connection.query("SELECT encode(sha256($1), 'hex')", [data])[0].decode(String.self, at: 0)
                }
                #expect(try await recorded(connection) == checksums)

                let second = try await migrator.migrate(on: connection)
                #expect(second == MigrationReport(applied: [], skipped: versions))
                #expect(try await recorded(connection) == checksums)
            }
        }
    }

    @Test func editedAppliedMigrationIsRefusedBeforeAnythingRuns() async throws {
        try await withMigrationsCopy { directory in
            try await TestDatabase.withSchema { schema in
                try await schema.withConnection { connection in
                    let migrator = Migrator(directory: directory, logger: TestDatabase.logger)
                    try await migrator.migrate(on: connection)
                    let before = try await recorded(connection)

                    let file = directory.appendingPathComponent("0001_initial.sql")
                    try (try String(contentsOf: file, encoding: .utf8) + "\n-- edited\n").write(to: file, atomically: true, encoding: .utf8)
                    try "CREATE TABLE extra (id int);".write(to: directory.appendingPathComponent("0002_extra.sql"), atomically: true, encoding: .utf8)

                    let error = await #expect(throws: MigrationError.self) { try await migrator.migrate(on: connection) }
                    guard case .editedAfterApply(let version, let name, let recordedSum, let actual) = error else {
                        Issue.record("unexpected \(String(describing: error))")
                        return
                    }
                    #expect(version == 1)
                    #expect(name == "initial")
                    #expect(recordedSum == before[1])
                    #expect(actual != recordedSum)
                    #expect(error?.description.contains("migration 1 (initial) was edited") == true)
                    #expect(try await existingTables(connection).contains("extra") == false)
                    #expect(try await recorded(connection) == before)
                }
            }
        }
    }

    @Test func brokenPendingMigrationRollsBackWholly() async throws {
        try await withMigrationsCopy { directory in
            try await TestDatabase.withSchema { schema in
                try await schema.withConnection { connection in
                    let broken = directory.appendingPathComponent("0002_broken.sql")
                    try """
                        CREATE TABLE broken_a (id int);
                        INSERT INTO broken_a VALUES (1);
                        CREATE TABLE broken_b (id int);
                        SELECT * FROM no_such_table;
                        """.write(to: broken, atomically: true, encoding: .utf8)
                    let migrator = Migrator(directory: directory, logger: TestDatabase.logger)
                    let error = await #expect(throws: MigrationError.self) { try await migrator.migrate(on: connection) }
                    guard case .failed(let version, _, let underlying) = error else {
                        Issue.record("unexpected \(String(describing: error))")
                        return
                    }
                    #expect(version == 2)
                    #expect(underlying.sqlState == "42P01")
                    let tables = try await existingTables(connection)
                    #expect(tables.contains("products"))  // 0001 committed in its own transaction
                    #expect(!tables.contains("broken_a"))
                    #expect(!tables.contains("broken_b"))
                    #expect(Set(try await recorded(connection).keys) == [1])
                    #expect(await connection.isHealthy)

                    // The advisory lock was released (other tests may hold the same key, so look at ours only).
                    let held = try await schema.admin.query(
                        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = $1", [Int32(await connection.backendPID)]
                    )
                    #expect(try held[0].decode(Int.self, at: 0) == 0)

                    try "CREATE TABLE fixed (id int);".write(to: broken, atomically: true, encoding: .utf8)
                    #expect(try await migrator.migrate(on: connection) == MigrationReport(applied: [2], skipped: [1]))
                }
            }
        }
    }

    @Test func missingFileAndDuplicateVersionsAreErrors() async throws {
        try await withMigrationsCopy { directory in
            try await TestDatabase.withSchema { schema in
                try await schema.withConnection { connection in
                    try "CREATE TABLE two (id int);".write(to: directory.appendingPathComponent("0002_two.sql"), atomically: true, encoding: .utf8)
                    try "not a migration".write(to: directory.appendingPathComponent("README.md"), atomically: true, encoding: .utf8)
                    try "SELECT broken".write(to: directory.appendingPathComponent("0003.sql"), atomically: true, encoding: .utf8)
                    let migrator = Migrator(directory: directory, logger: TestDatabase.logger)
                    #expect(try migrator.loadMigrations().map(\.fileName) == ["0001_initial.sql", "0002_two.sql"])
                    #expect(try await migrator.migrate(on: connection).applied == [1, 2])

                    try FileManager.default.removeItem(at: directory.appendingPathComponent("0002_two.sql"))
                    let missing = await #expect(throws: MigrationError.self) { try await migrator.migrate(on: connection) }
                    guard case .missingFile(2, "two") = missing else {
                        Issue.record("unexpected \(String(describing: missing))")
                        return
                    }

                    try "SELECT 1;".write(to: directory.appendingPathComponent("0002_two.sql"), atomically: true, encoding: .utf8)
                    try "SELECT 1;".write(to: directory.appendingPathComponent("002_again.sql"), atomically: true, encoding: .utf8)
                    let duplicate = #expect(throws: MigrationError.self) { try migrator.loadMigrations() }
                    guard case .duplicateVersion(2, let names) = duplicate else {
                        Issue.record("unexpected \(String(describing: duplicate))")
                        return
                    }
                    #expect(Set(names) == ["0002_two.sql", "002_again.sql"])
                }
            }
        }
    }

    @Test func concurrentMigratorsApplyEachVersionOnce() async throws {
        try await TestDatabase.withSchema { schema in
            let a = try await schema.connect()
            let b = try await schema.connect()
            let migrator = Migrator(directory: Self.migrationsDirectory, logger: TestDatabase.logger)
            async let first = migrator.migrate(on: a)
            async let second = migrator.migrate(on: b)
            let reports = try await [first, second]
            let versions = try migrator.loadMigrations().map(\.version)
            #expect(reports.flatMap(\.applied).sorted() == versions)
            #expect(reports.flatMap(\.skipped).sorted() == versions)
            await a.close()
            await b.close()
        }
    }

    @Test func schemaConstraintsHold() async throws {
        try await TestDatabase.withSchema { schema in
            try await schema.withConnection { connection in
                try await Migrator(directory: Self.migrationsDirectory, logger: TestDatabase.logger).migrate(on: connection)
                let imageID = String(repeating: "ab", count: 32)
                try await connection.execute(
                    "INSERT INTO images (image_id, blob_key, source, byte_size) VALUES ($1, $2, $3, $4)",
                    [imageID, "blobs/ab/" + imageID, "catalog", 1234]
                )
                let badID = await #expect(throws: PostgresError.self) {
                    try await connection.execute(
                        "INSERT INTO images (image_id, blob_key, source, byte_size) VALUES ($1, $2, $3, $4)",
                        [String(repeating: "AB", count: 32), "k", "catalog", 1]
                    )
                }
                #expect(badID?.sqlState == "23514")
                #expect(badID?.constraint == "images_image_id_check")

                let articleID = String(repeating: "cd", count: 32)
                try await connection.execute(
                    """
                    INSERT INTO articles (article_id, image_id, ordinal, super_category, x0, y0, x1, y1, score, crop_blob_key)
                    VALUES ($1, $2, 0, 'upper', 10, 20, 110, 220, 0.9, 'crops/x')
                    """, [articleID, imageID]
                )
                let vector = Float32Vector((0..<1280).map { Float($0) })
                try await connection.execute(
                    "INSERT INTO vectors (article_id, model_version, super_category, dim, shard, vector) VALUES ($1, $2, $3, $4, $5, $6)",
                    [articleID, "lite0-v1", "upper", Int32(1280), Int32(3), vector]
                )
                let wrongDim = await #expect(throws: PostgresError.self) {
                    try await connection.execute(
                        "INSERT INTO vectors (article_id, model_version, super_category, dim, shard, vector) VALUES ($1, $2, $3, $4, $5, $6)",
                        [articleID, "lite0-v2", "upper", Int32(1279), Int32(3), vector]
                    )
                }
                #expect(wrongDim?.sqlState == "23514")
                let wrongCategory = await #expect(throws: PostgresError.self) {
                    try await connection.execute(
                        "INSERT INTO vectors (article_id, model_version, super_category, dim, shard, vector) VALUES ($1, $2, $3, $4, $5, $6)",
                        [articleID, "lite0-v3", "lower", Int32(1280), Int32(3), vector]
                    )
                }
                #expect(wrongCategory?.sqlState == "23503")  // denormalised category must match the article's

                // Deleting the image cascades to its articles and vectors.
                try await connection.execute("DELETE FROM images WHERE image_id = $1", [imageID])
                #expect(try await connection.query("SELECT count(*) FROM vectors")[0].decode(Int.self, at: 0) == 0)

                let job = UUID()
                try await connection.execute("INSERT INTO query_jobs (job_id, top_k) VALUES ($1, $2)", [job, Int32(10)])
                let unfinished = await #expect(throws: PostgresError.self) {
                    try await connection.execute("UPDATE query_jobs SET state = 'partial' WHERE job_id = $1", [job])
                }
                #expect(unfinished?.sqlState == "23514")  // a finished job needs finished_at and a reason
                try await connection.execute(
                    "UPDATE query_jobs SET state = 'partial', reason = $2, started_at = now(), finished_at = now() WHERE job_id = $1",
                    [job, "shard 3 did not answer within 250 ms"]
                )
                try await connection.execute(
                    "INSERT INTO dead_letters (stage, source_topic, source_partition, source_offset, payload, error, error_kind) VALUES ('embed', 'cropped-articles', 0, 42, $1, 'bad', 'decode')",
                    [[UInt8]([1, 2, 3])]
                )
                let duplicateLetter = await #expect(throws: PostgresError.self) {
                    try await connection.execute(
                        "INSERT INTO dead_letters (stage, source_topic, source_partition, source_offset, error, error_kind) VALUES ('embed', 'cropped-articles', 0, 42, 'bad', 'decode')"
                    )
                }
                #expect(duplicateLetter?.sqlState == "23505")
            }
        }
    }
}
