import CrewCore
import CrewTools
import Foundation
import Testing

@testable import CrewMCP

@Suite(
    "MCP over stdio",
    .enabled(if: PythonMCP.hasMCP, "needs python3 with the `mcp` module (pip install mcp); CI sets CREW_REQUIRE_MCP=1")
)
struct StdioTests {
    @Test func listsAndCallsTools() async throws {
        let source = try await MCPToolSource.connect(
            name: "demo", config: demoConfig(env: ["DEMO_SECRET": "${env:SECRET}"]),
            context: testContext(["SECRET": "hunter2-secret"]), timeout: startupTimeout)
        defer { Task { await source.close() } }
        let names = Set(source.tools.map(\.descriptor.name))
        #expect(names.isSuperset(of: ["add", "echo", "fail", "slow", "crash", "big", "picture"]))

        let add = try tool(source, "add")
        #expect(add.descriptor.description == "Adds two integers.")
        #expect(add.descriptor.inputSchema["properties"]?["a"] != nil)
        #expect(try await add.call(.object(["a": .int(2), "b": .int(40)])) == "42")
        #expect(try await tool(source, "echo").call(.object(["text": .string("héllo")])) == "héllo")
        #expect(try await tool(source, "big").call(.object([:])).count == 300_000)
        #expect(try await tool(source, "picture").call(.object([:])) == "a picture\n[image image/png, 12 KB]")

        let fail = await failure(of: try tool(source, "fail"))
        #expect(fail?.message.contains("this tool always fails") == true)
        // The server echoes its environment: the resolved secret must not reach the model.
        let echoed = try await tool(source, "env").call(.object(["name": .string("DEMO_SECRET")]))
        #expect(echoed == "[redacted]")
        await source.close()
    }
}

@Suite(
    "MCP over stdio, hand-written servers",
    .enabled(if: PythonMCP.hasPython, "needs python3; CI sets CREW_REQUIRE_MCP=1")
)
struct RawServerTests {
    @Test func followsPaginationAndSanitizesNames() async throws {
        let source = try await MCPToolSource.connect(
            name: "raw", config: stdioConfig(PythonMCP.rawServer, ["paged"]), context: testContext(), timeout: 10)
        #expect(source.tools.map(\.descriptor.name) == ["one", "two", "three", "four_with_dots"])
        let called = try await tool(source, "four_with_dots").call(.object([:]))
        #expect(called == "called four.with.dots")
        await source.close()
    }

    @Test func includeAndExclude() async throws {
        let paged = stdioConfig(PythonMCP.rawServer, ["paged"], include: ["one", "three"])
        async let included = MCPToolSource.connect(name: "raw", config: paged, context: testContext(), timeout: 10)
        let all = stdioConfig(PythonMCP.rawServer, ["paged"], exclude: ["two", "four.with.dots"])
        async let excluded = MCPToolSource.connect(name: "raw", config: all, context: testContext(), timeout: 10)
        let (some, rest) = try await (included, excluded)
        #expect(some.tools.map(\.descriptor.name) == ["one", "three"])
        #expect(rest.tools.map(\.descriptor.name) == ["one", "three"])
        await some.close()
        await rest.close()
    }

    @Test func unknownIncludeListsTheServersTools() async throws {
        let config = stdioConfig(PythonMCP.rawServer, ["paged"], include: ["one", "nope"])
        let error = try #require(await setupError(config, timeout: 10))
        #expect(error.message.contains("no tool `nope` (from `include`); it has: four.with.dots, one, three, two"))
    }

    @Test func aLineThatIsNotJSONFailsTheCall() async throws {
        let source = try await MCPToolSource.connect(
            name: "raw", config: stdioConfig(PythonMCP.rawServer, ["garbage"]), context: testContext(), timeout: 10)
        let start = ContinuousClock.now
        let error = await failure(of: try tool(source, "noise"))
        #expect(error?.message.contains("not JSON-RPC: this is not json") == true)
        #expect(elapsed(since: start) < 2)
        await source.close()
    }
}
