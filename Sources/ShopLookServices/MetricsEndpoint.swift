import Hummingbird
import Logging
import NIOCore
import Prometheus
import ServiceLifecycle

/// The HTTP server for Prometheus: `GET /metrics` answers with `registry` in the text exposition format.
public enum MetricsEndpoint {
    /// Adds `GET /metrics` to `router` (a process that serves other routes too).
    public static func addRoute<Context: RequestContext>(to router: Router<Context>, registry: PrometheusCollectorRegistry) {
        router.get("metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
    }

    /// A service serving `/metrics` on `host:port` (port 0: a free port). Once it listens it logs
    /// `metrics listening on HOST:PORT` with the bound port.
    public static func service(registry: PrometheusCollectorRegistry, host: String, port: Int, logger: Logger) -> some Service {
        let router = Router()
        addRoute(to: router, registry: registry)
        var serverLogger = logger
        serverLogger.logLevel = max(logger.logLevel, .warning)
        return Application(
            router: router, configuration: ApplicationConfiguration(address: .hostname(host, port: port)),
            onServerRunning: { channel in
                logger.info("metrics listening on \(host):\(channel.localAddress?.port ?? port)")
            },
            logger: serverLogger)
    }
}
