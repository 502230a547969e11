import Foundation

/// Just enough of a protobuf encoder to write ONNX `ModelProto`s for the tests, so they need
/// nothing but `libonnxruntime.so` (no Python, no checked-in model files).
///
/// Field numbers are those of onnx/onnx.proto:
///   ModelProto        ir_version=1 producer_name=2 graph=7 opset_import=8
///   OperatorSetIdProto domain=1 version=2
///   GraphProto        node=1 name=2 initializer=5 input=11 output=12
///   NodeProto         input=1 output=2 name=3 op_type=4 attribute=5
///   AttributeProto    name=1 f=2 i=3 type=20 (FLOAT=1, INT=2)
///   TensorProto       dims=1 data_type=2 name=8 raw_data=9 (FLOAT=1, INT64=7)
///   ValueInfoProto    name=1 type=2
///   TypeProto         tensor_type=1 ; TypeProto.Tensor elem_type=1 shape=2
///   TensorShapeProto  dim=1 ; Dimension dim_value=1 dim_param=2
struct ProtobufWriter {
    private(set) var bytes: [UInt8] = []

    mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    private mutating func key(_ field: Int, _ wireType: UInt64) {
        varint(UInt64(field) << 3 | wireType)
    }

    mutating func int(_ field: Int, _ value: Int64) {
        key(field, 0)
        varint(UInt64(bitPattern: value))  // negative values: 10-byte two's complement, as protobuf does
    }

