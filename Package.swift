// swift-tools-version:6.1
import PackageDescription

/// Every target compiles with these: an import a file uses must be declared in this manifest and written in the file
/// (`MemberImportVisibility`), and existential types are spelled `any P` (`ExistentialAny`).
let strict: [SwiftSetting] = [
    .enableUpcomingFeature("MemberImportVisibility"), .enableUpcomingFeature("ExistentialAny"),
]

/// How the shipped binaries link on Linux: with lld, relative relocations packed (DT_RELR: glibc 2.36 or newer, as on
/// Debian 12), no symbols exported, and in release builds with the functions `crew`'s common commands run placed
/// together (Linker/crew.order, written by scripts/link-order.py; crew-mcp shares most of them). The kernel maps a
/// binary's pages in blocks around each one touched, so scattered code costs memory far beyond its size: a 200-task
/// `crew run` peaked at 38 MiB before and 24.5 after (Benchmarks/orchestration/README.md).
let shippedLinking: [LinkerSetting] = [
    .unsafeFlags(
        ["-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs", "-Xlinker", "--no-export-dynamic"],
        .when(platforms: [.linux])),
    // The C++ runtime and libgcc linked in, not loaded: `-lstdc++` finds Linker/static/libstdc++.so first, a linker
    // script naming the static archive. Loading libstdc++.so.6 and libgcc_s and binding their symbols was about
    // 0.7 ms of each start (Benchmarks/orchestration/README.md); glibc and libm stay shared.
    .unsafeFlags(
        ["-L\(Context.packageDirectory)/Linker/static", "-Xclang-linker", "-static-libgcc"],
        .when(platforms: [.linux])),
    .unsafeFlags(
        [
            "-Xlinker", "--symbol-ordering-file=\(Context.packageDirectory)/Linker/crew.order",
            "-Xlinker", "--no-warn-symbol-ordering",
        ], .when(platforms: [.linux], configuration: .release)),
]

