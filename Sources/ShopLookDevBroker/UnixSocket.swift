#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A stream socket in the Unix domain: the development broker's control channel.
struct UnixSocket: ~Copyable {
    let descriptor: Int32

    init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)
    }

    static func makeAddress(_ path: String) throws(MockClusterError) -> sockaddr_un {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard bytes.count < capacity else {
            throw MockClusterError("socket path is too long (\(bytes.count) bytes, at most \(capacity - 1)): \(path)")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        return address
    }

    static func open() throws(MockClusterError) -> UnixSocket {
        #if canImport(Glibc)
        let type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        #else
        let type = SOCK_STREAM
        #endif
        let descriptor = socket(AF_UNIX, type, 0)
        guard descriptor >= 0 else { throw MockClusterError("socket: \(String(cString: strerror(errno)))") }
        return UnixSocket(descriptor: descriptor)
    }

    /// A listening socket at `path` (an existing stale socket file is replaced).
    static func listen(path: String) throws(MockClusterError) -> UnixSocket {
        var address = try makeAddress(path)
        unlink(path)
        let socket = try open()
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket.descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard result == 0 else { throw MockClusterError("bind \(path): \(String(cString: strerror(errno)))") }
        guard Glibc.listen(socket.descriptor, 16) == 0 else {
            throw MockClusterError("listen \(path): \(String(cString: strerror(errno)))")
        }
        return socket
    }

    static func connect(path: String) throws(MockClusterError) -> UnixSocket {
        var address = try makeAddress(path)
        let socket = try open()
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(socket.descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard result == 0 else { throw MockClusterError("connect \(path): \(String(cString: strerror(errno)))") }
        return socket
    }

    func accept() -> Int32 {
        while true {
            let client = Glibc.accept(descriptor, nil, nil)
            if client >= 0 || errno != EINTR { return client }
        }
    }

    func writeAll(_ text: String) throws(MockClusterError) {
        let bytes = Array(text.utf8)
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count < 0 {
                if errno == EINTR { continue }
                throw MockClusterError("send: \(String(cString: strerror(errno)))")
            }
            sent += count
        }
    }

    /// Reads up to and excluding the next newline; `nil` at end of stream.
    func readLine(buffer: inout [UInt8]) throws(MockClusterError) -> String? {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeSubrange(...newline)
                return line
            }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count < 0 {
                if errno == EINTR { continue }
                throw MockClusterError("recv: \(String(cString: strerror(errno)))")
            }
            if count == 0 { return nil }
            buffer += chunk[..<count]
        }
    }
}