    mutating func float(_ field: Int, _ value: Float) {
        key(field, 5)
        withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func bytes(_ field: Int, _ value: [UInt8]) {
        key(field, 2)
        varint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    mutating func string(_ field: Int, _ value: String) {
        bytes(field, Array(value.utf8))
    }

    mutating func message(_ field: Int, _ build: (inout ProtobufWriter) -> Void) {
        var inner = ProtobufWriter()
        build(&inner)
        bytes(field, inner.bytes)
    }
}

/// A small ONNX graph description, encoded by ``encode()``.
struct OnnxModelBuilder {
    enum Dim { case fixed(Int), symbolic(String) }
    enum ElementType: Int64 { case float = 1, int64 = 7 }
    enum Attribute { case int(Int64), float(Float) }

    struct ValueInfo { var name: String; var type: ElementType; var dims: [Dim] }
    struct Initializer { var name: String; var type: ElementType; var dims: [Int]; var raw: [UInt8] }
    struct Node { var op: String; var inputs: [String]; var outputs: [String]; var attributes: [(String, Attribute)] = [] }

    var graphName = "shoplook_test"
    var opset: Int64 = 17
    var irVersion: Int64 = 8
    var inputs: [ValueInfo] = []
    var outputs: [ValueInfo] = []
    var initializers: [Initializer] = []
    var nodes: [Node] = []

    mutating func floatInitializer(_ name: String, dims: [Int], _ values: [Float]) {
        precondition(dims.reduce(1, *) == values.count)
        var raw: [UInt8] = []
        for value in values { withUnsafeBytes(of: value.bitPattern.littleEndian) { raw.append(contentsOf: $0) } }
        initializers.append(Initializer(name: name, type: .float, dims: dims, raw: raw))
    }

    mutating func int64Initializer(_ name: String, dims: [Int], _ values: [Int64]) {
        precondition(dims.reduce(1, *) == values.count)
        var raw: [UInt8] = []
        for value in values { withUnsafeBytes(of: value.littleEndian) { raw.append(contentsOf: $0) } }
        initializers.append(Initializer(name: name, type: .int64, dims: dims, raw: raw))
    }

    func encode() -> [UInt8] {
        var model = ProtobufWriter()
        model.int(1, irVersion)
        model.string(2, "shoplook-runtime-tests")
        model.message(7) { graph in
            for node in nodes {
                graph.message(1) { n in
                    for input in node.inputs { n.string(1, input) }
                    for output in node.outputs { n.string(2, output) }
                    n.string(3, node.outputs.first.map { "\(node.op)_\($0)" } ?? node.op)
                    n.string(4, node.op)
                    for (name, attribute) in node.attributes {
                        n.message(5) { a in
                            a.string(1, name)
                            switch attribute {
                            case .float(let f):
                                a.float(2, f)
                                a.int(20, 1)
                            case .int(let i):
                                a.int(3, i)
                                a.int(20, 2)
                            }
                        }
                    }
                }
            }
            graph.string(2, graphName)
            for initializer in initializers {
                graph.message(5) { t in
                    for dim in initializer.dims { t.int(1, Int64(dim)) }
                    t.int(2, initializer.type.rawValue)
                    t.string(8, initializer.name)
                    t.bytes(9, initializer.raw)
                }
            }
            for input in inputs { graph.message(11) { OnnxModelBuilder.valueInfo(&$0, input) } }
            for output in outputs { graph.message(12) { OnnxModelBuilder.valueInfo(&$0, output) } }
        }
        model.message(8) { opsetId in
            opsetId.string(1, "")
            opsetId.int(2, opset)
        }
        return model.bytes
    }

    private static func valueInfo(_ v: inout ProtobufWriter, _ info: ValueInfo) {
        v.string(1, info.name)
        v.message(2) { type in
            type.message(1) { tensor in
                tensor.int(1, info.type.rawValue)
                tensor.message(2) { shape in
                    for dim in info.dims {
                        shape.message(1) { d in
                            switch dim {
                            case .fixed(let n): d.int(1, Int64(n))
                            case .symbolic(let name): d.string(2, name)
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The test models. Tests/Fixtures/make_test_models.py builds the same graphs with the `onnx`
/// package (for cross-checking with onnx.checker and Python onnxruntime).
enum TestModels {
    /// activations[N,3] = Relu(features[N,4] · weights[4,3] + bias[3])  (Gemm + Relu).
    /// Weights and biases are short binary fractions, so with small-integer or half-integer
    /// inputs every product and sum is exact in float32 and the result is exact in any order.
    static let denseWeights: [Float] = [
        0.5, -1.0, 2.0,
        1.5, 0.25, -0.5,
        -2.0, 1.0, 0.75,
        1.0, -0.5, 0.25,
    ]
    static let denseBias: [Float] = [0.5, -0.25, 1.0]

    static func dense() -> [UInt8] {
        var b = OnnxModelBuilder()
        b.graphName = "dense_relu"
        b.inputs = [.init(name: "features", type: .float, dims: [.symbolic("N"), .fixed(4)])]
        b.outputs = [.init(name: "activations", type: .float, dims: [.symbolic("N"), .fixed(3)])]
        b.floatInitializer("weights", dims: [4, 3], denseWeights)
        b.floatInitializer("bias", dims: [3], denseBias)
        b.nodes = [
            .init(op: "Gemm", inputs: ["features", "weights", "bias"], outputs: ["pre_activation"],
                  attributes: [("alpha", .float(1)), ("beta", .float(1)), ("transA", .int(0)), ("transB", .int(0))]),
            .init(op: "Relu", inputs: ["pre_activation"], outputs: ["activations"]),
        ]
        return b.encode()
    }

    /// The expected output of ``dense()``, computed in Swift.
    static func denseExpected(_ features: [Float], batch: Int) -> [Float] {
        var out = [Float](repeating: 0, count: batch * 3)
        for row in 0..<batch {
            for col in 0..<3 {
                var sum = denseBias[col]
                for k in 0..<4 { sum += features[row * 4 + k] * denseWeights[k * 3 + col] }
                out[row * 3 + col] = max(sum, 0)
            }
        }
        return out
    }

    /// With `SHOPLOOK_DUMP_TEST_MODELS=<dir>` set, writes the encoded models there as
    /// dense.onnx / two_outputs.onnx, for `Tests/Fixtures/make_test_models.py --check <dir>`
    /// (onnx.checker + Python onnxruntime against the same expected numbers).
    static func dumpIfRequested() throws {
        guard let dir = ProcessInfo.processInfo.environment["SHOPLOOK_DUMP_TEST_MODELS"], !dir.isEmpty else { return }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try Data(dense()).write(to: URL(fileURLWithPath: dir).appendingPathComponent("dense.onnx"))
        try Data(twoOutputs()).write(to: URL(fileURLWithPath: dir).appendingPathComponent("two_outputs.onnx"))
    }

    /// Two outputs of different shapes: doubled[N,3] = x * 2, total[N,1] = ReduceSum(x, axis 1).
    static func twoOutputs() -> [UInt8] {
        var b = OnnxModelBuilder()
        b.graphName = "two_outputs"
        b.inputs = [.init(name: "x", type: .float, dims: [.symbolic("N"), .fixed(3)])]
        b.outputs = [
            .init(name: "doubled", type: .float, dims: [.symbolic("N"), .fixed(3)]),
            .init(name: "total", type: .float, dims: [.symbolic("N"), .fixed(1)]),
        ]
        b.floatInitializer("two", dims: [], [2])
        b.int64Initializer("axes", dims: [1], [1])
        b.nodes = [
            .init(op: "Mul", inputs: ["x", "two"], outputs: ["doubled"]),
            .init(op: "ReduceSum", inputs: ["x", "axes"], outputs: ["total"], attributes: [("keepdims", .int(1))]),
        ]
        return b.encode()
    }
}
