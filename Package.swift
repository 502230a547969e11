// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "ShopLook",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "shoplook", targets: ["shoplook"]),
        .executable(name: "shoplook-broker", targets: ["shoplook-broker"]),
        .executable(name: "shoplook-index-bench", targets: ["shoplook-index-bench"]),
        .executable(name: "shoplook-imaging-bench", targets: ["shoplook-imaging-bench"]),
        .executable(name: "shoplook-pose-worker", targets: ["shoplook-pose-worker"]),
        .executable(name: "shoplook-detect-worker", targets: ["shoplook-detect-worker"]),
        .executable(name: "shoplook-embed-worker", targets: ["shoplook-embed-worker"]),
        .executable(name: "shoplook-searcher", targets: ["shoplook-searcher"]),
        .executable(name: "shoplook-query-worker", targets: ["shoplook-query-worker"]),
        .executable(name: "shoplook-search-bench", targets: ["shoplook-search-bench"]),
        .executable(name: "shoplook-api", targets: ["shoplook-api"]),
        .executable(name: "shoplook-fuzz", targets: ["shoplook-fuzz"]),
        .library(name: "ShopLookCore", targets: ["ShopLookCore"]),
        .library(name: "ShopLookKafka", targets: ["ShopLookKafka"]),
        .library(name: "ShopLookPostgres", targets: ["ShopLookPostgres"]),
        .library(name: "ShopLookBlobStore", targets: ["ShopLookBlobStore"]),
        .library(name: "ShopLookImaging", targets: ["ShopLookImaging"]),
        .library(name: "ShopLookIndex", targets: ["ShopLookIndex"]),
        .library(name: "ShopLookStreaming", targets: ["ShopLookStreaming"]),
        .library(name: "ShopLookSearchClient", targets: ["ShopLookSearchClient"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        // C libraries from Debian, one shim target each (pkg-config name, apt provider).
        .systemLibrary(name: "CRDKafka", pkgConfig: "rdkafka", providers: [.apt(["librdkafka-dev"])]),
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CTurboJPEG", pkgConfig: "libturbojpeg", providers: [.apt(["libturbojpeg0-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        // libFuzzer's LLVMFuzzerRunDriver, declared only: it is linked by -sanitize=fuzzer (Benchmarks/run-fuzz).
        .systemLibrary(name: "CLibFuzzer"),

        .target(name: "ShopLookCore", dependencies: ["CShopLookSIMD"]),
        .target(
            name: "ShopLookKafka",
            dependencies: ["CRDKafka", "ShopLookCore", .product(name: "Logging", package: "swift-log")]
        ),
        .target(
            name: "ShopLookPostgres",
            dependencies: ["CLibPQ", "ShopLookCore", .product(name: "Logging", package: "swift-log")]
        ),
        .target(
            name: "ShopLookBlobStore",
            dependencies: ["ShopLookCore"]
        ),
        // The stream runtime: a consumer-group worker (batches, retries, poison isolation, dead letters, drain)
        // over Kafka and PostgreSQL transactions. It knows no catalog table and no model: the searcher and the
        // query worker depend on it alone.
        .target(
            name: "ShopLookStreaming",
            dependencies: [
                "ShopLookCore", "ShopLookKafka", "ShopLookPostgres",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The catalog's stages (pose, detect, embed), its image states, ingest and article cropping.
        .target(
            name: "ShopLookPipeline",
            dependencies: [
                "ShopLookCore", "ShopLookKafka", "ShopLookPostgres", "ShopLookBlobStore", "ShopLookImaging", "ShopLookVision",
                "ShopLookPose", "ShopLookStreaming",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(name: "ShopLookImaging", dependencies: ["CTurboJPEG", "CPNG", "CShopLookSIMD"]),
        .target(name: "ShopLookRuntimes", dependencies: ["ShopLookCore"]),
        // Vector index: IVF-PQ with SIMD kernels (AVX2 / AVX-512BW / F16C) chosen at run time; no global -m flags.
        // The same C target holds the imaging kernels (bilinear resampling).
        .target(name: "CShopLookSIMD"),
        // The one Swift home of OpenBLAS: sgemm wrappers and the thread count.
        .target(name: "ShopLookBLAS", dependencies: ["COpenBLAS"]),
        .target(name: "ShopLookIndex", dependencies: ["ShopLookCore", "ShopLookBLAS", "CShopLookSIMD"]),
        .executableTarget(
            name: "shoplook-index-bench",
            dependencies: ["ShopLookIndex", "ShopLookBLAS", "ShopLookCore", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Benchmarks/IndexBench"
        ),
        // The searcher's shard holder: per shard, super-category and model version an index that is exact until it
        // can train its IVF-PQ, rebuilt beside the serving one (training, reindex) with the changes replayed.
        .target(name: "ShopLookSearch", dependencies: ["ShopLookCore", "ShopLookIndex", "ShopLookBLAS"]),
        // Parts of Benchmarks/run-search-bench: a synthetic catalog, searches through the searchers and in process.
        .executableTarget(
            name: "shoplook-search-bench",
            dependencies: [
                "ShopLookSearch", "ShopLookSearchClient", "ShopLookCommandSupport", "ShopLookCore", "ShopLookPostgres",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/SearchBench"
        ),
        // The imaging hot path timed against baselines of the same run (Benchmarks/run-imaging-bench).
        .executableTarget(
            name: "shoplook-imaging-bench",
            dependencies: ["ShopLookImaging", "ShopLookCore", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Benchmarks/ImagingBench"
        ),
        // The searcher process: shard ownership through the consumer group on `embedded`, loading (snapshot or
        // PostgreSQL), live changes, snapshots, the search and reindex endpoints. No model code.
        .target(
            name: "ShopLookSearcher",
            dependencies: [
                "ShopLookCore", "ShopLookKafka", "ShopLookPostgres", "ShopLookSearch", "ShopLookServices",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "shoplook-searcher",
            dependencies: [
                "ShopLookSearcher", "ShopLookSearch", "ShopLookCommandSupport", "ShopLookServices", "ShopLookCore", "ShopLookKafka",
                "ShopLookPostgres", "ShopLookBLAS",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ]
        ),
        // The caller's side of search: the shard directory (searcher_shards), one HTTP request per owner over pooled
        // keep-alive connections, and the merge that keeps only answers of the generation the directory names.
        .target(
            name: "ShopLookSearchClient",
            dependencies: [
                "ShopLookSearch", "ShopLookCore", "ShopLookPostgres",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        // The HTTP API (Hummingbird): catalog changes through the ingest pipeline, product reads, images and crops
        // from the blob store, health, metrics; one JSON error shape, bearer token for writes. Routes are added by
        // route types (ProductRoutes, MediaRoutes, HealthRoutes) to one router, so more can join.
        .target(
            name: "ShopLookAPI",
            dependencies: [
                "ShopLookCore", "ShopLookKafka", "ShopLookPostgres", "ShopLookBlobStore", "ShopLookImaging", "ShopLookPipeline",
                "ShopLookServices", "ShopLookLook",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "shoplook-api",
            dependencies: [
                "ShopLookAPI", "ShopLookCommandSupport", "ShopLookCore", "ShopLookKafka", "ShopLookPostgres", "ShopLookImaging", "ShopLookLook",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ]
        ),
        .target(name: "ShopLookPose", dependencies: ["ShopLookImaging", "ShopLookRuntimes", "ShopLookCore", "ShopLookBLAS"]),
        // Looks: a shopper's photo analysed with the catalog's vision code, searched through the searchers, answered
        // once as a job (submit, claim, finish, deadline sweep, read back).
        .target(
            name: "ShopLookLook",
            dependencies: [
                "ShopLookCore", "ShopLookKafka", "ShopLookPostgres", "ShopLookBlobStore", "ShopLookImaging", "ShopLookPose",
                "ShopLookVision", "ShopLookPipeline", "ShopLookSearch", "ShopLookSearchClient", "ShopLookStreaming", "ShopLookRuntimes",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "ShopLookVision",
            dependencies: ["ShopLookCore", "ShopLookImaging", "ShopLookRuntimes", "ShopLookBLAS", .product(name: "Logging", package: "swift-log")]
        ),
        .target(
            name: "ShopLookDevBroker",
            dependencies: ["CRDKafka", "ShopLookCore", "ShopLookKafka", .product(name: "Logging", package: "swift-log")]
        ),
        // Settings (environment, `.local/stack.env`) and the option groups every executable shares: no model code.
        .target(
            name: "ShopLookCommandSupport",
            dependencies: [
                "ShopLookCore", "ShopLookKafka", "ShopLookPostgres", "ShopLookBlobStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The option groups of the executables that run models (model files, the embedder).
        .target(
            name: "ShopLookModelOptions",
            dependencies: [
                "ShopLookCore", "ShopLookCommandSupport", "ShopLookImaging", "ShopLookVision", "ShopLookRuntimes",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // What every long-running process serves beside its work: /metrics and consumer-lag gauges (no model code).
        .target(
            name: "ShopLookServices",
            dependencies: [
                "ShopLookCore", "ShopLookKafka",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // What every stage executable runs: a StageWorker, consumer-lag gauges and /metrics in one ServiceGroup.
        .target(
            name: "ShopLookWorker",
            dependencies: [
                "ShopLookCore", "ShopLookKafka", "ShopLookPostgres", "ShopLookBlobStore", "ShopLookStreaming", "ShopLookPipeline",
                "ShopLookCommandSupport", "ShopLookServices", "ShopLookBLAS",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "shoplook-pose-worker",
            dependencies: [
                "ShopLookWorker", "ShopLookCommandSupport", "ShopLookModelOptions", "ShopLookPipeline", "ShopLookPose",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "shoplook-detect-worker",
            dependencies: [
                "ShopLookWorker", "ShopLookCommandSupport", "ShopLookModelOptions", "ShopLookPipeline", "ShopLookVision",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "shoplook-embed-worker",
            dependencies: [
                "ShopLookWorker", "ShopLookCommandSupport", "ShopLookModelOptions", "ShopLookPipeline",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "shoplook-query-worker",
            dependencies: [
                "ShopLookWorker", "ShopLookCommandSupport", "ShopLookModelOptions", "ShopLookLook", "ShopLookPose", "ShopLookVision",
                "ShopLookSearchClient", "ShopLookCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "shoplook",
            dependencies: [
                "ShopLookCore", "ShopLookKafka", "ShopLookPostgres", "ShopLookBlobStore", "ShopLookPipeline",
                "ShopLookImaging", "ShopLookVision", "ShopLookPose", "ShopLookRuntimes", "ShopLookCommandSupport", "ShopLookModelOptions", "ShopLookBLAS", "ShopLookSearch",
                "ShopLookSearchClient", "ShopLookLook",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The fuzz targets: the parsers of outside input (JPEG/EXIF headers, the PNG path, JSON and the schema validator,
        // the message codecs, CSV), each with its invariants. Only ShopLookCore and ShopLookImaging below them, so the
        // sanitizer build of Benchmarks/run-fuzz (its own scratch path) compiles a few modules, not the fleet.
        .target(name: "ShopLookFuzzTargets", dependencies: ["ShopLookCore", "ShopLookImaging", "ShopLookSearch", "ShopLookIndex"]),
        // libFuzzer over one target when built with -sanitize=fuzzer -D SHOPLOOK_LIBFUZZER; else a replay of inputs.
        .executableTarget(name: "shoplook-fuzz", dependencies: ["ShopLookFuzzTargets", "CLibFuzzer"]),
        .executableTarget(
            name: "shoplook-broker",
            dependencies: [
                "ShopLookDevBroker", "ShopLookCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // Test helpers live in their own target, never in a product target: the services integration tests need
        // (TestServices and its traits, TestDatabase, TestBroker, TestProcess) and the one lookup of the fetched models.
        .target(
            name: "ShopLookTestSupport",
            dependencies: [
                "ShopLookCore", "ShopLookKafka", "ShopLookPostgres", "ShopLookDevBroker", "ShopLookImaging", "ShopLookRuntimes",
                "ShopLookCommandSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/ShopLookTestSupport"
        ),
        // Unit tests: no PostgreSQL, no broker process, no fetched models or runtime libraries, no built executables.
        // `swift test --filter` of any of them runs anywhere.
        .testTarget(name: "ShopLookCoreTests", dependencies: ["ShopLookCore"]),
        // Every fuzz target over its seed corpus and the inputs fuzzing found (Fuzz/corpus/), and each found defect.
        .testTarget(name: "ShopLookFuzzTargetsTests", dependencies: ["ShopLookFuzzTargets", "ShopLookCore", "ShopLookImaging", "ShopLookSearch"]),
        .testTarget(name: "ShopLookBlobStoreTests", dependencies: ["ShopLookBlobStore"]),
        // The stream runtime's logic (batches, retries, poison isolation, dead letters) with in-memory doubles: no I/O.
        .testTarget(
            name: "ShopLookStreamingTests",
            dependencies: [
                "ShopLookStreaming", "ShopLookCore", "ShopLookKafka", "ShopLookTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Configuration, offsets and the broker's command parser; the mock cluster runs in process.
        .testTarget(
            name: "ShopLookKafkaTests",
            dependencies: ["ShopLookKafka", "ShopLookDevBroker", .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(name: "ShopLookPostgresTests", dependencies: ["ShopLookPostgres", "ShopLookTestSupport"]),
        .testTarget(name: "SystemLibraryTests", dependencies: ["COpenBLAS", "CTurboJPEG"]),
        .testTarget(name: "ShopLookImagingTests", dependencies: ["ShopLookImaging", "ShopLookCore", "CPNG"]),
        .testTarget(name: "ShopLookRuntimesTests", dependencies: ["ShopLookRuntimes", "ShopLookTestSupport"]),
        .testTarget(name: "ShopLookSearcherTests", dependencies: ["ShopLookSearcher", "ShopLookSearch"]),
        .testTarget(name: "ShopLookSearchTests", dependencies: ["ShopLookSearch", "ShopLookIndex", "ShopLookCore"]),
        .testTarget(name: "ShopLookIndexTests", dependencies: ["ShopLookIndex", "ShopLookCore", "CShopLookSIMD"], exclude: ["Fixtures"]),
        // The merge without I/O; the HTTP transport and the client against an in-test Hummingbird server.
        .testTarget(
            name: "ShopLookSearchClientTests",
            dependencies: [
                "ShopLookSearchClient", "ShopLookSearch", "ShopLookCore", "ShopLookTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // ShardDirectory against PostgreSQL (skipped without SHOPLOOK_TEST_DATABASE_URL).
        .testTarget(
            name: "ShopLookSearchClientIntegrationTests",
            dependencies: ["ShopLookSearchClient", "ShopLookPostgres", "ShopLookTestSupport"]
        ),
        // The API's routes in process (HummingbirdTesting) over an in-memory catalog: every error path, the
        // multipart parser, the OpenAPI document against the router.
        .testTarget(
            name: "ShopLookAPITests",
            dependencies: [
                "ShopLookAPI", "ShopLookCore", "ShopLookBlobStore", "ShopLookImaging", "ShopLookPipeline", "ShopLookLook",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The API against PostgreSQL and the development broker (in process), and the shoplook-api process
        // against its OpenAPI document with schemathesis.
        .testTarget(
            name: "ShopLookAPIIntegrationTests",
            dependencies: [
                "ShopLookAPI", "ShopLookTestSupport", "ShopLookCore", "ShopLookKafka", "ShopLookPostgres", "ShopLookBlobStore",
                "ShopLookPipeline", "ShopLookLook", "ShopLookImaging",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "ShopLookPoseTests", dependencies: ["ShopLookPose", "ShopLookImaging", "ShopLookCore"]),
        .testTarget(name: "ShopLookVisionTests", dependencies: ["ShopLookVision", "ShopLookCore", "ShopLookImaging", "ShopLookRuntimes"]),
        .testTarget(name: "ShopLookPipelineTests", dependencies: ["ShopLookPipeline", "ShopLookImaging", "ShopLookTestSupport"]),
        .testTarget(name: "ShopLookLookTests", dependencies: ["ShopLookLook", "ShopLookCore", "ShopLookImaging"]),

        // Integration tests: each suite says what it needs with a TestServices trait (.requiresDatabase,
        // .requiresBroker, .requiresModels, .requiresExecutables) and is skipped with the command that provides it
        // when that is missing, unless SHOPLOOK_TEST_REQUIRE_SERVICES=1 (Deploy/test): then it fails instead.
        .testTarget(
            name: "ShopLookKafkaIntegrationTests",
            dependencies: ["ShopLookKafka", "ShopLookTestSupport", .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(name: "ShopLookPostgresIntegrationTests", dependencies: ["ShopLookPostgres", "ShopLookCore", "ShopLookTestSupport"]),
        .testTarget(name: "ShopLookRuntimesIntegrationTests", dependencies: ["ShopLookRuntimes", "ShopLookCore", "ShopLookTestSupport"]),
        .testTarget(
            name: "ShopLookPoseIntegrationTests",
            dependencies: ["ShopLookPose", "ShopLookImaging", "ShopLookCore", "ShopLookRuntimes", "ShopLookTestSupport"]
        ),
        .testTarget(
            name: "ShopLookVisionIntegrationTests",
            dependencies: ["ShopLookVision", "ShopLookImaging", "ShopLookRuntimes", "ShopLookCore", "ShopLookTestSupport"]
        ),
        // Searcher processes on a real broker and PostgreSQL (two of them for rebalances).
        .testTarget(
            name: "ShopLookSearcherIntegrationTests",
            dependencies: [
                "ShopLookSearch", "ShopLookCore", "ShopLookKafka", "ShopLookPostgres", "ShopLookTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "ShopLookPipelineIntegrationTests",
            dependencies: [
                "ShopLookPipeline", "ShopLookStreaming", "ShopLookTestSupport", "ShopLookCore", "ShopLookKafka", "ShopLookPostgres",
                "ShopLookImaging", "ShopLookBlobStore", "ShopLookVision", "ShopLookRuntimes", "ShopLookPose",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Looks: the analyzer on the fetched models, the job table on PostgreSQL, the query worker as a process with a
        // searcher (a worker killed mid-look, deadlines).
        .testTarget(
            name: "ShopLookLookIntegrationTests",
            dependencies: [
                "ShopLookLook", "ShopLookTestSupport", "ShopLookCore", "ShopLookKafka", "ShopLookPostgres", "ShopLookBlobStore",
                "ShopLookImaging", "ShopLookPose", "ShopLookVision", "ShopLookModelOptions",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Runs the worker executables as child processes (built by `swift build --build-tests`, found like the broker).
        .testTarget(
            name: "ShopLookWorkerIntegrationTests",
            dependencies: [
                "ShopLookTestSupport", "ShopLookCore", "ShopLookKafka", "ShopLookPostgres", "ShopLookBlobStore", "ShopLookRuntimes",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
