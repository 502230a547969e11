import Foundation
import Hummingbird
import Logging
import NIOCore
import ShopLookSearch
import Synchronization

/// A request context that knows the client's address: one address per TCP connection.
struct PeerRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let peer: String

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        peer = source.channel.remoteAddress.map { "\($0)" } ?? "?"
    }
}

/// What the test server answers to one `POST /v1/search`.
enum CannedAnswer: Sendable {
    case json(SearchResponse)
    case status(HTTPResponse.Status, String)
    /// Waits, then answers as given (for deadlines).
    indirect case delayed(Duration, CannedAnswer)
}

/// A Hummingbird server on 127.0.0.1 (a port of its own) standing in for a searcher's search endpoint. It
/// counts requests and the distinct connections (client addresses) they came on.
final class TestSearchServer: Sendable {
    let port: Int
    var owner: String { "127.0.0.1:\(port)" }
    private let task: Task<Void, any Error>
    private let seen: Seen

    /// Distinct connections that sent a request.
    var connections: Int { seen.withLock { $0.peers.count } }
    var requests: [SearchRequest] { seen.withLock { $0.requests } }

    /// The requests and the client addresses seen.
    final class Seen: Sendable {
        private let state = Mutex<(requests: [SearchRequest], peers: Set<String>)>(([], []))

        func record(_ request: SearchRequest, from peer: String) {
            state.withLock {
                $0.requests.append(request)
                $0.peers.insert(peer)
            }
        }

        func withLock<T: Sendable>(_ body: (inout (requests: [SearchRequest], peers: Set<String>)) -> T) -> T {
            state.withLock { body(&$0) }
        }
    }

    private init(port: Int, task: Task<Void, any Error>, seen: Seen) {
        self.port = port
        self.task = task
        self.seen = seen
    }

    /// Starts a server whose answer to each request is `answer(request)`.
    static func start(_ answer: @escaping @Sendable (SearchRequest) -> CannedAnswer) async throws -> TestSearchServer {
        let seen = Seen()
        let router = Router(context: PeerRequestContext.self)
        router.post("/v1/search") { request, context -> Response in
            let search = try await request.decode(as: SearchRequest.self, context: context)
            seen.record(search, from: context.peer)
            return try await respond(answer(search))
        }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "shoplook.search-client.tests.server")
        // Stopping cancels the server, which logs its child channels' CancellationError at level error.
        logger.logLevel = .critical
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) },
            logger: logger)
        let task = Task {
            defer { continuation.finish() }
            try await app.run()
        }
        guard let port = await ports.first(where: { _ in true }), port > 0 else {
            task.cancel()
            _ = try await task.value
            throw TestServerError("the test server did not start")
        }
        return TestSearchServer(port: port, task: task, seen: seen)
    }

    func stop() async {
        task.cancel()
        _ = try? await task.value
    }

    private static func respond(_ answer: CannedAnswer) async throws -> Response {
        switch answer {
        case .json(let response):
            let body = ByteBuffer(bytes: try JSONEncoder().encode(response))
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: body))
        case .status(let status, let text):
            return Response(status: status, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: text)))
        case .delayed(let delay, let then):
            try await Task.sleep(for: delay)
            return try await respond(then)
        }
    }
}

struct TestServerError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Runs `body` with a started server and stops it afterwards.
func withTestServer<T>(
    _ answer: @escaping @Sendable (SearchRequest) -> CannedAnswer, _ body: (TestSearchServer) async throws -> T
) async throws -> T {
    let server = try await TestSearchServer.start(answer)
    do {
        let result = try await body(server)
        await server.stop()
        return result
    } catch {
        await server.stop()
        throw error
    }
}

/// A searcher holding `held` (shard → generation): answers the requested shards it holds with that
/// generation, `k` hits per query, article ids `s<shard>-q<query>-<i>`, scores falling with `i`.
func searcherAnswer(held: [Int: Int64]) -> @Sendable (SearchRequest) -> CannedAnswer {
    { request in
        let answers = request.shards.filter { held[$0.shard] == $0.generation }.map { wanted in
            ShardAnswer(
                shard: wanted.shard, generation: wanted.generation,
                hits: request.queries.indices.map { query in
                    (0..<request.k).map { i in
                        WireHit(
                            articleID: "s\(wanted.shard)-q\(query)-\(i)", imageID: "img", productID: nil, category: "shirt",
                            score: 1 - Float(i) * 0.1 - Float(wanted.shard) * 0.01)
                    }
                })
        }
        return .json(SearchResponse(answers: answers))
    }
}
