/// An 8-bit sRGB colour, used for padding, borders and pixel access.
public struct RGBColor: Sendable, Hashable, CustomStringConvertible {
    public var r: UInt8
    public var g: UInt8
    public var b: UInt8

    public init(r: UInt8, g: UInt8, b: UInt8) {
        self.r = r
        self.g = g
        self.b = b
    }

    /// A grey level (r = g = b).
    public init(gray: UInt8) {
        self.init(r: gray, g: gray, b: gray)
    }

    public static let black = RGBColor(gray: 0)
    public static let white = RGBColor(gray: 255)

    public var description: String { "rgb(\(r), \(g), \(b))" }
}
