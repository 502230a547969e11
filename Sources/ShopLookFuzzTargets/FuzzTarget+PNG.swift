import ShopLookImaging

extension FuzzTarget {
    /// The PNG path: libpng's simplified API behind PNGDecoder, and ImageDecoder's dispatch to it.
    static let png = FuzzTarget(
        name: "png",
        summary: """
            the input with its chunk CRCs repaired (so mutations reach the decoder), through PNGDecoder.size and \
            decode and ImageDecoder.size: a header refusal is the decode's refusal; an accepted size is within the \
            limits and the one ImageDecoder reads; a decoded image has it and width × height × 3 bytes; every error \
            is the kind its input calls for, with a reason
            """
    ) { (input) throws(FuzzFailure) in
        let check = Invariants(target: "png")
        let bytes = ImageFormat.detect(input) == .png ? PNGChunks.repairingCRCs(input) : Array(input)
        let decoder = PNGDecoder(limits: imageLimits)
        let size = Result { () throws(ImageError) in try decoder.size(bytes) }
        let decoded = Result { () throws(ImageError) in try decoder.decode(bytes) }
        let dispatched = Result { () throws(ImageError) in try ImageDecoder(limits: imageLimits).size(bytes) }
        let detected = ImageFormat.detect(bytes)
        switch (size, decoded) {
        case (.failure(let sizeError), .failure(let decodeError)):
            try check.require(sizeError == decodeError, "the header was refused with \(sizeError) but the decode with \(decodeError)")
            try checkImageError(sizeError, detected: detected, byteCount: bytes.count, expecting: .png, check: check)
        case (.failure(let error), .success):
            throw check.failure("the header was refused (\(error)) but the decode succeeded")
        case (.success(let size), .failure(let error)):
            try check.require(imageLimits.allows(width: size.width, height: size.height), "a header of \(size) was accepted beyond the limits")
            guard case .corruptPNG(let reason) = error, !reason.isEmpty else {
                throw check.failure("the header was accepted but the decode failed with \(error)")
            }
        case (.success(let size), .success(let image)):
            try check.require(imageLimits.allows(width: size.width, height: size.height), "a header of \(size) was accepted beyond the limits")
            try check.require(image.size == size, "decoded \(image.size), the header says \(size)")
            try check.require(image.pixels.count == size.width * size.height * 3, "\(image.pixels.count) bytes for \(size)")
        }
        if detected == .png {
            try check.require(dispatched == size, "ImageDecoder.size gives \(dispatched), PNGDecoder.size \(size)")
        }
    }
}
