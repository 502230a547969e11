/// The EXIF Orientation tag (0x0112): how the stored pixels must be transformed
/// to appear as a viewer displays them. Case names describe the stored image
/// relative to the displayed one, following the EXIF "0th row / 0th column" table.
public enum EXIFOrientation: Int, Sendable, Hashable, CaseIterable {
    /// 1: row 0 is the visual top, column 0 the visual left (no transform).
    case up = 1
    /// 2: row 0 top, column 0 right — mirrored horizontally.
    case upMirrored = 2
    /// 3: row 0 bottom, column 0 right — rotated 180°.
    case down = 3
    /// 4: row 0 bottom, column 0 left — mirrored vertically.
    case downMirrored = 4
    /// 5: row 0 left, column 0 top — transposed.
    case leftMirrored = 5
    /// 6: row 0 right, column 0 top — display by rotating 90° clockwise.
    case right = 6
    /// 7: row 0 right, column 0 bottom — transversed.
    case rightMirrored = 7
    /// 8: row 0 left, column 0 bottom — display by rotating 90° counter-clockwise.
    case left = 8

    /// Whether width and height swap between stored and displayed frames (orientations 5–8).
    public var swapsDimensions: Bool { rawValue >= 5 }

    /// The displayed size of a stored `width × height` image.
    public func displayedSize(storedWidth width: Int, storedHeight height: Int) -> ImageSize {
        swapsDimensions ? ImageSize(width: height, height: width) : ImageSize(width: width, height: height)
    }

    /// Where the stored pixel (x, y) of a `width × height` image lands when displayed.
    public func displayedPixel(x: Int, y: Int, storedWidth width: Int, storedHeight height: Int) -> (x: Int, y: Int) {
        switch self {
        case .up: (x, y)
        case .upMirrored: (width - 1 - x, y)
        case .down: (width - 1 - x, height - 1 - y)
        case .downMirrored: (x, height - 1 - y)
        case .leftMirrored: (y, x)
        case .right: (height - 1 - y, x)
        case .rightMirrored: (height - 1 - y, width - 1 - x)
        case .left: (y, width - 1 - x)
        }
    }
}
