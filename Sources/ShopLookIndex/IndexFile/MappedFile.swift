#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A read-only memory map of a whole file.
final class MappedFile: @unchecked Sendable {
    let base: UnsafeRawPointer
    let length: Int

    init(path: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw IndexError.io(path: path, operation: "open", errno: errno) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw IndexError.io(path: path, operation: "fstat", errno: errno) }
        length = Int(st.st_size)
        if length == 0 {
            base = UnsafeRawPointer(bitPattern: 64)!  // never dereferenced: size checks fail first
            return
        }
        guard let p = mmap(nil, length, PROT_READ, MAP_PRIVATE, fd, 0), p != MAP_FAILED else {
            throw IndexError.io(path: path, operation: "mmap", errno: errno)
        }
        base = UnsafeRawPointer(p)
    }

    /// The whole file.
    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: length) }

    deinit {
        if length > 0 { munmap(UnsafeMutableRawPointer(mutating: base), length) }
    }
}
