import Foundation
import ShopLookBLAS
import ShopLookCore

/// The garment parser's per-cell classifier: a one-hidden-layer perceptron (ReLU) over a cell's backbone
/// features and body-relative position, standardised, giving the probability of each ``GarmentClass``.
///
/// Small on purpose: 166 inputs, 64 hidden units, 8 classes is 11 k weights; a photo's 1,152 cells cost two matrix
/// products (about 13 M multiply-adds), a fraction of the backbone. It is trained on the soft class shares of each
/// cell (``GarmentClassifierTrainer``), so cells on a garment's edge learn to be unsure.
public struct GarmentClassifier: Sendable, Equatable {
    public let inputCount: Int
    public let hiddenCount: Int
    public let classCount: Int
    /// The backbone the features came from (its manifest version id): weights are only valid with it.
    public let backboneVersion: String
    var mean: [Float]
    var scale: [Float]
    var w1: [Float]  // inputCount × hiddenCount
    var b1: [Float]
    var w2: [Float]  // hiddenCount × classCount
    var b2: [Float]

    init(inputCount: Int, hiddenCount: Int, classCount: Int, backboneVersion: String,
         mean: [Float], scale: [Float], w1: [Float], b1: [Float], w2: [Float], b2: [Float]) {
        precondition(mean.count == inputCount && scale.count == inputCount && w1.count == inputCount * hiddenCount
            && b1.count == hiddenCount && w2.count == hiddenCount * classCount && b2.count == classCount)
        self.inputCount = inputCount
        self.hiddenCount = hiddenCount
        self.classCount = classCount
        self.backboneVersion = backboneVersion
        self.mean = mean
        self.scale = scale
        self.w1 = w1
        self.b1 = b1
        self.w2 = w2
        self.b2 = b2
    }

    /// Class probabilities, `rows × classCount`, for `rows` feature rows of `inputCount` values.
    public func probabilities(_ features: [Float], rows: Int) -> [Float] {
        precondition(features.count == rows * inputCount)
        var standardized = features
        for row in 0..<rows {
            let base = row * inputCount
            for column in 0..<inputCount {
                standardized[base + column] = (standardized[base + column] - mean[column]) * scale[column]
            }
        }
        return forward(standardized, rows: rows).probabilities
    }

    /// The forward pass on standardised rows: hidden activations (after ReLU) and probabilities.
    func forward(_ x: [Float], rows: Int) -> (hidden: [Float], probabilities: [Float]) {
        var hidden = Self.product(x, w1, m: rows, n: hiddenCount, k: inputCount)
        for row in 0..<rows {
            for unit in 0..<hiddenCount {
                hidden[row * hiddenCount + unit] = max(0, hidden[row * hiddenCount + unit] + b1[unit])
            }
        }
        var logits = Self.product(hidden, w2, m: rows, n: classCount, k: hiddenCount)
        for row in 0..<rows {
            let base = row * classCount
            var largest = -Float.infinity
            for c in 0..<classCount {
                logits[base + c] += b2[c]
                largest = max(largest, logits[base + c])
            }
            var total: Float = 0
            for c in 0..<classCount {
                logits[base + c] = exp(logits[base + c] - largest)
                total += logits[base + c]
            }
            for c in 0..<classCount { logits[base + c] /= total }
        }
        return (hidden, logits)
    }

    /// op(A) · op(B) of packed row-major arrays, op(A) m × k and op(B) k × n (A is k × m when `transposeA`, B is
    /// n × k when `transposeB`).
    static func product(_ a: [Float], _ b: [Float], m: Int, n: Int, k: Int, transposeA: Bool = false, transposeB: Bool = false) -> [Float] {
        var c = [Float](repeating: 0, count: m * n)
        a.withUnsafeBufferPointer { ap in
            b.withUnsafeBufferPointer { bp in
                c.withUnsafeMutableBufferPointer { cp in
                    BLAS.gemm(
                        transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: 1, a: ap.baseAddress!,
                        lda: transposeA ? m : k, b: bp.baseAddress!, ldb: transposeB ? k : n, beta: 0, c: cp.baseAddress!, ldc: n)
                }
            }
        }
        return c
    }

    // MARK: File

    /// `SLPARSE1`, little-endian u32 input, hidden and class counts, u32 byte length and UTF-8 of the backbone
    /// version, then float32 mean, scale, w1, b1, w2, b2, and the SHA-256 of everything before it.
    static let magic = Array("SLPARSE1".utf8)

    public func serialized() -> [UInt8] {
        var bytes = Self.magic
        func append(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
        append(UInt32(inputCount))
        append(UInt32(hiddenCount))
        append(UInt32(classCount))
        let version = Array(backboneVersion.utf8)
        append(UInt32(version.count))
        bytes += version
        for array in [mean, scale, w1, b1, w2, b2] {
            for value in array { append(value.bitPattern) }
        }
        bytes += SHA256.hash(bytes)
        return bytes
    }

    public init(serialized bytes: [UInt8]) throws(ParserFileError) {
        guard bytes.count >= Self.magic.count + 16 + 32, Array(bytes.prefix(Self.magic.count)) == Self.magic else {
            throw .invalid("not a ShopLook garment parser file (bad magic or too short)")
        }
        let body = Array(bytes.prefix(bytes.count - 32))
        guard SHA256.hash(body) == Array(bytes.suffix(32)) else { throw .invalid("checksum mismatch: the file is corrupt") }
        var offset = Self.magic.count
        func u32() -> UInt32 {
            defer { offset += 4 }
            return body[offset..<(offset + 4)].enumerated().reduce(0) { $0 | UInt32($1.element) << (8 * UInt32($1.offset)) }
        }
        let inputs = Int(u32()), hidden = Int(u32()), classes = Int(u32()), versionLength = Int(u32())
        guard (1...4096).contains(inputs), (1...4096).contains(hidden), classes == GarmentClass.allCases.count, versionLength <= 256,
              offset + versionLength <= body.count else {
            throw .invalid("inconsistent header: \(inputs) inputs, \(hidden) hidden, \(classes) classes")
        }
        let version = String(decoding: body[offset..<(offset + versionLength)], as: UTF8.self)
        offset += versionLength
        let counts = [inputs, inputs, inputs * hidden, hidden, hidden * classes, classes]
        guard body.count == offset + counts.reduce(0, +) * 4 else {
            throw .invalid("\(body.count) bytes, expected \(offset + counts.reduce(0, +) * 4) for \(inputs)×\(hidden)×\(classes)")
        }
        var arrays: [[Float]] = []
        for count in counts {
            arrays.append((0..<count).map { _ in Float(bitPattern: u32()) })
        }
        guard arrays.allSatisfy({ $0.allSatisfy(\.isFinite) }) else { throw .invalid("a weight is not finite") }
        self.init(inputCount: inputs, hiddenCount: hidden, classCount: classes, backboneVersion: version,
                  mean: arrays[0], scale: arrays[1], w1: arrays[2], b1: arrays[3], w2: arrays[4], b2: arrays[5])
    }

    /// A short id of the weights (part of the article-box method's name in logs and reports).
    public var contentID: String { String(SHA256.hexDigest(serialized()).prefix(12)) }
}

public enum ParserFileError: Error, CustomStringConvertible, Equatable, Sendable {
    case invalid(String)

    public var description: String {
        switch self {
        case .invalid(let reason): "garment parser file: \(reason)"
        }
    }
}
