/// A DCT-domain scaling factor that libjpeg-turbo applies while decoding (1/1, 7/8, … 1/8).
public struct JPEGScalingFactor: Sendable, Hashable, CustomStringConvertible {
    public let numerator: Int
    public let denominator: Int

    public init(numerator: Int, denominator: Int) {
        self.numerator = numerator
        self.denominator = denominator
    }

    public static let one = JPEGScalingFactor(numerator: 1, denominator: 1)

    /// The scaled length of one dimension, exactly as libjpeg-turbo's `TJSCALED` rounds it (up).
    public func scale(_ dimension: Int) -> Int {
        (dimension * numerator + denominator - 1) / denominator
    }

    public var value: Double { Double(numerator) / Double(denominator) }

    public var description: String { "\(numerator)/\(denominator)" }
}
