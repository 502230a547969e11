import ArgumentParser
import Foundation
import ShopLookCommandSupport
import ShopLookCore
import ShopLookPostgres

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply the pending SQL migrations (idempotent; refuses to run when an applied file was edited).")

    @OptionGroup var database: DatabaseOptions

    @Option(help: "Directory of NNNN_name.sql files (default: Migrations/ of the project, see SHOPLOOK_HOME).")
    var migrations: String?

    func run() async throws {
        let logger = CommandLogging.bootstrap(label: "shoplook.migrate")
        let directory = try migrations.map { URL(fileURLWithPath: $0) } ?? ShopLookPaths.directory(named: "Migrations")
        let pool = PostgresPool(configuration: try database.configuration(), maximumConnections: 1, logger: logger)
        do {
            let report = try await Migrator(directory: directory, logger: logger).migrate(using: pool)
            print(report)
            await pool.close()
        } catch {
            await pool.close()
            throw error
        }
    }
}