let package = Package(
    name: "crew",
    platforms: [.macOS(.v13)],
    // What crew ships. crew-bench stays a target of this package only (`swift build --product crew-bench`): it links
    // CrewTestSupport for its provider test server, and no shipped product links test support.
    products: [
        .executable(name: "crew", targets: ["crew"]),
        .executable(name: "crew-mcp", targets: ["crew-mcp"]),
        .executable(name: "crew-server", targets: ["crew-server"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk", from: "0.12.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.8.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-distributed-tracing", from: "1.7.3"),
        // OTLP/HTTP only: the gRPC exporter (and grpc-swift) stays out of the build.
        .package(url: "https://github.com/swift-otel/swift-otel", from: "1.6.0", traits: ["OTLPHTTP"]),
    ],
    targets: [
        .target(
            name: "CrewCore", dependencies: [.product(name: "Crypto", package: "swift-crypto")], swiftSettings: strict),
        // The documents that cross a process boundary (plan.json, run records): CrewCore only, so anything may read them.
        .target(name: "CrewDocuments", dependencies: ["CrewCore"], swiftSettings: strict),
        .target(name: "CrewSpec", dependencies: ["CrewCore", "CrewDocuments", "CLibYAML"], swiftSettings: strict),
        // libyaml, from the system (Debian's libyaml-dev): CrewSpec composes its events into nodes itself.
        .systemLibrary(name: "CLibYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
        .target(name: "CrewPlanner", dependencies: ["CrewCore", "CrewSpec"], swiftSettings: strict),
        .target(
            name: "CrewBuild", dependencies: ["CrewCore", "CrewDocuments", "CrewSpec", "CrewPlanner"],
            swiftSettings: strict),
        .target(
            name: "CrewProviders",
            dependencies: [
                "CrewCore", .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ], swiftSettings: strict),
        .target(
            name: "CrewKnowledge",
            dependencies: ["CrewCore", "CCrewKernels", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict),
        .target(name: "CCrewKernels"),
        .target(
            name: "CrewTools",
            dependencies: [
                "CrewCore", "CrewDocuments", .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
            ], swiftSettings: strict),
        // What crew and its MCP host share, without the MCP SDK: `crew` links this, never CrewMCP.
        .target(name: "CrewMCPLink", dependencies: ["CrewCore", "CrewTools"], swiftSettings: strict),
        .target(
            name: "CrewMCP",
            dependencies: [
                "CrewCore", "CrewTools", "CrewMCPLink", .product(name: "MCP", package: "swift-sdk"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"), .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ], swiftSettings: strict),
        .target(
            name: "CrewRuntime",
            dependencies: [
                "CrewCore", "CrewDocuments", "CrewProviders", "CrewKnowledge", "CrewTools", "CrewMCPLink",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
            ], swiftSettings: strict),
        // crew as a library: compile, build, run, resume and read records; what the CLI and a server call.
        .target(
            name: "CrewKit",
            dependencies: [
                "CrewCore", "CrewDocuments", "CrewSpec", "CrewPlanner", "CrewBuild", "CrewKnowledge", "CrewProviders",
                "CrewRuntime", "CCrewHooks",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
            ], swiftSettings: strict),
        // Swift concurrency's global-enqueue hook, set by name (CrewKit's EventLoopJobs).
        .target(name: "CCrewHooks"),
        // Traces: a run's events as OpenTelemetry GenAI spans, on any swift-distributed-tracing tracer.
        .target(
            name: "CrewTelemetry",
            dependencies: [
                "CrewCore", "CrewDocuments", "CrewRuntime",
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "OTel", package: "swift-otel"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ], swiftSettings: strict),
        // `crew serve`: the HTTP API over CrewKit; the only importer of Hummingbird.
        .target(
            name: "CrewServer",
            dependencies: [
                "CrewCore", "CrewDocuments", "CrewKit", "CrewRuntime", "CrewBuild", "CrewTelemetry",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"), "CrewSpec",
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "PostgresNIO", package: "postgres-nio"), .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"), .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ], swiftSettings: strict),
        .target(
            name: "CrewCLI",
            dependencies: [
                "CrewCore", "CrewDocuments", "CrewSpec", "CrewPlanner", "CrewBuild", "CrewProviders", "CrewRuntime",
                "CrewKnowledge", "CrewKit", "CrewTelemetry", "CrewMCPLink",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"), "CrewTools",
            ], swiftSettings: strict),
        // `crew serve` and `crew token`, the commands of crew-server: the only CLI code that links the server.
        .target(
            name: "CrewServeCLI",
            dependencies: [
                "CrewCLI", "CrewServer", "CrewKit", "CrewCore", "CrewDocuments", "CrewTelemetry",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ], swiftSettings: strict),
        .executableTarget(
            name: "crew", dependencies: ["CrewCLI", "CrewKit"], swiftSettings: strict, linkerSettings: shippedLinking),
        .executableTarget(
            name: "crew-mcp", dependencies: ["CrewMCP"], swiftSettings: strict, linkerSettings: shippedLinking),
        .executableTarget(
            name: "crew-server", dependencies: ["CrewServeCLI"], swiftSettings: strict,
            linkerSettings: shippedLinking),
        .executableTarget(
            name: "crew-bench",
            dependencies: [
                "CrewCore", "CrewSpec", "CrewPlanner", "CrewBuild", "CrewTestSupport", "CrewRuntime", "CrewProviders",
                "CrewKnowledge", "CrewKit", "CrewDocuments",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
            ], swiftSettings: strict),
        .target(
            name: "CrewTestSupport",
            dependencies: [
                "CrewCore", "CrewSpec", "CrewPlanner", "CrewBuild",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ], swiftSettings: strict),
        .testTarget(name: "CrewCoreTests", dependencies: ["CrewCore", "CrewTestSupport"], swiftSettings: strict),
        .testTarget(
            name: "CrewTelemetryTests",
            dependencies: [
                "CrewTelemetry", "CrewKit", "CrewCore", "CrewDocuments", "CrewRuntime", "CrewTestSupport",
                "CrewProviders",
                .product(name: "InMemoryTracing", package: "swift-distributed-tracing"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ], swiftSettings: strict),
        .testTarget(
            name: "CrewDocumentsTests",
            dependencies: ["CrewDocuments", "CrewCore", "CrewBuild", "CrewTestSupport"], swiftSettings: strict),
        .testTarget(
            name: "CrewSpecTests",
            dependencies: ["CrewDocuments", "CrewSpec", "CrewBuild", "CrewTestSupport", "CrewCore", "CrewPlanner"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "CrewPlannerTests",
            dependencies: ["CrewPlanner", "CrewSpec", "CrewTestSupport", "CrewBuild", "CrewCore"], swiftSettings: strict
        ),
        .testTarget(
            name: "CrewBuildTests",
            dependencies: ["CrewDocuments", "CrewBuild", "CrewTestSupport", "CrewCore", "CrewSpec"],
            swiftSettings: strict),
        .testTarget(
            name: "CrewProvidersTests",
            dependencies: [
                "CrewProviders", "CrewTestSupport", .product(name: "AsyncHTTPClient", package: "async-http-client"),
                "CrewCore", .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"), .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ], swiftSettings: strict),
        .testTarget(
            name: "CrewRuntimeTests",
            dependencies: [
                "CrewKit", "CrewDocuments",
                "CrewRuntime", "CrewBuild", "CrewProviders", "CrewKnowledge", "CrewTestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"), "CrewCore",
            ], swiftSettings: strict),
        .testTarget(
            name: "CrewKitTests",
            dependencies: [
                "CrewKit", "CrewBuild", "CrewCore", "CrewDocuments", "CrewRuntime", "CrewProviders", "CrewTestSupport",
            ], swiftSettings: strict),
        .testTarget(
            name: "CrewServerTests",
            dependencies: [
                "CrewServer", "CrewKit", "CrewCore", "CrewDocuments", "CrewTestSupport", "CrewProviders", "CrewSpec",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "JWTKit", package: "jwt-kit"), .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ], swiftSettings: strict),
        .testTarget(
            name: "CrewKnowledgeTests", dependencies: ["CrewKnowledge", "CrewTestSupport", "CCrewKernels", "CrewCore"],
            swiftSettings: strict),
        .testTarget(
            name: "CrewToolsTests", dependencies: ["CrewTools", "CrewTestSupport", "CrewCore"], swiftSettings: strict),
        .testTarget(
            name: "CrewMCPTests",
            dependencies: [
                "CrewMCP", "CrewMCPLink", "crew-mcp", "CrewTools", "CrewTestSupport", "CrewCore",
                .product(name: "MCP", package: "swift-sdk"),
            ],
            exclude: ["Servers"], swiftSettings: strict),
        .testTarget(
            name: "CrewCLITests",
            dependencies: [
                "CrewDocuments", "crew", "crew-mcp", "crew-server", "CrewTestSupport", "CrewCore", "CrewRuntime",
                "CrewCLI", "CrewServeCLI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strict),
    ]
)
