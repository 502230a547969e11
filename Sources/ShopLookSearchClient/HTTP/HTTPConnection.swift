import NIOCore
import NIOHTTP1
import NIOPosix

/// One keep-alive HTTP/1.1 connection to an owner: a NIO channel whose pipeline ends in an
/// ``HTTPExchangeHandler``. Carries one request at a time (the pool leases it to one caller).
struct HTTPConnection: Sendable {
    let owner: String
    let channel: any Channel

    /// Opens a connection (TCP_NODELAY), failing at `deadline` at the latest.
    static func connect(
        owner: String, address: OwnerAddress, group: any EventLoopGroup, deadline: NIODeadline
    ) -> EventLoopFuture<HTTPConnection> {
        let remaining = deadline - .now()
        return ClientBootstrap(group: group)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connectTimeout(max(remaining, .milliseconds(1)))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(HTTPExchangeHandler(owner: owner))
                }
            }
            .connect(host: address.host, port: address.port)
            .map { HTTPConnection(owner: owner, channel: $0) }
    }

    /// Whether the channel is still open (an idle connection the owner closed is not).
    var isActive: Bool { channel.isActive }

    /// Sends one request; the future fails with a ``SearchClientError`` on time-out (closing the connection),
    /// error or close.
    func execute(head: HTTPRequestHead, body: ByteBuffer, deadline: NIODeadline, timeout: Duration) -> EventLoopFuture<HTTPReply> {
        let promise = channel.eventLoop.makePromise(of: HTTPReply.self)
        let exchange = HTTPExchange(head: head, body: body, deadline: deadline, timeout: timeout, promise: promise)
        channel.writeAndFlush(exchange).whenFailure { [owner] error in
            promise.fail(SearchClientError.connectionClosed(owner: owner, reason: "could not send the request: \(error)"))
        }
        return promise.futureResult
    }

    func close() {
        channel.close(promise: nil)
    }
}
