import Foundation
import ShopLookImaging
import ShopLookVision

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
