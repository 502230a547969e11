import NIOCore
import NIOHTTP1

/// One HTTP/1.1 request and where its reply goes: written into a connection's pipeline as a whole.
struct HTTPExchange: Sendable {
    var head: HTTPRequestHead
    var body: ByteBuffer
    /// When the reply must be complete; then the exchange fails with ``SearchClientError/timedOut(owner:after:)``
    /// and the connection is closed.
    var deadline: NIODeadline
    /// The time the caller allowed (for the message).
    var timeout: Duration
    var promise: EventLoopPromise<HTTPReply>
}

/// A complete HTTP reply.
struct HTTPReply: Sendable {
    var status: HTTPResponseStatus
    /// Whether the connection may carry another request (HTTP/1.1 without `Connection: close`).
    var keepAlive: Bool
    var body: ByteBuffer
}

/// The last handler of a search connection: takes ``HTTPExchange``s (one at a time), writes their request and
/// completes their promise with the aggregated reply, or fails it on deadline, error or close.
///
/// Runs on the channel's event loop only. After a time-out or an error the channel is closed: a late reply
/// must not be read as the answer to the next request.
final class HTTPExchangeHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = HTTPExchange
    typealias OutboundOut = HTTPClientRequestPart

    /// Replies larger than this fail the exchange (a searcher's answer is a few KB to a few MB).
    static let maximumBodyBytes = 64 << 20

    private enum State {
        case idle
        case waiting(Pending)
        case closed(reason: String)
    }

    private struct Pending {
        var promise: EventLoopPromise<HTTPReply>
        var timeout: Scheduled<Void>
        var head: HTTPResponseHead?
        var body: ByteBuffer
    }

    private let owner: String
    private var state: State = .idle

    init(owner: String) {
        self.owner = owner
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let exchange = unwrapOutboundIn(data)
        switch state {
        case .closed(let reason):
            exchange.promise.fail(SearchClientError.connectionClosed(owner: owner, reason: reason))
            promise?.fail(ChannelError.ioOnClosedChannel)
            return
        case .waiting:
            exchange.promise.fail(SearchClientError.connectionClosed(owner: owner, reason: "the connection is busy"))
            promise?.fail(ChannelError.inappropriateOperationForState)
            return
        case .idle:
            break
        }
        let timeout = context.eventLoop.assumeIsolated().scheduleTask(deadline: exchange.deadline) { [self] in
            fail(context: context, with: .timedOut(owner: owner, after: exchange.timeout), closing: "timed out")
        }
        state = .waiting(Pending(promise: exchange.promise, timeout: timeout, head: nil, body: context.channel.allocator.buffer(capacity: 0)))
        context.write(wrapOutboundOut(.head(exchange.head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(exchange.body))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .waiting(var pending) = state else {
            // Bytes nobody asked for: the connection cannot be trusted for the next request.
            if case .idle = state { state = .closed(reason: "unexpected data from the owner") }
            context.close(promise: nil)
            return
        }
        switch unwrapInboundIn(data) {
        case .head(let head):
            pending.head = head
            state = .waiting(pending)
        case .body(var part):
            guard pending.body.readableBytes + part.readableBytes <= Self.maximumBodyBytes else {
                fail(
                    context: context,
                    with: .invalidResponse(owner: owner, reason: "the body exceeds \(Self.maximumBodyBytes) bytes"),
                    closing: "the answer was too large")
                return
            }
            pending.body.writeBuffer(&part)
            state = .waiting(pending)
        case .end:
            pending.timeout.cancel()
            let head = pending.head!
            let keepAlive = head.isKeepAlive
            state = keepAlive ? .idle : .closed(reason: "the owner closed the connection after its answer")
            pending.promise.succeed(HTTPReply(status: head.status, keepAlive: keepAlive, body: pending.body))
            if !keepAlive { context.close(promise: nil) }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(context: context, with: .connectionClosed(owner: owner, reason: "the owner closed the connection"), closing: "closed")
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(context: context, with: .connectionClosed(owner: owner, reason: "\(error)"), closing: "\(error)")
    }

    /// Fails the exchange in flight, if any, and closes the channel.
    private func fail(context: ChannelHandlerContext, with error: SearchClientError, closing reason: String) {
        let previous = state
        if case .closed = state {} else { state = .closed(reason: reason) }
        if case .waiting(let pending) = previous {
            pending.timeout.cancel()
            pending.promise.fail(error)
        }
        if context.channel.isActive { context.close(promise: nil) }
    }
}
