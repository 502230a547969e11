import Logging

/// Logging to standard error, at `SHOPLOOK_LOG_LEVEL` (default info).
public enum CommandLogging {
    public static func bootstrap(label: String) -> Logger {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = Settings.environment["SHOPLOOK_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
            return handler
        }
        return Logger(label: label)
    }
}
