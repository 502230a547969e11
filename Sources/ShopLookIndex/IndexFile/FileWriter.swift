#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CShopLookSIMD

#if canImport(Glibc)
@inline(__always) private func systemWrite(_ fd: Int32, _ p: UnsafeRawPointer, _ n: Int) -> Int { Glibc.write(fd, p, n) }
#elseif canImport(Darwin)
@inline(__always) private func systemWrite(_ fd: Int32, _ p: UnsafeRawPointer, _ n: Int) -> Int { Darwin.write(fd, p, n) }
#endif

/// Buffered sequential writer with positional header patching.
final class FileWriter {
    /// Writes a file atomically: body writes a temporary file in the same directory,
    /// which is then fsync'ed and renamed over path (and the directory fsync'ed).
    /// The temporary file is removed when anything fails.
    static func writeAtomically(to path: String, _ body: (FileWriter) throws -> Void) throws {
        let temporary = path + ".tmp-\(getpid())"
        let writer = try FileWriter(path: temporary)
        var renamed = false
        defer {
            if !renamed {
                writer.closeQuietly()
                unlink(temporary)
            }
        }
        try body(writer)
        try writer.fsyncAndClose()
        guard rename(temporary, path) == 0 else { throw IndexError.io(path: path, operation: "rename", errno: errno) }
        renamed = true
        syncDirectory(of: path)
    }

    private static func syncDirectory(of path: String) {
        var dir = path
        if let slash = dir.lastIndex(of: "/") { dir = String(dir[..<slash]) } else { dir = "." }
        if dir.isEmpty { dir = "/" }
        let fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 {
            fsync(fd)
            close(fd)
        }
    }

    private var fd: Int32
    private let path: String
    private var buffer: [UInt8] = []
    private(set) var position = 0
    private static let bufferLimit = 1 << 22

    init(path: String) throws {
        self.path = path
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw IndexError.io(path: path, operation: "open", errno: errno) }
        buffer.reserveCapacity(Self.bufferLimit)
    }

    func write(_ bytes: [UInt8]) throws {
        bytes.withUnsafeBytes { buffer += $0 }
        position += bytes.count
        if buffer.count >= Self.bufferLimit { try flush() }
    }

    /// Writes n bytes from p; returns the CRC-32C continued from crc.
    func write(_ p: UnsafeRawPointer, _ n: Int, crc: UInt32) throws -> UInt32 {
        let c = sl_crc32c(crc, p, n)
        if n >= Self.bufferLimit {
            try flush()
            try writeAll(p, n)
            position += n
        } else {
            buffer += UnsafeRawBufferPointer(start: p, count: n)
            position += n
            if buffer.count >= Self.bufferLimit { try flush() }
        }
        return c
    }

    func writeZeros(_ n: Int) throws { try write([UInt8](repeating: 0, count: n)) }

    func padTo(_ offset: Int) throws {
        precondition(offset >= position)
        if offset > position { try writeZeros(offset - position) }
    }

    func padTo(_ offset: Int, crc: UInt32) throws -> UInt32 {
        precondition(offset >= position)
        let n = offset - position
        if n == 0 { return crc }
        let z = [UInt8](repeating: 0, count: n)
        return try z.withUnsafeBytes { try write($0.baseAddress!, n, crc: crc) }
    }

    func flush() throws {
        if buffer.isEmpty { return }
        try buffer.withUnsafeBytes { try writeAll($0.baseAddress!, $0.count) }
        buffer.removeAll(keepingCapacity: true)
    }

    private func writeAll(_ p: UnsafeRawPointer, _ n: Int) throws {
        var done = 0
        while done < n {
            let r = systemWrite(fd, p + done, n - done)
            if r < 0 {
                if errno == EINTR { continue }
                throw IndexError.io(path: path, operation: "write", errno: errno)
            }
            done += r
        }
    }

    func pwriteAll(_ bytes: [UInt8], at offset: Int) throws {
        try bytes.withUnsafeBytes { b in
            var done = 0
            while done < b.count {
                let r = pwrite(fd, b.baseAddress! + done, b.count - done, off_t(offset + done))
                if r < 0 {
                    if errno == EINTR { continue }
                    throw IndexError.io(path: path, operation: "pwrite", errno: errno)
                }
                done += r
            }
        }
    }

    func fsyncAndClose() throws {
        guard fsync(fd) == 0 else { throw IndexError.io(path: path, operation: "fsync", errno: errno) }
        let rc = close(fd)
        fd = -1
        guard rc == 0 else { throw IndexError.io(path: path, operation: "close", errno: errno) }
    }

    func closeQuietly() {
        if fd >= 0 { close(fd); fd = -1 }
    }
}
