import ArgumentParser
import Logging

@main
struct ShopLookCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shoplook",
        abstract: "ShopLook: find the catalog products that look like what a person in a photo wears.",
        subcommands: [MigrateCommand.self, IngestCommand.self, EmbedCommand.self, PoseCommand.self, ArticlesCommand.self, EvalCommand.self, TrainCommand.self, BenchCommand.self, StatusCommand.self, SmokeCommand.self]
    )
}

/// Logging to standard error, at `SHOPLOOK_LOG_LEVEL` (default info).
enum CommandLogging {
    static func bootstrap(label: String) -> Logger {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = Settings.environment["SHOPLOOK_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
            return handler
        }
        return Logger(label: label)
    }
}
