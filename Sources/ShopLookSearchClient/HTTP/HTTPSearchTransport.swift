import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ShopLookSearch
import Synchronization

/// ``SearchTransport`` over HTTP/1.1 (SwiftNIO): `POST /v1/search` with a JSON ``SearchRequest``, a JSON
/// ``SearchResponse`` back.
///
/// Connections are kept alive and pooled per owner address (``ConnectionPoolState``): in steady state a search
/// opens no connection. Concurrent requests to one owner each get a connection of their own (opened when none
/// is idle); at most `maximumIdleConnectionsPerOwner` stay open between searches.
///
/// Each request has a deadline covering connecting, sending and the whole answer; a request that misses it
/// fails with ``SearchClientError/timedOut(owner:after:)`` and its connection is closed (a late answer must
/// not be taken for the next one). A request that fails because a reused idle connection had been closed by
/// the owner meanwhile is sent once more on a new connection (a search changes nothing, so this is safe).
///
/// Call ``shutdown()`` when done: it closes every connection and fails later requests. The event loop group
/// is the caller's (by default NIO's singleton) and is not shut down.
public final class HTTPSearchTransport: SearchTransport {
    /// The most bytes of an error answer's body quoted in ``SearchClientError/httpStatus(owner:status:body:)``.
    static let quotedBodyBytes = 512

    private let group: any EventLoopGroup
    private let state: Mutex<ConnectionPoolState<HTTPConnection>>
    private let logger: Logger

    public init(
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        maximumIdleConnectionsPerOwner: Int = 4,
        logger: Logger = Logger(label: "shoplook.search-client")
    ) {
        self.group = eventLoopGroup
        self.state = Mutex(ConnectionPoolState(maximumIdlePerOwner: maximumIdleConnectionsPerOwner))
        self.logger = logger
    }

    public func search(_ request: SearchRequest, owner: String, deadline: ContinuousClock.Instant) async throws -> SearchResponse {
        let address = try OwnerAddress(owner)
        let timeout = deadline - ContinuousClock.now
        guard timeout > .zero else { throw SearchClientError.timedOut(owner: owner, after: .zero) }
        let nioDeadline = NIODeadline.now() + .nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000)

        let body: ByteBuffer
        do {
            body = ByteBuffer(bytes: try JSONEncoder().encode(request))
        } catch {
            throw SearchClientError.invalidArgument("the request cannot be encoded: \(error)")
        }
        var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: "/v1/search")
        head.headers.add(name: "Host", value: owner)
        head.headers.add(name: "Content-Type", value: "application/json")
        head.headers.add(name: "Accept", value: "application/json")
        head.headers.add(name: "Content-Length", value: String(body.readableBytes))

        let reply = try await exchange(owner: owner, address: address, head: head, body: body, deadline: nioDeadline, timeout: timeout)
        guard reply.status == .ok else {
            let quoted = String(decoding: reply.body.readableBytesView.prefix(Self.quotedBodyBytes), as: UTF8.self)
            throw SearchClientError.httpStatus(owner: owner, status: Int(reply.status.code), body: quoted)
        }
        do {
            return try JSONDecoder().decode(SearchResponse.self, from: Data(reply.body.readableBytesView))
        } catch {
            throw SearchClientError.invalidResponse(owner: owner, reason: "\(error)")
        }
    }

    /// Closes every connection (those in use fail their request) and fails later requests. Idempotent.
    public func shutdown() async {
        let connections = state.withLock { $0.shutdown() }
        await withTaskGroup(of: Void.self) { group in
            for connection in connections {
                group.addTask { try? await connection.channel.close() }
            }
        }
    }

    /// Open connections (idle or in use), idle ones, and ones being opened.
    public var statistics: (open: Int, idle: Int, opening: Int) { state.withLock { $0.statistics } }

    private func exchange(
        owner: String, address: OwnerAddress, head: HTTPRequestHead, body: ByteBuffer, deadline: NIODeadline, timeout: Duration
    ) async throws -> HTTPReply {
        var fresh = false
        while true {
            let (id, connection, reused) = try await lease(owner: owner, address: address, fresh: fresh, deadline: deadline, timeout: timeout)
            do {
                let reply = try await withTaskCancellationHandler {
                    try await connection.execute(head: head, body: body, deadline: deadline, timeout: timeout).get()
                } onCancel: {
                    connection.close()
                }
                release(id: id, connection, reusable: reply.keepAlive)
                return reply
            } catch {
                release(id: id, connection, reusable: false)
                try Task.checkCancellation()
                if reused, case SearchClientError.connectionClosed = error, deadline > .now() {
                    logger.debug("retrying on a new connection", metadata: ["owner": "\(owner)", "error": "\(error)"])
                    fresh = true
                    continue
                }
                throw error
            }
        }
    }

    /// An idle connection to `owner`, or a new one. Idle ones that closed meanwhile are dropped.
    private func lease(
        owner: String, address: OwnerAddress, fresh: Bool, deadline: NIODeadline, timeout: Duration
    ) async throws -> (id: Int, connection: HTTPConnection, reused: Bool) {
        while true {
            switch state.withLock({ $0.lease(owner: owner, fresh: fresh) }) {
            case .fail:
                throw SearchClientError.shutDown
            case .use(let id, let connection):
                if connection.isActive { return (id, connection, true) }
                state.withLock { $0.closed(id: id) }
            case .open(let id):
                let connection: HTTPConnection
                do {
                    connection = try await HTTPConnection.connect(owner: owner, address: address, group: group, deadline: deadline).get()
                } catch {
                    state.withLock { $0.openFailed(id: id) }
                    try Task.checkCancellation()
                    if deadline <= .now() || Self.isConnectTimeout(error) {
                        throw SearchClientError.timedOut(owner: owner, after: timeout)
                    }
                    throw SearchClientError.connectionFailed(owner: owner, reason: Self.describe(error))
                }
                guard state.withLock({ $0.opened(id: id, owner: owner, connection) }) else {
                    connection.close()
                    throw SearchClientError.shutDown
                }
                connection.channel.closeFuture.whenComplete { [weak self] _ in
                    self?.state.withLock { $0.closed(id: id) }
                }
                return (id, connection, false)
            }
        }
    }

    private func release(id: Int, _ connection: HTTPConnection, reusable: Bool) {
        if state.withLock({ $0.release(id: id, reusable: reusable && connection.isActive) }) {
            connection.close()
        }
    }

    private static func isConnectTimeout(_ error: any Error) -> Bool {
        if case ChannelError.connectTimeout = error { return true }
        if let error = error as? NIOConnectionError {
            return error.connectionErrors.contains { if case ChannelError.connectTimeout = $0.error { true } else { false } }
        }
        return false
    }

    /// "Connection refused" rather than NIO's full dump.
    private static func describe(_ error: any Error) -> String {
        if let error = error as? NIOConnectionError {
            if let dns = error.dnsAAAAError ?? error.dnsAError, error.connectionErrors.isEmpty { return "cannot resolve the host: \(dns)" }
            let reasons = error.connectionErrors.map { failure -> String in
                if let io = failure.error as? IOError { return "\(failure.target): \(String(cString: strerror(io.errnoCode)))" }
                return "\(failure.target): \(failure.error)"
            }
            return reasons.isEmpty ? "\(error)" : reasons.joined(separator: "; ")
        }
        if let io = error as? IOError { return String(cString: strerror(io.errnoCode)) }
        return "\(error)"
    }
}
