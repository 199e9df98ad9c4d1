// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "crew",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "crew", targets: ["crew"]),
        .executable(name: "crew-bench", targets: ["crew-bench"]),
        .executable(name: "crew-mcp", targets: ["crew-mcp"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk", from: "0.12.1"),
    ],
    targets: [
        .target(name: "CrewCore", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "CrewSpec", dependencies: ["CrewCore", "Yams"]),
        .target(name: "CrewPlanner", dependencies: ["CrewCore", "CrewSpec"]),
        .target(name: "CrewBuild", dependencies: ["CrewCore", "CrewSpec", "CrewPlanner"]),
        .target(
            name: "CrewProviders",
            dependencies: ["CrewCore", .product(name: "AsyncHTTPClient", package: "async-http-client")]
        ),
        .target(
            name: "CrewKnowledge",
            dependencies: ["CrewCore", "CCrewKernels", .product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "CCrewKernels"),
        .target(
            name: "CrewTools",
            dependencies: [
                "CrewCore", .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // What crew and its MCP host share, without the MCP SDK: `crew` links this, never CrewMCP.
        .target(name: "CrewMCPLink", dependencies: ["CrewCore", "CrewTools"]),
        .target(
            name: "CrewMCP",
            dependencies: [
                "CrewCore", "CrewTools", "CrewMCPLink", .product(name: "MCP", package: "swift-sdk"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        .target(
            name: "CrewRuntime",
            dependencies: ["CrewCore", "CrewProviders", "CrewKnowledge", "CrewTools", "CrewMCPLink"]),
        .target(
            name: "CrewCLI",
            dependencies: [
                "CrewCore", "CrewSpec", "CrewPlanner", "CrewBuild", "CrewProviders", "CrewRuntime", "CrewKnowledge", "Yams",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "crew", dependencies: ["CrewCLI"]),
        .executableTarget(name: "crew-mcp", dependencies: ["CrewMCP"]),
        .executableTarget(
            name: "crew-bench",
            dependencies: [
                "CrewCore", "CrewSpec", "CrewPlanner", "CrewBuild", "CrewTestSupport", "CrewRuntime", "CrewProviders",
                "CrewKnowledge",
            ]
        ),
        .target(
            name: "CrewTestSupport",
            dependencies: [
                "CrewCore", "CrewSpec", "CrewPlanner", "CrewBuild",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "CrewCoreTests", dependencies: ["CrewCore", "CrewTestSupport"]),
        .testTarget(name: "CrewSpecTests", dependencies: ["CrewSpec", "CrewBuild", "CrewTestSupport"]),
        .testTarget(name: "CrewPlannerTests", dependencies: ["CrewPlanner", "CrewSpec", "CrewTestSupport"]),
        .testTarget(name: "CrewBuildTests", dependencies: ["CrewBuild", "CrewTestSupport"]),
        .testTarget(name: "CrewProvidersTests", dependencies: ["CrewProviders", "CrewTestSupport"]),
        .testTarget(
            name: "CrewRuntimeTests",
            dependencies: ["CrewRuntime", "CrewBuild", "CrewProviders", "CrewKnowledge", "CrewTestSupport"]),
        .testTarget(name: "CrewKnowledgeTests", dependencies: ["CrewKnowledge", "CrewTestSupport"]),
        .testTarget(name: "CrewToolsTests", dependencies: ["CrewTools", "CrewTestSupport"]),
        .testTarget(
            name: "CrewMCPTests", dependencies: ["CrewMCP", "CrewMCPLink", "crew-mcp", "CrewTools", "CrewTestSupport"],
            exclude: ["Servers"]),
        .testTarget(name: "CrewCLITests", dependencies: ["crew", "crew-mcp", "CrewTestSupport", "CrewCore"]),
    ]
)
