// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "crew",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "crew", targets: ["crew"]),
        .executable(name: "crew-bench", targets: ["crew-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
    ],
    targets: [
        .target(name: "CrewCore", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "CrewSpec", dependencies: ["CrewCore", "Yams"]),
        .target(name: "CrewPlanner", dependencies: ["CrewCore", "CrewSpec"]),
        .target(name: "CrewBuild", dependencies: ["CrewCore", "CrewSpec", "CrewPlanner"]),
        .target(
            name: "CrewCLI",
            dependencies: [
                "CrewCore", "CrewSpec", "CrewPlanner", "CrewBuild",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "crew", dependencies: ["CrewCLI"]),
        .executableTarget(
            name: "crew-bench", dependencies: ["CrewCore", "CrewSpec", "CrewPlanner", "CrewBuild", "CrewTestSupport"]),
        .target(name: "CrewTestSupport", dependencies: ["CrewCore", "CrewSpec", "CrewPlanner", "CrewBuild"]),
        .testTarget(name: "CrewCoreTests", dependencies: ["CrewCore", "CrewTestSupport"]),
        .testTarget(name: "CrewSpecTests", dependencies: ["CrewSpec", "CrewBuild", "CrewTestSupport"]),
        .testTarget(name: "CrewPlannerTests", dependencies: ["CrewPlanner", "CrewSpec", "CrewTestSupport"]),
        .testTarget(name: "CrewBuildTests", dependencies: ["CrewBuild", "CrewTestSupport"]),
        .testTarget(name: "CrewCLITests", dependencies: ["crew", "CrewTestSupport"]),
    ]
)
