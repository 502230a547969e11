extension RGBImage {
    /// The image flipped left to right (column x becomes column width − 1 − x). Training augmentation: a person
    /// facing the camera is still facing it in the mirror, and the pose models see a new photo.
    public func mirroredHorizontally() -> RGBImage {
        let stride = rowStride
        return RGBImage(width: width, height: height) { out in
            pixels.withUnsafeBufferPointer { source in
                for y in 0..<height {
                    let row = y * stride
                    for x in 0..<width {
                        let from = row + x * 3, to = row + (width - 1 - x) * 3
                        out[to] = source[from]
                        out[to + 1] = source[from + 1]
                        out[to + 2] = source[from + 2]
                    }
                }
            }
        }
    }
}
