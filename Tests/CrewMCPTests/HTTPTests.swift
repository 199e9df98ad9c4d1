import CrewCore
import CrewTestSupport
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
        let server = try await HTTPDemoServer.start(script: PythonMCP.demoServer)
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
        let port = try LocalPorts.free()
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
