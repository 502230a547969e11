/// A letterboxed image and the transform that produced it.
public struct LetterboxedImage: Sendable, Hashable {
    public let image: RGBImage
    public let transform: LetterboxTransform
}
