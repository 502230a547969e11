import Foundation
import ShopLookTestSupport
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A search "owner" that accepts connections and reads requests but never answers: what a searcher that hangs looks
/// like to the query worker. Counts the search requests it received.
final class StallingOwner: Sendable {
    let port: Int
    private let listener: Int32
    private let state = Mutex<(requests: Int, connections: [Int32], closed: Bool)>((0, [], false))

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestSupportError("socket: \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 16) == 0 else { Glibc.close(fd); throw TestSupportError("bind/listen: \(errno)") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread.detachNewThread { [self] in
            while true {
                let connection = accept(fd, nil, nil)
                guard connection >= 0 else { return }
                let accepted = self.state.withLock { state -> Bool in
                    guard !state.closed else { return false }
                    state.connections.append(connection)
                    return true
                }
                guard accepted else { Glibc.close(connection); return }
                Thread.detachNewThread {
                    var buffer = [UInt8](repeating: 0, count: 65536)
                    while true {
                        let count = read(connection, &buffer, buffer.count)
                        guard count > 0 else { return }
                        let text = String(decoding: buffer[..<count], as: UTF8.self)
                        let requests = text.components(separatedBy: "POST /v1/search").count - 1
                        if requests > 0 { self.state.withLock { $0.requests += requests } }
                    }
                }
            }
        }
    }

    var address: String { "127.0.0.1:\(port)" }

    /// Search requests received so far.
    var requests: Int { state.withLock { $0.requests } }

    /// Waits until more than `count` search requests arrived.
    func waitForRequests(moreThan count: Int) async throws {
        try await withTimeout(.seconds(60), "a search request reaches the stalling owner") {
            while self.requests <= count { try await Task.sleep(for: .milliseconds(20)) }
        }
    }

    func close() {
        let connections = state.withLock { state -> [Int32] in
            state.closed = true
            return state.connections
        }
        shutdown(listener, Int32(SHUT_RDWR))
        Glibc.close(listener)
        for connection in connections {
            shutdown(connection, Int32(SHUT_RDWR))
            Glibc.close(connection)
        }
    }
}
