/// Resampling filter for `RGBImage.resized`.
public enum ResizeFilter: Sendable, Hashable {
    /// Bilinear interpolation with half-pixel centres (as OpenCV `INTER_LINEAR`, PyTorch
    /// `align_corners=false`, no antialiasing). Good for upscaling and mild downscaling;
    /// aliases when shrinking by ≥ 2×.
    case bilinear
    /// Box filter: each output pixel is the exact area-weighted mean of the source pixels it
    /// covers (as OpenCV `INTER_AREA`). Use for downscaling by large factors.
    case area
    /// `.area` when either axis shrinks by 2× or more, otherwise `.bilinear`.
    case automatic
}
