import ArgumentParser
import Foundation
import ShopLookCore
import ShopLookImaging
import ShopLookRuntimes
import ShopLookVision

struct VisionOptions: ParsableArguments {
    @Option(help: "Folder of the fetched models (default: $SHOPLOOK_MODELS or the project's .models/).")
    var models: String?

    @Option(help: "Inference threads.")
    var threads = 1

    @Option(help: "How a crop becomes the model's input: center-crop, pad, or multi-view (both, concatenated).")
    var framing: EmbeddingFraming = .multiView

    @Option(help: "Learned projection file, or 'none' for the plain ImageNet features (default: the project's Models/fashion-projection.slproj).")
    var projection: String?

    func validate() throws {
        guard (1...64).contains(threads) else { throw ValidationError("--threads must be 1-64") }
    }

    func modelFiles() throws -> ModelFiles {
        if let models { return ModelFiles(directory: URL(fileURLWithPath: models)) }
        return try ModelFiles.locate(environment: Settings.environment)
    }

    func loadProjection() throws -> LinearProjection? {
        if projection == "none" { return nil }
        let url: URL
        if let projection {
            url = URL(fileURLWithPath: projection)
        } else {
            guard let directory = try? ShopLookPaths.directory(named: "Models") else { return nil }
            url = directory.appendingPathComponent(LinearProjection.defaultFileName)
            guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        }
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw ValidationError("cannot read the projection file \(url.path)")
        }
        return try LinearProjection(serialized: [UInt8](data))
    }

    func embedder() throws -> ImageEmbedder {
        try ImageEmbedder(models: try modelFiles(), threads: threads, framing: framing, projection: try loadProjection())
    }
}

extension EmbeddingFraming: ExpressibleByArgument {}

/// Product photos from files, prepared concurrently, embedded in batches, in input order.
struct ProductPhotoBatch {
    let embedder: ImageEmbedder
    var mirrored = false
    let preparer = ProductPhotoPreparer()

    /// Calls `each` for every file in order with its embedding or its error.
    func embed(files: [String], batchSize: Int = 16, _ each: (String, Result<(PreparedProductPhoto, Embedding), VisionError>) throws -> Void) async throws {
        var start = 0
        while start < files.count {
            let chunk = Array(files[start..<min(start + batchSize, files.count)])
            start += chunk.count
            let preparer = self.preparer
            let prepared: [Result<PreparedProductPhoto, VisionError>] = await withTaskGroup(of: (Int, Result<PreparedProductPhoto, VisionError>).self) { group in
                for (index, file) in chunk.enumerated() {
                    group.addTask {
                        guard let data = FileManager.default.contents(atPath: file) else {
                            return (index, .failure(.invalidArgument("cannot read the file")))
                        }
                        return (index, Result { () throws(VisionError) in try preparer.prepare([UInt8](data)) })
                    }
                }
                var results = [Result<PreparedProductPhoto, VisionError>?](repeating: nil, count: chunk.count)
                for await (index, result) in group { results[index] = result }
                return results.map { $0! }
            }
            let good = prepared.compactMap { try? $0.get() }
            let embeddings: [Embedding]
            do {
                embeddings = try await embedder.embed(
                    good.map(\.image), paddings: good.map { $0.background ?? RGBColor(r: 255, g: 255, b: 255) }, mirrored: mirrored)
            } catch {
                for file in chunk { try each(file, .failure(error)) }
                continue
            }
            var next = embeddings.makeIterator()
            for (file, result) in zip(chunk, prepared) {
                switch result {
                case .success(let photo): try each(file, .success((photo, next.next()!)))
                case .failure(let error): try each(file, .failure(error))
                }
            }
        }
    }
}
