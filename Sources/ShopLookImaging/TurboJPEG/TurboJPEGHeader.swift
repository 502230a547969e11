struct TurboJPEGHeader: Sendable, Equatable {
    let width: Int
    let height: Int
    let subsampling: ChromaSubsampling?
    let colorSpace: JPEGColorSpace
}
