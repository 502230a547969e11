/// Element type of a model input or output, as reported by the runtime.
public enum TensorElementType: Sendable, Equatable, CustomStringConvertible {
    case float32
    case float16
    case float64
    case int8
    case uint8
    case int16
    case int32
    case int64
    case bool
    /// Anything else, with the runtime's own type code.
    case other(Int32)

    public var description: String {
        switch self {
        case .float32: "float32"
        case .float16: "float16"
        case .float64: "float64"
        case .int8: "int8"
        case .uint8: "uint8"
        case .int16: "int16"
        case .int32: "int32"
        case .int64: "int64"
        case .bool: "bool"
        case .other(let code): "type#\(code)"
        }
    }
}

/// Name, element type and shape of a model input or output. Dynamic dimensions are `-1`.
public struct TensorInfo: Sendable, Equatable, CustomStringConvertible {
    public var name: String
    public var elementType: TensorElementType
    public var shape: [Int]

    public init(name: String, elementType: TensorElementType, shape: [Int]) {
        self.name = name
        self.elementType = elementType
        self.shape = shape
    }

    /// Number of elements, or nil when a dimension is dynamic.
    public var elementCount: Int? {
        shape.contains { $0 < 0 } ? nil : shape.reduce(1, *)
    }

    public var description: String {
        "\(name): \(elementType)[\(shape.map { $0 < 0 ? "?" : String($0) }.joined(separator: "×"))]"
    }
}

/// A dense, row-major float32 tensor: a shape and its data. `data.count` must equal the product
/// of `shape` (checked by the runtimes before use).
public struct FloatTensor: Sendable, Equatable {
    public var shape: [Int]
    public var data: [Float]

    public init(shape: [Int], data: [Float]) {
        self.shape = shape
        self.data = data
    }

    public init(shape: [Int], repeating value: Float = 0) {
        self.shape = shape
        self.data = [Float](repeating: value, count: FloatTensor.count(of: shape))
    }

    /// Product of `shape` (1 for a scalar), 0 when any dimension is negative.
    public var elementCount: Int { FloatTensor.count(of: shape) }

    static func count(of shape: [Int]) -> Int {
        shape.contains { $0 < 0 } ? 0 : shape.reduce(1, *)
    }

    /// Throws `.invalidArgument` unless the shape is non-negative and matches `data.count`.
    func validate(_ what: String) throws(RuntimeError) {
        if shape.contains(where: { $0 < 0 }) {
            throw .invalidArgument("\(what): negative dimension in shape \(shape)")
        }
        if elementCount != data.count {
            throw .invalidArgument(
                "\(what): shape \(shape) holds \(elementCount) elements but \(data.count) values were given")
        }
    }
}
