import CrewCore
import CrewMCPLink
import CrewTools
import Foundation
import Testing

@testable import CrewMCP

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What the tests need from the machine: `python3`, and its `mcp` module for the reference server. CI sets
/// `CREW_REQUIRE_MCP=1`, which turns a missing one into failures instead of skipped tests.
enum PythonMCP {
    static let required = ProcessInfo.processInfo.environment["CREW_REQUIRE_MCP"] == "1"
    static let hasPython = required || succeeds(["-c", "pass"])
    static let hasMCP = required || (hasPython && succeeds(["-c", "import mcp"]))

    static let serversFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Servers").path
    static let demoServer = serversFolder + "/demo_server.py"
    static let rawServer = serversFolder + "/raw_server.py"

    private static func succeeds(_ arguments: [String]) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }
}

/// A context whose `${env:NAME}` references come from `values`.
func testContext(_ values: [String: String] = [:], folder: String = NSTemporaryDirectory()) -> ToolContext {
    ToolContext(crewFolder: folder) { segment throws(ToolSetupError) in
        guard case .env(let name) = segment, let value = values[name] else {
            throw ToolSetupError("`${env:...}` reference is not set")
        }
        return value
    }
}

/// A plan entry for a stdio server.
func stdioConfig(
    _ script: String, _ arguments: [String] = [], env: [String: String] = [:], include: [String] = [],
    exclude: [String] = []
) -> JSONValue {
    .object([
        "type": .string("mcp"), "command": .string("python3"), "args": .strings([script] + arguments),
        "env": .object(env.mapValues(JSONValue.string)), "include": .strings(include), "exclude": .strings(exclude),
    ])
}

func demoConfig(include: [String] = [], exclude: [String] = [], env: [String: String] = [:]) -> JSONValue {
    stdioConfig(PythonMCP.demoServer, ["stdio"], env: env, include: include, exclude: exclude)
}

/// The reference server takes a few seconds to import on a busy machine.
let startupTimeout = 30.0

func tool(_ source: MCPToolSource, _ name: String) throws -> any AgentTool {
    try #require(source.tools.first { $0.descriptor.name == name })
}

/// The failure a call throws, or nil when it succeeds.
func failure(of tool: any AgentTool, _ arguments: JSONValue = .object([:])) async -> ToolFailure? {
    do {
        _ = try await tool.call(arguments)
        return nil
    } catch {
        return error
    }
}

/// The setup error `connect` throws, or nil when it connects (and then closes the source).
func setupError(_ config: JSONValue, timeout: Double = startupTimeout, context: ToolContext = testContext()) async
    -> ToolSetupError?
{
    do {
        let source = try await MCPToolSource.connect(name: "demo", config: config, context: context, timeout: timeout)
        await source.close()
        return nil
    } catch {
        return error
    }
}

/// Whether `pid` is gone for good: no such process, not even a zombie waiting to be reaped.
func isReaped(_ pid: Int32) -> Bool {
    !FileManager.default.fileExists(atPath: "/proc/\(pid)") && kill(pid, 0) != 0
}

/// Seconds since `start`.
func elapsed(since start: ContinuousClock.Instant) -> Double {
    let duration = ContinuousClock.now - start
    return Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

/// A context like `testContext` that also remembers every value it hands out, as the run's secret ledger does.
final class RecordingContext: @unchecked Sendable {
    // `@unchecked`: `handedOut` is only touched under `lock`.
    private let values: [String: String]
    private let lock = NSLock()
    private var handedOut: [String] = []

    init(_ values: [String: String]) {
        self.values = values
    }

    var context: ToolContext {
        let base = testContext(values)
        return ToolContext(crewFolder: base.crewFolder) { [self] segment throws(ToolSetupError) in
            let value = try base.reference(segment)
            lock.withLock { handedOut.append(value) }
            return value
        }
    }

    var recorded: [String] { lock.withLock { handedOut } }
}

/// Connects through the real `crew-mcp`, found next to the test bundle as crew finds it next to itself (unless
/// `environment` sets `CREW_MCP_HOST`).
func hostSource(
    _ config: JSONValue, context: ToolContext = testContext(), timeout: Double = startupTimeout,
    environment: [String: String] = [:]
) async throws(ToolSetupError) -> MCPHostToolSource {
    try await MCPHostToolSource.connect(
        name: "demo", config: config, context: context, timeout: timeout, environment: environment)
}

func tool(_ source: MCPHostToolSource, _ name: String) throws -> any AgentTool {
    try #require(source.tools.first { $0.descriptor.name == name })
}

/// The setup error connecting through the host throws, or nil when it connects (and then closes the source).
func hostSetupError(
    _ config: JSONValue, timeout: Double = startupTimeout, context: ToolContext = testContext(),
    environment: [String: String] = [:]
) async -> ToolSetupError? {
    do {
        let source = try await hostSource(config, context: context, timeout: timeout, environment: environment)
        await source.close()
        return nil
    } catch {
        return error
    }
}
