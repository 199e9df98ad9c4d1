import CrewCore
import CrewTools
import Foundation
import Testing

@testable import CrewMCP

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite(
    "MCP over Streamable HTTP",
    .enabled(if: PythonMCP.hasMCP, "needs python3 with the `mcp` module (pip install mcp); CI sets CREW_REQUIRE_MCP=1")
)
struct HTTPTests {
    @Test func listsAndCallsTools() async throws {
        let server = try await HTTPDemoServer.start()
        defer { server.stop() }
        let config = JSONValue.object([
            "type": .string("mcp"), "url": .string(server.url),
            "headers": .object(["X-Token": .string("Bearer ${env:TOKEN}")]),
        ])
        let source = try await MCPToolSource.connect(
            name: "demo", config: config, context: testContext(["TOKEN": "s3cret-token"]), timeout: startupTimeout)
        #expect(source.tools.contains { $0.descriptor.name == "echo" })
        #expect(try await tool(source, "add").call(.object(["a": .int(20), "b": .int(22)])) == "42")
        #expect(try await tool(source, "big").call(.object([:])).count == 300_000)
        let fail = await failure(of: try tool(source, "fail"))
        #expect(fail?.message.contains("this tool always fails") == true)

        let slow = try tool(source, "slow")
        let call = Task { await failure(of: slow, .object(["seconds": .int(60)])) }
        try await Task.sleep(nanoseconds: 300_000_000)
        let start = ContinuousClock.now
        call.cancel()
        #expect(await call.value?.message.contains("cancelled") == true)
        #expect(elapsed(since: start) < 2)
        #expect(try await tool(source, "echo").call(.object(["text": .string("still here")])) == "still here")
        await source.close()

        let wrongPath = JSONValue.object(["type": .string("mcp"), "url": .string(server.url + "/nope")])
        let error = try #require(await setupError(wrongPath))
        #expect(error.message.contains("HTTP 404"))
    }

    @Test func anUnreachableServerIsASetupError() async throws {
        let port = try freePort()
        let config = JSONValue.object([
            "type": .string("mcp"), "url": .string("http://127.0.0.1:\(port)/mcp?key=${env:KEY}"),
        ])
        let start = ContinuousClock.now
        let error = try #require(await setupError(config, timeout: 5, context: testContext(["KEY": "topsecret"])))
        #expect(error.message.contains("could not be reached"))
        #expect(!error.message.contains("topsecret"))
        #expect(elapsed(since: start) < 5)
    }
}

/// `demo_server.py http PORT`, started for one test and stopped at its end.
struct HTTPDemoServer {
    let process: Process
    let url: String

    static func start() async throws -> HTTPDemoServer {
        let port = try freePort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", PythonMCP.demoServer, "http", String(port)]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let server = HTTPDemoServer(process: process, url: "http://127.0.0.1:\(port)/mcp")
        for _ in 0..<600 {
            if isListening(port) { return server }
            guard process.isRunning else { break }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        server.stop()
        throw ServerDidNotStart()
    }

    /// SIGKILL: on SIGTERM the server would wait for its open requests (a 60 s `slow`) to finish.
    func stop() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    struct ServerDidNotStart: Error {}
}

/// A port nothing listens on (the kernel's pick, released again).
func freePort() throws -> UInt16 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = loopback(port: 0)
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let named = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    guard bound == 0, named == 0 else { throw HTTPDemoServer.ServerDidNotStart() }
    return UInt16(bigEndian: address.sin_port)
}

func isListening(_ port: UInt16) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = loopback(port: port)
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
        }
    }
}

private func loopback(port: UInt16) -> sockaddr_in {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    return address
}
