/// Channel order written into a tensor.
public enum ChannelOrder: Sendable, Hashable {
    case rgb
    /// Reversed, for models trained on OpenCV-loaded (BGR) images.
    case bgr
}
