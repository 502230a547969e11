/// An 8-bit RGB image: interleaved R, G, B bytes, row-major, no padding
/// (row stride = `width * 3`). Always "as displayed": decoders apply EXIF orientation.
public struct RGBImage: Sendable, Hashable {
    public let width: Int
    public let height: Int
    /// `width * height * 3` bytes, R G B R G B …
    public internal(set) var pixels: [UInt8]

    /// Wraps existing pixels; throws when the count is not `width * height * 3`.
    public init(width: Int, height: Int, pixels: [UInt8]) throws(ImageError) {
        let count = try RGBImage.byteCount(width: width, height: height)
        guard pixels.count == count else {
            throw .invalidArgument("expected \(count) bytes for \(width)x\(height) RGB, got \(pixels.count)")
        }
        self.init(unchecked: width, height, pixels)
    }

    /// A new image filled with one colour.
    public init(width: Int, height: Int, fill color: RGBColor = .black) throws(ImageError) {
        let count = try RGBImage.byteCount(width: width, height: height)
        var pixels = [UInt8](repeating: 0, count: count)
        if color != .black {
            pixels.withUnsafeMutableBufferPointer { buffer in
                var index = 0
                while index < count {
                    buffer[index] = color.r
                    buffer[index + 1] = color.g
                    buffer[index + 2] = color.b
                    index += 3
                }
            }
        }
        self.init(unchecked: width, height, pixels)
    }

    /// Builds an image by filling an uninitialised pixel buffer; `body` must write every byte.
    init(width: Int, height: Int, initializingPixelsWith body: (UnsafeMutableBufferPointer<UInt8>) -> Void) {
        let count = width * height * 3
        let pixels = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            body(UnsafeMutableBufferPointer(rebasing: buffer[0..<count]))
            initialized = count
        }
        self.init(unchecked: width, height, pixels)
    }

    init(unchecked width: Int, _ height: Int, _ pixels: [UInt8]) {
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    public var size: ImageSize { ImageSize(width: width, height: height) }
    /// The whole image as a rectangle.
    public var bounds: PixelRect { PixelRect(x: 0, y: 0, width: width, height: height) }
    /// Bytes per row (`width * 3`).
    public var rowStride: Int { width * 3 }

    /// The colour at column `x`, row `y` (both must be in range).
    public subscript(x: Int, y: Int) -> RGBColor {
        get {
            precondition(x >= 0 && x < width && y >= 0 && y < height, "pixel (\(x), \(y)) outside \(width)x\(height)")
            let index = (y * width + x) * 3
            return RGBColor(r: pixels[index], g: pixels[index + 1], b: pixels[index + 2])
        }
        set {
            precondition(x >= 0 && x < width && y >= 0 && y < height, "pixel (\(x), \(y)) outside \(width)x\(height)")
            let index = (y * width + x) * 3
            pixels[index] = newValue.r
            pixels[index + 1] = newValue.g
            pixels[index + 2] = newValue.b
        }
    }

    /// Read-only access to the raw interleaved bytes.
    public func withUnsafePixels<R, E: Error>(_ body: (UnsafeBufferPointer<UInt8>) throws(E) -> R) throws(E) -> R {
        let result: Result<R, E> = pixels.withUnsafeBufferPointer { buffer in
            do throws(E) {
                return .success(try body(buffer))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    static func byteCount(width: Int, height: Int) throws(ImageError) -> Int {
        guard width > 0, height > 0 else {
            throw .invalidArgument("image size must be positive, got \(width)x\(height)")
        }
        let (pixels, overflow1) = width.multipliedReportingOverflow(by: height)
        let (bytes, overflow2) = pixels.multipliedReportingOverflow(by: 3)
        guard !overflow1, !overflow2, bytes <= Int(Int32.max) else {
            throw .invalidArgument("image size \(width)x\(height) is too large")
        }
        return bytes
    }
}
