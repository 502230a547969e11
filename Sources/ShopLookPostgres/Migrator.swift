import ShopLookCore
import Foundation
import Logging

/// Applies the numbered SQL files of a directory (`NNNN_name.sql`; other files are ignored) in version order.
///
/// ``migrate(on:)`` is idempotent and safe to run from several processes at once:
/// 1. it takes the session advisory lock ``advisoryLockKey`` (`pg_advisory_lock`), so concurrent migrators
///    run one after another;
/// 2. creates `schema_migrations(version, name, checksum, applied_at)` if missing (in the first schema of the
///    connection's `search_path`, like the migrations' own unqualified objects);
/// 3. verifies every applied version: its file must still exist (``MigrationError/missingFile(version:name:)``)
///    with the recorded SHA-256 (``MigrationError/editedAfterApply(version:name:recorded:actual:)``) —
///    before anything is applied;
/// 4. applies each pending file in its own transaction together with its `schema_migrations` row, so a failing
///    migration leaves nothing behind (``MigrationError/failed(version:name:underlying:)``).
///
/// Migration files must not contain their own `BEGIN`/`COMMIT`, nor statements that cannot run inside a
/// transaction block (`CREATE INDEX CONCURRENTLY`, `VACUUM`).
public struct Migrator: Sendable {
    /// The key of the session-level advisory lock held while migrating ("ShopLook" in ASCII).
    public static let advisoryLockKey: Int64 = 0x5368_6F70_4C6F_6F6B

    public let directory: URL
    private let logger: Logger

    public init(directory: URL, logger: Logger) {
        self.directory = directory
        self.logger = logger
    }

    /// Reads and checks the migration files, sorted by version.
    public func loadMigrations() throws(MigrationError) -> [Migration] {
        let fileNames: [String]
        do {
            fileNames = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw .unreadable(path: directory.path, reason: "\(error)")
        }
        var migrations: [Migration] = []
        for fileName in fileNames.sorted() {
            guard let (version, name) = Migration.parseFileName(fileName) else { continue }
            let url = directory.appendingPathComponent(fileName)
            let data: Data
            do {
                data = try Data(contentsOf: url)
            } catch {
                throw .unreadable(path: url.path, reason: "\(error)")
            }
            guard let sql = String(data: data, encoding: .utf8) else {
                throw .unreadable(path: url.path, reason: "not valid UTF-8")
            }
            migrations.append(Migration(version: version, name: name, fileName: fileName, sql: sql, checksum: SHA256.hexDigest(data)))
        }
        migrations.sort { $0.version < $1.version }
        let byVersion = Dictionary(grouping: migrations, by: \.version)
        if let (version, duplicates) = byVersion.filter({ $0.value.count > 1 }).min(by: { $0.key < $1.key }) {
            throw .duplicateVersion(version, fileNames: duplicates.map(\.fileName))
        }
        return migrations
    }

    /// Brings the database up to date; see the type's documentation. Throws ``MigrationError`` or
    /// ``PostgresError``.
    @discardableResult
    public func migrate(on connection: PostgresConnection) async throws -> MigrationReport {
        let migrations = try loadMigrations()
        try await connection.execute("SELECT pg_advisory_lock($1)", [Self.advisoryLockKey])
        do {
            let report = try await migrateLocked(connection, migrations)
            try await connection.execute("SELECT pg_advisory_unlock($1)", [Self.advisoryLockKey])
            return report
        } catch {
            _ = try? await connection.execute("SELECT pg_advisory_unlock($1)", [Self.advisoryLockKey])
            throw error
        }
    }

    /// ``migrate(on:)`` on a connection leased from `pool`.
    @discardableResult
    public func migrate(using pool: PostgresPool) async throws -> MigrationReport {
        try await pool.withConnection { connection in try await migrate(on: connection) }
    }

    private func migrateLocked(_ connection: PostgresConnection, _ migrations: [Migration]) async throws -> MigrationReport {
        try await connection.simpleQuery("""
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version    int PRIMARY KEY CHECK (version >= 0),
                name       text NOT NULL,
                checksum   text NOT NULL CHECK (checksum ~ '^[0-9a-f]{64}$'),
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """)
        var recorded: [Int: (name: String, checksum: String)] = [:]
        for row in try await connection.query("SELECT version, name, checksum FROM schema_migrations ORDER BY version") {
            recorded[try row.decode(Int.self, at: 0)] = (try row.decode(String.self, at: 1), try row.decode(String.self, at: 2))
        }

        let files = Dictionary(uniqueKeysWithValues: migrations.map { ($0.version, $0) })
        var report = MigrationReport()
        for (version, entry) in recorded.sorted(by: { $0.key < $1.key }) {
            guard let file = files[version] else {
                throw MigrationError.missingFile(version: version, name: entry.name)
            }
            guard file.checksum == entry.checksum else {
                throw MigrationError.editedAfterApply(version: version, name: entry.name, recorded: entry.checksum, actual: file.checksum)
            }
            if file.name != entry.name {
                logger.warning("migration \(version) was renamed from \(entry.name) to \(file.name) (content unchanged)")
            }
            report.skipped.append(version)
        }

        let newest = recorded.keys.max() ?? Int.min
        for migration in migrations where recorded[migration.version] == nil {
            if migration.version < newest {
                logger.warning("applying migration \(migration.version) after the newer \(newest) (out of order)")
            }
            logger.info("applying migration \(migration.fileName)")
            do {
                try await connection.transaction { connection in
                    try await connection.simpleQuery(migration.sql)
                    try await connection.execute(
                        "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
                        [migration.version, migration.name, migration.checksum]
                    )
                }
            } catch let error as PostgresError {
                throw MigrationError.failed(version: migration.version, name: migration.name, underlying: error)
            }
            report.applied.append(migration.version)
        }
        return report
    }
}
