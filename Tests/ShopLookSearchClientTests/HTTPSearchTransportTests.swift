import ShopLookCore
import ShopLookSearch
import ShopLookTestSupport
import Testing

@testable import ShopLookSearchClient

let query = SearchQuery(superCategory: .upper, modelVersion: "test-v1", vector: [1, 0, 0, 0])

func request(shards: [Int: Int64], k: Int = 2) -> SearchRequest {
    SearchRequest(shards: shards.map { ShardGeneration(shard: $0.key, generation: $0.value) }.sorted(), queries: [query], k: k)
}

func after(_ duration: Duration) -> ContinuousClock.Instant { .now + duration }

@Suite(.timeLimit(.minutes(1)))
struct HTTPSearchTransportTests {
    @Test func reusesKeepAliveConnections() async throws {
        try await withTestServer(searcherAnswer(held: [0: 7, 1: 7])) { server in
            let transport = HTTPSearchTransport()
            for _ in 0..<10 {
                let response = try await transport.search(request(shards: [0: 7, 1: 8]), owner: server.owner, deadline: after(.seconds(30)))
                #expect(response.answers.map(\.shard) == [0])
                #expect(response.answers[0].hits[0].map(\.articleID) == ["s0-q0-0", "s0-q0-1"])
            }
            #expect(server.connections == 1)
            #expect(transport.statistics == (1, 1, 0))

            // Concurrent requests each get a connection; a few stay idle afterwards.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<8 {
                    group.addTask { _ = try await transport.search(request(shards: [0: 7]), owner: server.owner, deadline: after(.seconds(30))) }
                }
                try await group.waitForAll()
            }
            #expect(server.connections <= 9)
            #expect(transport.statistics.open <= 4 && transport.statistics.idle == transport.statistics.open)
            let before = server.connections
            _ = try await transport.search(request(shards: [0: 7]), owner: server.owner, deadline: after(.seconds(30)))
            #expect(server.connections == before)

            await transport.shutdown()
            #expect(transport.statistics == (0, 0, 0))
            await #expect(throws: SearchClientError.shutDown) {
                try await transport.search(request(shards: [0: 7]), owner: server.owner, deadline: after(.seconds(30)))
            }
        }
    }

    @Test func aMissedDeadlineTimesOutAndClosesTheConnection() async throws {
        try await withTestServer({ request in
            request.k == 1 ? .delayed(.seconds(3), .json(SearchResponse(answers: []))) : searcherAnswer(held: [0: 1])(request)
        }) { server in
            let transport = HTTPSearchTransport()
            _ = try await transport.search(request(shards: [0: 1]), owner: server.owner, deadline: after(.seconds(30)))
            #expect(server.connections == 1)

            let start = ContinuousClock.now
            let error = await #expect(throws: SearchClientError.self) {
                try await transport.search(request(shards: [0: 1], k: 1), owner: server.owner, deadline: start + .milliseconds(200))
            }
            guard case .timedOut(server.owner, _)? = error else {
                Issue.record("expected timedOut, got \(String(describing: error))")
                return
            }
            #expect(error?.description.hasPrefix("owner \(server.owner) timed out") == true)
            // The server answers (successfully) only after 3 s: the time-out error itself shows the deadline held.
            // Only the lower bound is timed; an upper one would fail on a starved machine, not on a defect.
            let elapsed = ContinuousClock.now - start
            #expect(elapsed >= .milliseconds(190), "timed out after \(elapsed)")
            #expect(transport.statistics.open == 0)

            // The late answer is never read as the next one: the next request goes on a new connection.
            let response = try await transport.search(request(shards: [0: 1]), owner: server.owner, deadline: after(.seconds(30)))
            #expect(response.answers.map(\.shard) == [0])
            #expect(server.connections == 2)
            await transport.shutdown()
        }
    }

    @Test func aRefusedConnectionFails() async throws {
        let server = try await TestSearchServer.start(searcherAnswer(held: [:]))
        let owner = server.owner
        await server.stop()
        let transport = HTTPSearchTransport()
        let error = await #expect(throws: SearchClientError.self) {
            try await transport.search(request(shards: [0: 1]), owner: owner, deadline: after(.seconds(30)))
        }
        guard case .connectionFailed(owner, let reason)? = error else {
            Issue.record("expected connectionFailed, got \(String(describing: error))")
            return
        }
        #expect(reason.localizedCaseInsensitiveContains("refused"), "\(reason)")
        #expect(error?.isRetriable == true)
        #expect(transport.statistics == (0, 0, 0))
        await transport.shutdown()
    }

    @Test func anErrorStatusCarriesTheBody() async throws {
        try await withTestServer({ _ in .status(.internalServerError, "shard 3 exploded: " + String(repeating: "x", count: 2000)) }) { server in
            let transport = HTTPSearchTransport()
            let error = await #expect(throws: SearchClientError.self) {
                try await transport.search(request(shards: [3: 1]), owner: server.owner, deadline: after(.seconds(30)))
            }
            guard case .httpStatus(server.owner, 500, let body)? = error else {
                Issue.record("expected httpStatus 500, got \(String(describing: error))")
                return
            }
            #expect(body.hasPrefix("shard 3 exploded: xxx") && body.utf8.count == HTTPSearchTransport.quotedBodyBytes)
            #expect(error?.description.contains("answered HTTP 500: shard 3 exploded") == true)
            // The connection stays usable after an error status.
            _ = try? await transport.search(request(shards: [3: 1]), owner: server.owner, deadline: after(.seconds(30)))
            #expect(server.connections == 1)
            await transport.shutdown()
        }
    }

    @Test func anAnswerThatIsNotASearchResponseIsInvalid() async throws {
        try await withTestServer({ _ in .status(.ok, "{\"answers\": 3}") }) { server in
            let transport = HTTPSearchTransport()
            let error = await #expect(throws: SearchClientError.self) {
                try await transport.search(request(shards: [0: 1]), owner: server.owner, deadline: after(.seconds(30)))
            }
            guard case .invalidResponse(server.owner, _)? = error else {
                Issue.record("expected invalidResponse, got \(String(describing: error))")
                return
            }
            await transport.shutdown()
        }
    }

    @Test func aBadOwnerAddressFails() async throws {
        let transport = HTTPSearchTransport()
        await #expect(throws: SearchClientError.invalidOwnerAddress("no-port")) {
            try await transport.search(request(shards: [0: 1]), owner: "no-port", deadline: after(.seconds(1)))
        }
        await transport.shutdown()
    }
}
