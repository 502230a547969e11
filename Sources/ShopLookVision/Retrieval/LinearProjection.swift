import Foundation
import ShopLookCore

/// A learned projection of image features for fashion similarity.
///
/// `z = normalize(Wᵀ x̂)` with `x̂` the L2-normalised input feature and `W` of shape `inputDimension ×
/// outputDimension` (row-major). The embedding searched is `normalize([√α · x̂ ; √(1−α) · z])`, so the cosine
/// of two embeddings is `α · cos(x̂₁, x̂₂) + (1 − α) · cos(z₁, z₂)`: a blend of the generic ImageNet similarity
/// (which keeps looks apart within a class) and the learned one (which keeps classes apart). With α = 0 the
/// embedding is `z` alone.
public struct LinearProjection: Sendable, Equatable {
    public var weights: Matrix
    public var blend: Float
    /// For a street projection: the ``contentID`` of the catalog projection it was adapted from
    /// (``ProjectionTrainer/adapt(_:features:labels:proxies:)``). It maps a look's street crops into that projection's
    /// space, so its vectors search a catalog embedded with that projection; it never embeds a catalog itself.
    public var adaptedFrom: String?

    /// The weights are kept at half precision (rounded here), as they are stored.
    public init(weights: Matrix, blend: Float, adaptedFrom: String? = nil) {
        precondition((0...1).contains(blend), "blend must be in 0...1")
        precondition(adaptedFrom.map(Self.isContentID) ?? true, "adaptedFrom must be a content id (12 hex digits)")
        var rounded = weights
        for index in rounded.values.indices { rounded.values[index] = Float(Float16(rounded.values[index])) }
        self.weights = rounded
        self.blend = blend
        self.adaptedFrom = adaptedFrom
    }

    static func isContentID(_ text: String) -> Bool {
        text.utf8.count == 12 && text.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0) }
    }

    public var inputDimension: Int { weights.rows }
    public var projectedDimension: Int { weights.columns }
    /// The width of the embeddings this projection produces.
    public var outputDimension: Int { blend > 0 ? inputDimension + projectedDimension : projectedDimension }

    /// Embeds feature rows (any norm). Output rows are unit-norm.
    public func apply(_ features: Matrix) -> Matrix {
        precondition(features.columns == inputDimension, "features have \(features.columns) columns, the projection expects \(inputDimension)")
        var normalized = features
        normalized.normalizeRows()
        var projected = normalized.multiplied(by: weights)
        projected.normalizeRows()
        guard blend > 0 else { return projected }
        let a = blend.squareRoot()
        let b = (1 - blend).squareRoot()
        var output = Matrix(rows: features.rows, columns: outputDimension)
        for row in 0..<features.rows {
            let base = row * outputDimension
            for (offset, value) in normalized.row(row).enumerated() { output.values[base + offset] = a * value }
            for (offset, value) in projected.row(row).enumerated() { output.values[base + inputDimension + offset] = b * value }
        }
        output.normalizeRows()
        return output
    }

    // MARK: File format

    /// The file name of the project's trained projection for the multi-view framing, under `Models/`.
    public static let defaultFileName = "fashion-projection.slproj"

    /// The file name of the project's trained projection for `framing`, under `Models/`: the banded framing has its
    /// own (3 × 1280 inputs); the others share the multi-view one, trained on its 2 × 1280.
    public static func defaultFileName(for framing: EmbeddingFraming) -> String {
        framing == .banded ? "fashion-projection-banded.slproj" : defaultFileName
    }

    /// `SLPROJ02`, then little-endian u32 input dimension, u32 projected dimension, f32 blend, the weights as
    /// f16 (row-major), and the SHA-256 of everything before it. An adapted projection is `SLPROJ03`: the same, with
    /// the 12 ASCII hex digits of ``adaptedFrom`` after the blend.
    static let magic = Array("SLPROJ02".utf8)
    static let adaptedMagic = Array("SLPROJ03".utf8)

    public func serialized() -> [UInt8] {
        var bytes = adaptedFrom == nil ? Self.magic : Self.adaptedMagic
        func append<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
        append(UInt32(inputDimension))
        append(UInt32(projectedDimension))
        append(blend.bitPattern)
        if let adaptedFrom { bytes += Array(adaptedFrom.utf8) }
        for value in weights.values { append(Float16(value).bitPattern) }
        bytes += SHA256.hash(bytes)
        return bytes
    }

    public init(serialized bytes: [UInt8]) throws(ProjectionFileError) {
        let magic = Array(bytes.prefix(Self.magic.count))
        let adapted = magic == Self.adaptedMagic
        let header = Self.magic.count + 12 + (adapted ? 12 : 0)
        guard bytes.count >= header + 32, magic == Self.magic || adapted else {
            throw .invalid("not a ShopLook projection file (bad magic or too short)")
        }
        let body = bytes.prefix(bytes.count - 32)
        guard SHA256.hash(body) == Array(bytes.suffix(32)) else { throw .invalid("checksum mismatch: the file is corrupt") }
        func u32(_ offset: Int) -> UInt32 {
            bytes[offset..<(offset + 4)].enumerated().reduce(0) { $0 | UInt32($1.element) << (8 * UInt32($1.offset)) }
        }
        let input = Int(u32(8))
        let output = Int(u32(12))
        let blend = Float(bitPattern: u32(16))
        guard input > 0, output > 0, body.count == header + input * output * 2, (0...1).contains(blend) else {
            throw .invalid("inconsistent header: \(input)×\(output), blend \(blend), \(body.count) bytes")
        }
        var base: String?
        if adapted {
            let text = String(decoding: bytes[20..<32], as: UTF8.self)
            guard Self.isContentID(text), blend == 0 else { throw .invalid("an adapted projection names its base by 12 hex digits and has no blend") }
            base = text
        }
        let values = (0..<(input * output)).map { index in
            let offset = header + index * 2
            return Float(Float16(bitPattern: UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8))
        }
        self.init(weights: Matrix(rows: input, columns: output, values: values), blend: blend, adaptedFrom: base)
    }

    /// A short id of the file's contents, part of the model version of vectors made with it.
    public var contentID: String {
        String(SHA256.hexDigest(serialized()).prefix(12))
    }
}

public enum ProjectionFileError: Error, CustomStringConvertible, Equatable, Sendable {
    case invalid(String)

    public var description: String {
        switch self {
        case .invalid(let reason): return "projection file: \(reason)"
        }
    }
}
