/// JPEG chroma subsampling (horizontal × vertical chroma resolution relative to luma).
public enum ChromaSubsampling: String, Sendable, Hashable, CaseIterable {
    /// 4:4:4 — full-resolution chroma.
    case yuv444 = "4:4:4"
    /// 4:2:2 — half horizontal chroma.
    case yuv422 = "4:2:2"
    /// 4:2:0 — half horizontal and vertical chroma (the encoder's default).
    case yuv420 = "4:2:0"
    /// 4:4:0 — half vertical chroma.
    case yuv440 = "4:4:0"
    /// 4:1:1 — quarter horizontal chroma.
    case yuv411 = "4:1:1"
    /// Grayscale: a single luma component.
    case gray
}
