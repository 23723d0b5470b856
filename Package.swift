// swift-tools-version:6.2
// utility-gateway: one target per pipeline stage (ingest → decode → normalize → store → evaluate →
// alert/ticket → forward → query), each depending only on GatewayCore's value types, and one
// composition root (GatewayDaemon) that wires them together.
import PackageDescription

/// Our own targets build with every warning as an error (Swift 6 strict concurrency included);
/// dependencies keep their own settings, so a warning in a dependency cannot break our build.
let strict: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .treatAllWarnings(as: .error),
]

let package = Package(
    name: "utility-gateway",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "utility-gatewayd", targets: ["utility-gatewayd"]),
        .executable(name: "utility-gatewayctl", targets: ["utility-gatewayctl"]),
        .executable(name: "utility-sim", targets: ["utility-sim"]),
        // The power-loss tests' LD_PRELOAD shim (Tests/PowerCut): a dynamic library so that
        // `swift build` builds it, warnings as errors, next to the daemon it is preloaded into.
        .library(name: "PowerCut", type: .dynamic, targets: ["PowerCut"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams", exact: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        // The swift-configuration trait is off: the gateway reads its own YAML (GatewayConfig).
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: ["FullFoundation"]),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        // HMAC-SHA256 of webhook bodies (GatewayForward/Webhooks).
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
    ],
    targets: [
        // MARK: system libraries
        .systemLibrary(
            name: "CMosquitto",
            pkgConfig: "libmosquitto",
            providers: [.apt(["libmosquitto-dev"])]
        ),

        // MARK: core values
        .target(name: "GatewayCore", swiftSettings: strict),

        // MARK: configuration (YAML → validated GatewayCore values)
        .target(
            name: "GatewayConfig",
            dependencies: ["GatewayCore", .product(name: "Yams", package: "Yams")],
            swiftSettings: strict
        ),

        // MARK: pipeline stages
        .target(
            name: "GatewayMQTT",
            dependencies: ["CMosquitto", "GatewayCore", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        .target(name: "GatewayAdapters", dependencies: ["GatewayCore"], swiftSettings: strict),
        .target(
            name: "GatewayStore",
            dependencies: [
                "GatewayCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "GatewayIngest",
            dependencies: [
                "GatewayCore", "GatewayAdapters", "GatewayStore", "GatewayMQTT",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            swiftSettings: strict
        ),

        // MARK: forward: store-and-forward to the central broker, and webhooks (issue 6)
        .target(
            name: "GatewayForward",
            dependencies: [
                "GatewayCore", "GatewayStore", "GatewayMQTT",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),

        .target(name: "GatewayQuery", dependencies: ["GatewayCore", "GatewayRules"], swiftSettings: strict),

        // MARK: evaluate → alert/ticket: the rule engine, pure (injected clocks, no I/O)
        .target(name: "GatewayRules", dependencies: ["GatewayCore"], swiftSettings: strict),
        .target(
            name: "GatewayAlerting",
            dependencies: [
                "GatewayCore", "GatewayRules", "GatewayStore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            swiftSettings: strict
        ),

        // MARK: operator surface: HTTP API, /metrics, health, the status page
        .target(
            name: "GatewayAPI",
            dependencies: [
                "GatewayCore", "GatewayStore", "GatewayQuery", "GatewayIngest", "GatewayAlerting", "GatewayRules",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),

        // MARK: composition root and executables
        .target(
            name: "GatewayDaemon",
            dependencies: [
                "GatewayCore", "GatewayConfig", "GatewayMQTT", "GatewayAdapters", "GatewayStore", "GatewayIngest",
                "GatewayAPI", "GatewayAlerting", "GatewayForward", "GatewayQuery",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "utility-gatewayd",
            dependencies: [
                "GatewayDaemon", "GatewayConfig", "GatewayCore", "GatewayAdapters",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "utility-gatewayctl",
            dependencies: [
                "GatewayCore", "GatewayConfig", "GatewayStore", "GatewayQuery", "GatewayRules",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "utility-sim",
            dependencies: [
                // GatewayConfig: the gateway configuration `--verify --config` reads, and the
                // problem format scenario errors share; GatewayStore: the read-only StoreReader.
                "GatewayCore", "GatewayMQTT", "GatewayConfig", "GatewayStore",
                .product(name: "Yams", package: "Yams"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "simulators/utility-sim",
            swiftSettings: strict
        ),

        // MARK: benchmarks (release builds; they print their figures)
        .executableTarget(
            name: "store-bench",
            dependencies: [
                "GatewayCore", "GatewayStore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "bench/store",
            swiftSettings: strict
        ),

        .executableTarget(
            name: "decode-bench",
            dependencies: ["GatewayCore", "GatewayAdapters", "FuzzSupport"],
            path: "bench/decode-bench",
            swiftSettings: strict
        ),

        .executableTarget(
            name: "api-bench",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "bench/api-bench",
            swiftSettings: strict
        ),

        .executableTarget(
            name: "rules-bench",
            dependencies: ["GatewayCore", "GatewayConfig", "GatewayRules"],
            path: "bench/rules-bench",
            swiftSettings: strict
        ),

        // MARK: robustness: one libFuzzer binary for every adapter (scripts/fuzz, Tests/Fuzz/README.md)
        .systemLibrary(name: "CFuzzerDriver", path: "Tests/Fuzz/CFuzzerDriver"),
        .target(
            name: "FuzzSupport",
            dependencies: ["GatewayCore", "GatewayConfig", "GatewayAdapters"],
            path: "Tests/Fuzz/FuzzSupport",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "fuzz-adapters",
            dependencies: ["CFuzzerDriver", "FuzzSupport", "GatewayCore"],
            path: "Tests/Fuzz/fuzz-adapters",
            swiftSettings: strict
        ),

        // MARK: robustness: the power-cut model (Tests/PowerCut/powercut.c, PowerLossEndToEndTests).
        // No target depends on it: linked into a test binary it would interpose that binary's own
        // I/O. The tests find libPowerCut.so among the built products and preload it into the daemon.
        .target(
            name: "PowerCut",
            path: "Tests/PowerCut",
            // SwiftPM links the product with swiftc, which adds the Swift runtime (swiftrt.o needs it):
            // harmless beside the debug daemon, which loads the same libswiftCore.so, and in dd.
            cSettings: [.unsafeFlags(["-Wall", "-Wextra", "-Werror"])]
        ),

        // MARK: tests
        .target(
            name: "GatewayTestSupport",
            dependencies: ["GatewayCore"],
            path: "Tests/GatewayTestSupport",
            swiftSettings: strict
        ),
        .testTarget(name: "GatewayCoreTests", dependencies: ["GatewayCore"], swiftSettings: strict),
        .testTarget(name: "GatewayConfigTests", dependencies: ["GatewayConfig"], swiftSettings: strict),
        .testTarget(
            name: "GatewayMQTTTests",
            dependencies: ["GatewayMQTT", "GatewayTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(name: "GatewayQueryTests", dependencies: ["GatewayQuery"], swiftSettings: strict),
        .testTarget(
            name: "GatewayRulesTests",
            dependencies: ["GatewayRules", "GatewayCore", "GatewayConfig"],
            exclude: ["testdata"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "GatewayAlertingTests",
            dependencies: ["GatewayAlerting", "GatewayRules", "GatewayStore", "GatewayCore", "GatewayTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "GatewayAPITests",
            dependencies: [
                "GatewayAPI", "GatewayCore", "GatewayIngest", "GatewayMQTT", "GatewayStore", "GatewayQuery",
                "GatewayAlerting", "GatewayRules", "GatewayTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "GatewayAdaptersTests",
            dependencies: ["GatewayAdapters", "GatewayConfig", "FuzzSupport"],
            exclude: ["testdata"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "GatewayForwardTests",
            dependencies: ["GatewayForward", "GatewayStore", "GatewayCore", "GatewayRules"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "GatewayStoreTests",
            dependencies: ["GatewayStore", "GatewayTestSupport", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "GatewayIngestTests",
            dependencies: ["GatewayIngest", "GatewayAdapters", "GatewayStore", "GatewayTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "UtilitySimTests",
            dependencies: ["utility-sim", "FuzzSupport", "GatewayAdapters", "GatewayCore"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "GatewayCore", "GatewayStore", "GatewayMQTT", "GatewayQuery", "GatewayTestSupport",
                "GatewayAlerting", "GatewayRules",
                .product(name: "Logging", package: "swift-log"),
                // The webhook receiver (WebhookReceiver.swift) and its signature check.
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            exclude: ["golden"],
            swiftSettings: strict
        ),
    ]
)
