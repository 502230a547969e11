/// What the header says about a JPEG, read without decoding pixels.
public struct JPEGInfo: Sendable, Hashable {
    /// Width as displayed (after EXIF orientation).
    public let width: Int
    /// Height as displayed (after EXIF orientation).
    public let height: Int
    /// Width of the stored (coded) image.
    public let storedWidth: Int
    /// Height of the stored (coded) image.
    public let storedHeight: Int
    /// EXIF orientation; `.up` when there is no (valid) Exif segment.
    public let orientation: EXIFOrientation
    /// Colour space of the coded components.
    public let colorSpace: JPEGColorSpace
    /// Chroma subsampling, or `nil` for a layout libjpeg-turbo does not classify.
    public let subsampling: ChromaSubsampling?
    /// Whether the image is progressive.
    public let isProgressive: Bool

    public init(
        storedWidth: Int,
        storedHeight: Int,
        orientation: EXIFOrientation,
        colorSpace: JPEGColorSpace,
        subsampling: ChromaSubsampling?,
        isProgressive: Bool
    ) {
        let displayed = orientation.displayedSize(storedWidth: storedWidth, storedHeight: storedHeight)
        self.width = displayed.width
        self.height = displayed.height
        self.storedWidth = storedWidth
        self.storedHeight = storedHeight
        self.orientation = orientation
        self.colorSpace = colorSpace
        self.subsampling = subsampling
        self.isProgressive = isProgressive
    }

    /// Number of coded components: 1 (gray), 3 (YCbCr/RGB) or 4 (CMYK/YCCK).
    public var componentCount: Int { colorSpace.componentCount }
    /// Displayed size.
    public var size: ImageSize { ImageSize(width: width, height: height) }
}
