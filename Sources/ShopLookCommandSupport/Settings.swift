import ArgumentParser
import Foundation
import ShopLookBlobStore
import ShopLookCore
import ShopLookKafka
import ShopLookPostgres

/// The process environment, with the local stack's settings (`.local/stack.env`, written by
/// `Deploy/local/stack start`) filled in where the environment has no value.
public enum Settings {
    public static let environment: [String: String] = {
        var merged = ProcessInfo.processInfo.environment
        if let file = localStackFile(), let text = try? String(contentsOf: file, encoding: .utf8) {
            for line in text.split(separator: "\n") {
                guard let equals = line.firstIndex(of: "="), !line.hasPrefix("#") else { continue }
                let key = String(line[..<equals])
                if merged[key] == nil { merged[key] = String(line[line.index(after: equals)...]) }
            }
        }
        return merged
    }()

    private static func localStackFile() -> URL? {
        if let home = ProcessInfo.processInfo.environment[ShopLookPaths.homeEnvironmentVariable] {
            return URL(fileURLWithPath: home).appendingPathComponent(".local/stack.env")
        }
        var directory = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent(".local/stack.env")
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return nil
    }
}

public struct DatabaseOptions: ParsableArguments {
    @Option(help: "PostgreSQL URL (default: $SHOPLOOK_DATABASE_URL).")
    public var databaseURL: String?

    public init() {}

    public func configuration() throws -> PostgresConfiguration {
        guard let url = databaseURL ?? Settings.environment["SHOPLOOK_DATABASE_URL"] else {
            throw ValidationError(
                "no database given: pass --database-url or set SHOPLOOK_DATABASE_URL (Deploy/local/stack start sets it up locally)")
        }
        return try PostgresConfiguration(url)
    }
}

public struct KafkaOptions: ParsableArguments {
    @Option(help: "Kafka bootstrap servers (default: $SHOPLOOK_KAFKA_BROKERS).")
    public var kafkaBrokers: String?

    @Option(help: "An extra librdkafka property, key=value (repeatable; also $SHOPLOOK_KAFKA_CONFIG).")
    public var kafkaProperty: [String] = []

    @Option(help: "Prefix of the topic names.")
    public var topicPrefix = ""

    public init() {}

    public func configuration(clientID: String) throws -> KafkaConfiguration {
        try KafkaConfiguration.resolve(
            brokers: kafkaBrokers, properties: kafkaProperty, clientID: clientID, environment: Settings.environment)
    }

    public var topics: ShopLookTopics { ShopLookTopics(prefix: topicPrefix) }
}

public struct BlobOptions: ParsableArguments {
    @Option(help: "Root directory of the blob store (default: $SHOPLOOK_BLOB_ROOT).")
    public var blobRoot: String?

    public init() {}

    public func store() throws -> FileBlobStore {
        guard let root = blobRoot ?? Settings.environment["SHOPLOOK_BLOB_ROOT"] else {
            throw ValidationError("no blob store given: pass --blob-root or set SHOPLOOK_BLOB_ROOT")
        }
        return try FileBlobStore(root: URL(fileURLWithPath: root))
    }
}
