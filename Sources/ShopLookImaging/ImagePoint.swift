/// A point in continuous image coordinates.
///
/// Convention used throughout the module: an image of size W×H covers the
/// continuous rectangle [0, W] × [0, H]; pixel (i, j) covers [i, i+1] × [j, j+1]
/// and its centre is at (i + 0.5, j + 0.5). Resize, letterbox, crop and
/// `warpAffine` all map these coordinates exactly.
public struct ImagePoint: Sendable, Hashable, CustomStringConvertible {
    public var x: Double
    public var y: Double

    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }

    public var description: String { "(\(x), \(y))" }
}
