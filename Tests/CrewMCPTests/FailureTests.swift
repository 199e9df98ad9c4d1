import CrewCore
import CrewTools
import Foundation
import Testing

@testable import CrewMCP

@Suite(
    "MCP server failures",
    .enabled(if: PythonMCP.hasMCP, "needs python3 with the `mcp` module (pip install mcp); CI sets CREW_REQUIRE_MCP=1")
)
struct FailureTests {
    @Test func aCrashMidCallFailsTheCallPromptlyAndLeavesNoZombie() async throws {
        let source = try await MCPToolSource.connect(
            name: "demo", config: demoConfig(), context: testContext(), timeout: startupTimeout)
        let pid = try #require(source.processID)
        let start = ContinuousClock.now
        let error = try #require(await failure(of: try tool(source, "crash")))
        #expect(elapsed(since: start) < 3)
        #expect(error.message.contains("`demo` exited with status 3"))
        #expect(error.message.contains("crashing on purpose"))
        // Later calls say the same instead of hanging.
        let later = await failure(of: try tool(source, "add"), .object(["a": .int(1), "b": .int(2)]))
        #expect(later?.message.contains("exited with status 3") == true)
        await source.close()
        #expect(isReaped(pid))
    }

    @Test func cancellingTheCallingTaskEndsAHangingCall() async throws {
        let source = try await MCPToolSource.connect(
            name: "demo", config: demoConfig(), context: testContext(), timeout: startupTimeout)
        let slow = try tool(source, "slow")
        let call = Task { await failure(of: slow, .object(["seconds": .int(60)])) }
        try await Task.sleep(nanoseconds: 300_000_000)
        let start = ContinuousClock.now
        call.cancel()
        let error = await call.value
        #expect(elapsed(since: start) < 2)
        #expect(error?.message.contains("cancelled") == true)
        // The session goes on.
        #expect(try await tool(source, "add").call(.object(["a": .int(1), "b": .int(2)])) == "3")
        let pid = try #require(source.processID)
        await source.close()
        #expect(isReaped(pid))
    }

    @Test func aServerThatExitsAtStartIsASetupErrorWithItsStderr() async throws {
        let error = try #require(await setupError(demoConfig(env: ["DEMO_FAIL_AT_START": "1"])))
        #expect(error.message.contains("exited with status 2"))
        #expect(error.message.contains("refusing to start"))
    }
}

@Suite("MCP start-up failures", .enabled(if: PythonMCP.hasPython, "needs python3; CI sets CREW_REQUIRE_MCP=1"))
struct StartupFailureTests {
    @Test func aServerThatNeverAnswersTimesOut() async throws {
        let start = ContinuousClock.now
        let error = try #require(await setupError(stdioConfig(PythonMCP.rawServer, ["silent"]), timeout: 1))
        #expect(error.message.contains("did not start within 1 s"))
        #expect(elapsed(since: start) < 4)
    }

    @Test func aMissingCommandIsASetupError() async throws {
        let config = JSONValue.object(["type": .string("mcp"), "command": .string("crew-test-no-such-command")])
        let error = try #require(await setupError(config))
        #expect(error.message.contains("`crew-test-no-such-command` was not found"))
    }

    @Test func anUnsetReferenceIsASetupError() async throws {
        let error = try #require(await setupError(demoConfig(env: ["TOKEN": "${env:CREW_TEST_UNSET}"])))
        #expect(error.message.contains("not set"))
    }
}
