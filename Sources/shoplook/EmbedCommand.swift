import ArgumentParser
import Foundation
import ShopLookCommandSupport
import ShopLookModelOptions
import ShopLookVision

struct EmbedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Embed product photos exactly as the catalog pipeline does; one JSON object per line.",
        discussion: """
            Prints {"file", "model", "dim", "vector"} per file, or {"file", "error"} for a file that cannot be \
            embedded (the command goes on).
            """)

    @OptionGroup var vision: VisionOptions

    @Argument(help: "JPEG files.")
    var files: [String]

    func run() async throws {
        let embedder = try vision.embedder()
        let output = JSONLineWriter()
        try await ProductPhotoBatch(embedder: embedder).embed(files: files) { file, result in
            switch result {
            case .success((_, let embedding)):
                output.write(["file": file, "model": embedder.modelVersion, "dim": embedding.vector.count, "vector": embedding.vector])
            case .failure(let error):
                output.write(["file": file, "error": "\(error)"])
            }
        }
    }
}

/// Writes JSON objects one per line to standard output, keys sorted.
struct JSONLineWriter {
    func write(_ object: [String: Any]) {
        let fields = object.keys.sorted().map { key in "\(quote(key)):\(encode(object[key]!))" }
        FileHandle.standardOutput.write(Data(("{" + fields.joined(separator: ",") + "}\n").utf8))
    }

    private func encode(_ value: Any) -> String {
        switch value {
        case let text as String: return quote(text)
        case let number as Int: return String(number)
        case let number as Double: return number.isFinite ? "\(number)" : "null"
        case let number as Float: return number.isFinite ? "\(number)" : "null"
        case let flag as Bool: return flag ? "true" : "false"
        case let numbers as [Float]: return "[" + numbers.map { $0.isFinite ? "\($0)" : "null" }.joined(separator: ",") + "]"
        case let numbers as [Double]: return "[" + numbers.map { $0.isFinite ? "\($0)" : "null" }.joined(separator: ",") + "]"
        case let values as [Any]: return "[" + values.map(encode).joined(separator: ",") + "]"
        case let object as [String: Any]:
            return "{" + object.keys.sorted().map { "\(quote($0)):\(encode(object[$0]!))" }.joined(separator: ",") + "}"
        default: return quote("\(value)")
        }
    }

    private func quote(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20: result += String(format: "\\u%04x", scalar.value)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
