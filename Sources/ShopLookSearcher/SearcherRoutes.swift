import Foundation
import Hummingbird
import NIOCore
import Prometheus
import ShopLookCore
import ShopLookSearch
import ShopLookServices

/// The searcher's HTTP endpoints (JSON, HTTP/1.1 keep-alive):
/// - `POST /v1/search`: a ``SearchRequest`` → ``SearchResponse`` (400 for a malformed or out-of-range request);
/// - `POST /v1/reindex`: `{"shard": 3, "super_category": "upper", "model_version": "…"}` (each optional) →
///   one ``ReindexReport`` per index rebuilt;
/// - `GET /healthz`: 200 when every assigned shard is loaded, 503 with the shards still loading;
/// - `GET /metrics`: Prometheus.
public enum SearcherRoutes {
    static let maximumBody = 4 << 20

    public static func router(for searcher: Searcher, registry: PrometheusCollectorRegistry) -> Router<BasicRequestContext> {
        let router = Router()
        router.post("v1/search") { request, context in
            let body = try await request.body.collect(upTo: maximumBody)
            let started = ContinuousClock.now
            let searchRequest = try decode(SearchRequest.self, from: body)
            do {
                let response = try json(try await searcher.answer(searchRequest))
                searcher.metrics.requestDuration.recordNanoseconds((ContinuousClock.now - started).nanoseconds)
                return response
            } catch let error as SearcherError {
                throw HTTPError(.badRequest, message: error.description)
            }
        }
        router.post("v1/reindex") { request, context in
            let body = try await request.body.collect(upTo: maximumBody)
            let scope: ReindexScope
            do {
                scope = try ReindexScope.decode(Data(buffer: body))
            } catch let error as SearchError {
                throw HTTPError(.badRequest, message: error.description)
            }
            return try json(try await searcher.reindex(scope))
        }
        router.get("healthz") { _, _ in
            let loading = searcher.loadingShards.sorted()
            let health = Health(
                status: loading.isEmpty ? "ready" : "loading", loading: loading,
                shards: searcher.heldShards.map { Health.Shard(shard: $0.shard, generation: $0.generation, vectors: $0.vectors) })
            var response = try json(health)
            if !loading.isEmpty { response.status = .serviceUnavailable }
            return response
        }
        MetricsEndpoint.addRoute(to: router, registry: registry)
        return router
    }

    static func decode<T: Decodable>(_ type: T.Type, from body: ByteBuffer) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer: body))
        } catch {
            throw HTTPError(.badRequest, message: "malformed \(T.self): \((error as? DecodingError)?.reason ?? "undecodable JSON")")
        }
    }

    static func json<T: Encodable>(_ value: T) throws -> Response {
        let data = try JSONEncoder().encode(value)
        return Response(
            status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}

struct Health: Codable {
    struct Shard: Codable {
        var shard: Int
        var generation: Int64
        var vectors: Int
    }

    var status: String
    var loading: [Int]
    var shards: [Shard]
}
