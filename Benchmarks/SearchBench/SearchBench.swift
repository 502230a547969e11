import ArgumentParser

@main
struct SearchBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shoplook-search-bench",
        abstract: "Parts of Benchmarks/run-search-bench: load a synthetic catalog, time searches through the searchers and in process, watch uploads become searchable.",
        subcommands: [LoadCommand.self, QueryCommand.self, InProcessCommand.self, WatchCommand.self])
}
