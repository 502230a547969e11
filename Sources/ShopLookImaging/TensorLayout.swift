/// Memory layout of a model input tensor for one image.
public enum TensorLayout: Sendable, Hashable {
    /// Planar: all R, then all G, then all B (`[N,] C, H, W`). PyTorch / ONNX default.
    case nchw
    /// Interleaved: R G B per pixel (`[N,] H, W, C`). TensorFlow / TFLite default.
    case nhwc
}
