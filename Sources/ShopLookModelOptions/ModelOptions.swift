import ArgumentParser
import Foundation
import ShopLookCommandSupport
import ShopLookRuntimes

/// Where the fetched models and runtimes are (`--models`, else `$SHOPLOOK_MODELS`, else the project's `.models/`).
public struct ModelOptions: ParsableArguments {
    @Option(help: "Folder of the fetched models (default: $SHOPLOOK_MODELS or the project's .models/).")
    public var models: String?

    public init() {}

    public func modelFiles() throws -> ModelFiles {
        if let models { return ModelFiles(directory: URL(fileURLWithPath: models)) }
        return try ModelFiles.locate(environment: Settings.environment)
    }
}
