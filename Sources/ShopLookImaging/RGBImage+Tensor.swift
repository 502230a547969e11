extension RGBImage {
    /// Number of floats one image occupies in a tensor (`3 × width × height`).
    public var tensorElementCount: Int { width * height * 3 }

    /// A new `[C, H, W]` (`.nchw`) or `[H, W, C]` (`.nhwc`) float tensor of this image.
    public func toTensor(
        layout: TensorLayout,
        normalization: TensorNormalization = .unit,
        channelOrder: ChannelOrder = .rgb
    ) throws(ImageError) -> [Float] {
        let count = tensorElementCount
        var tensor = [Float](repeating: 0, count: count)
        try tensor.withUnsafeMutableBufferPointer { (buffer) throws(ImageError) in
            try writeTensor(into: buffer, layout: layout, normalization: normalization, channelOrder: channelOrder)
        }
        return tensor
    }

    /// Writes this image into `tensor` starting at `offset` (e.g. `n * tensorElementCount` for
    /// batch item `n`). Throws when the buffer is too short or the normalisation is invalid.
    public func writeTensor(
        into tensor: inout [Float],
        offset: Int = 0,
        layout: TensorLayout,
        normalization: TensorNormalization = .unit,
        channelOrder: ChannelOrder = .rgb
    ) throws(ImageError) {
        let count = tensorElementCount
        guard offset >= 0, offset <= tensor.count - count else {
            throw .invalidArgument("tensor of \(tensor.count) floats cannot hold \(count) floats at offset \(offset)")
        }
        try tensor.withUnsafeMutableBufferPointer { (buffer) throws(ImageError) in
            let slice = UnsafeMutableBufferPointer(rebasing: buffer[offset..<(offset + count)])
            try writeTensor(into: slice, layout: layout, normalization: normalization, channelOrder: channelOrder)
        }
    }

    /// Writes this image into the first `tensorElementCount` floats of `tensor` in one pass.
    /// Each byte goes through a precomputed 256-entry table per channel.
    public func writeTensor(
        into tensor: UnsafeMutableBufferPointer<Float>,
        layout: TensorLayout,
        normalization: TensorNormalization = .unit,
        channelOrder: ChannelOrder = .rgb
    ) throws(ImageError) {
        let pixelCount = width * height
        guard tensor.count >= pixelCount * 3, let t = tensor.baseAddress else {
            throw .invalidArgument("tensor of \(tensor.count) floats cannot hold \(pixelCount * 3) floats")
        }
        guard normalization.isValid else {
            throw .invalidArgument("normalisation needs finite values and non-zero std")
        }
        // Lookup tables: lut[c * 256 + byte] for source channel c (R, G, B).
        var lut = [Float](repeating: 0, count: 3 * 256)
        for c in 0..<3 {
            let mean = normalization.mean[c], std = normalization.std[c]
            for byte in 0..<256 {
                lut[c * 256 + byte] = (Float(byte) * normalization.scale - mean) / std
            }
        }
        // Destination channel slot for source channel c.
        let slot: (Int, Int, Int) = channelOrder == .rgb ? (0, 1, 2) : (2, 1, 0)
        lut.withUnsafeBufferPointer { table in
            guard let l = table.baseAddress else { return }
            let lr = l, lg = l + 256, lb = l + 512
            pixels.withUnsafeBufferPointer { src in
                guard let s = src.baseAddress else { return }
                switch layout {
                case .nchw:
                    let planeR = t + slot.0 * pixelCount
                    let planeG = t + slot.1 * pixelCount
                    let planeB = t + slot.2 * pixelCount
                    for i in 0..<pixelCount {
                        planeR[i] = lr[Int(s[3 * i])]
                        planeG[i] = lg[Int(s[3 * i + 1])]
                        planeB[i] = lb[Int(s[3 * i + 2])]
                    }
                case .nhwc:
                    for i in 0..<pixelCount {
                        t[3 * i + slot.0] = lr[Int(s[3 * i])]
                        t[3 * i + slot.1] = lg[Int(s[3 * i + 1])]
                        t[3 * i + slot.2] = lb[Int(s[3 * i + 2])]
                    }
                }
            }
        }
    }
}
