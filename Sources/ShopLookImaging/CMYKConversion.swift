/// Naive CMYK → RGB conversion (no colour management).
enum CMYKConversion {
    /// Converts packed CMYK to packed RGB.
    ///
    /// `inverted`: Adobe applications (and libjpeg when it writes an APP14 "Adobe" marker)
    /// store CMYK inverted (0 = full ink). Browsers and Pillow treat CMYK JPEGs with an Adobe
    /// marker as inverted, and so do we.
    static func convert(
        cmyk: UnsafeBufferPointer<UInt8>,
        into rgb: UnsafeMutableBufferPointer<UInt8>,
        pixelCount: Int,
        inverted: Bool
    ) {
        guard let s = cmyk.baseAddress, let d = rgb.baseAddress,
              cmyk.count >= pixelCount * 4, rgb.count >= pixelCount * 3
        else { return }
        for index in 0..<pixelCount {
            var c = UInt32(s[index * 4])
            var m = UInt32(s[index * 4 + 1])
            var y = UInt32(s[index * 4 + 2])
            var k = UInt32(s[index * 4 + 3])
            if !inverted {
                c = 255 - c
                m = 255 - m
                y = 255 - y
                k = 255 - k
            }
            // Now each value is (255 - ink): channel = (255 - C)(255 - K) / 255, rounded.
            d[index * 3] = UInt8(truncatingIfNeeded: (c * k + 127) / 255)
            d[index * 3 + 1] = UInt8(truncatingIfNeeded: (m * k + 127) / 255)
            d[index * 3 + 2] = UInt8(truncatingIfNeeded: (y * k + 127) / 255)
        }
    }
}
