import ArgumentParser

@main
struct ShopLookCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shoplook",
        abstract: "ShopLook: find the catalog products that look like what a person in a photo wears.",
        subcommands: [MigrateCommand.self, IngestCommand.self, EmbedCommand.self, PoseCommand.self, ArticlesCommand.self, EvalCommand.self, TrainCommand.self, BenchCommand.self, StatusCommand.self, SearchCommand.self, LookCommand.self, RemoveCommand.self, ReembedCommand.self, ProduceCommand.self, SmokeCommand.self]
    )
}
