// `withUnsafeBytes` and `withUnsafeMutableBufferPointer` rethrow untyped errors; these keep
// `throws(ImageError)` intact across the closure.
extension Array where Element == UInt8 {
    func withUnsafeBytesTyped<R>(_ body: (UnsafeRawBufferPointer) throws(ImageError) -> R) throws(ImageError) -> R {
        let result: Result<R, ImageError> = withUnsafeBytes { buffer in
            do throws(ImageError) {
                return .success(try body(buffer))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    mutating func withUnsafeMutableBufferPointerTyped<R>(
        _ body: (UnsafeMutableBufferPointer<UInt8>) throws(ImageError) -> R
    ) throws(ImageError) -> R {
        let result: Result<R, ImageError> = withUnsafeMutableBufferPointer { buffer in
            do throws(ImageError) {
                return .success(try body(buffer))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }
}
