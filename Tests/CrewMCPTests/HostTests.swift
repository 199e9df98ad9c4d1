import CrewCore
import CrewMCPLink
import CrewTestSupport
import CrewTools
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// crew's side of MCP (`MCPHostToolSource`) through the real `crew-mcp` binary and the reference server.
@Suite(
    "MCP through crew-mcp",
    .enabled(if: PythonMCP.hasMCP, "needs python3 with the `mcp` module (pip install mcp); CI sets CREW_REQUIRE_MCP=1")
)
struct HostTests {
    @Test func listsAndCallsToolsOverStdio() async throws {
        let source = try await hostSource(demoConfig())
        let names = Set(source.tools.map(\.descriptor.name))
        #expect(names.isSuperset(of: ["add", "echo", "fail", "slow", "crash", "big", "picture"]))
        let add = try tool(source, "add")
        #expect(add.descriptor.description == "Adds two integers.")
        #expect(add.descriptor.inputSchema["properties"]?["a"] != nil)
        #expect(try await add.call(.object(["a": .int(2), "b": .int(40)])) == "42")
        #expect(try await tool(source, "echo").call(.object(["text": .string("héllo\nwörld")])) == "héllo\nwörld")
        #expect(try await tool(source, "big").call(.object([:])).count == 300_000)
        #expect(try await tool(source, "picture").call(.object([:])) == "a picture\n[image image/png, 12 KB]")
        let fail = await failure(of: try tool(source, "fail"))
        #expect(fail?.message.contains("this tool always fails") == true)
        // Several calls at once come back to the right callers.
        async let first = tool(source, "add").call(.object(["a": .int(1), "b": .int(1)]))
        async let second = tool(source, "echo").call(.object(["text": .string("two")]))
        #expect(try await (first, second) == ("2", "two"))
        // Ctrl-C reaches crew's whole process group; the host leaves the shutdown to crew.
        kill(source.hostProcessID, SIGINT)
        try await Task.sleep(nanoseconds: 100_000_000)
        #expect(try await add.call(.object(["a": .int(1), "b": .int(2)])) == "3")
        try await expectClosedWithoutLeftovers(source)
    }

    @Test func listsAndCallsToolsOverStreamableHTTP() async throws {
        let server = try await HTTPDemoServer.start(script: PythonMCP.demoServer)
        defer { server.stop() }
        let config = JSONValue.object([
            "type": .string("mcp"), "url": .string(server.url),
            "headers": .object(["X-Token": .string("Bearer ${env:TOKEN}")]),
        ])
        let source = try await hostSource(config, context: testContext(["TOKEN": "s3cret-token"]))
        #expect(source.serverProcessID == nil)
        #expect(try await tool(source, "add").call(.object(["a": .int(20), "b": .int(22)])) == "42")
        #expect(try await tool(source, "echo").call(.object(["text": .string("s3cret-token")])) == "[redacted]")
        await source.close()
        #expect(isReaped(source.hostProcessID))
    }

    @Test func aServerCrashMidCallIsExplained() async throws {
        let source = try await hostSource(demoConfig())
        let start = ContinuousClock.now
        let error = try #require(await failure(of: try tool(source, "crash")))
        #expect(elapsed(since: start) < 3)
        #expect(error.message.contains("MCP tool `crash` failed"))
        #expect(error.message.contains("`demo` exited with status 3"))
        #expect(error.message.contains("crashing on purpose"))
        let later = await failure(of: try tool(source, "add"), .object(["a": .int(1), "b": .int(2)]))
        #expect(later?.message.contains("exited with status 3") == true)
        try await expectClosedWithoutLeftovers(source)
    }

    @Test func aCancelledCallEndsPromptlyAndCloseLeavesNoProcess() async throws {
        let source = try await hostSource(demoConfig())
        let slow = try tool(source, "slow")
        let call = Task { await failure(of: slow, .object(["seconds": .int(60)])) }
        try await Task.sleep(nanoseconds: 300_000_000)
        let start = ContinuousClock.now
        call.cancel()
        let error = await call.value
        #expect(elapsed(since: start) < 1)
        #expect(error?.message == "The call to MCP tool `slow` was cancelled.")
        // The session goes on.
        #expect(try await tool(source, "add").call(.object(["a": .int(1), "b": .int(2)])) == "3")
        // A call still running when the session closes ends with it.
        let running = Task { await failure(of: slow, .object(["seconds": .int(60)])) }
        try await Task.sleep(nanoseconds: 300_000_000)
        let closing = ContinuousClock.now
        try await expectClosedWithoutLeftovers(source)
        #expect(elapsed(since: closing) < 5)
        #expect(await running.value?.message.contains("MCP server `demo` was shut down") == true)
    }

    @Test func aSecretNeverComesBack() async throws {
        let secret = "hunter2-\(UUID().uuidString)"
        let recording = RecordingContext(["SECRET": secret])
        let config = stdioConfig(
            PythonMCP.demoServer, ["stdio", "--token=${env:SECRET}"], env: ["DEMO_SECRET": "${env:SECRET}"])
        let source = try await hostSource(config, context: recording.context)
        // The run's ledger saw each value crew resolved, so it scrubs them from records too.
        #expect(Set(recording.recorded) == [secret])
        var heard: [String] = []
        heard.append(try await tool(source, "env").call(.object(["name": .string("DEMO_SECRET")])))
        heard.append(try await tool(source, "argv").call(.object([:])))
        heard.append(try await tool(source, "echo").call(.object(["text": .string("say \(secret)")])))
        heard.append(try #require(await failure(of: try tool(source, "crash"))).message)
        await source.close()
        let atStart = try #require(
            await hostSetupError(
                stdioConfig(
                    PythonMCP.demoServer, ["stdio"], env: ["DEMO_SECRET": "${env:SECRET}", "DEMO_FAIL_AT_START": "1"]),
                context: recording.context))
        heard.append(atStart.message)
        for text in heard { #expect(!text.contains(secret), "\(text)") }
        #expect(heard[0] == "[redacted]")
        #expect(heard[1] == "stdio --token=[redacted]")
        #expect(heard[3].contains("my secret is [redacted]"))
        #expect(heard[4].contains("refusing to start") && heard[4].contains("my secret is [redacted]"))
    }

    @Test func aValueHoldingAReferenceIsNotResolvedTwice() async throws {
        // `${env:SECRET}` resolves to text that looks like a reference itself; the host must pass it on as it is.
        let context = testContext(["SECRET": "${env:HOME}"])
        let source = try await hostSource(demoConfig(env: ["DEMO_VALUE": "${env:SECRET}"]), context: context)
        let value = try await tool(source, "env").call(.object(["name": .string("DEMO_VALUE")]))
        #expect(value == "[redacted]")  // The value itself, scrubbed: not $HOME.
        await source.close()
    }

    @Test func aHostThatDiesMidCallIsExplained() async throws {
        let source = try await hostSource(demoConfig())
        let slow = try tool(source, "slow")
        let call = Task { await failure(of: slow, .object(["seconds": .int(3)])) }
        try await Task.sleep(nanoseconds: 300_000_000)
        let start = ContinuousClock.now
        kill(source.hostProcessID, SIGKILL)
        let error = try #require(await call.value)
        #expect(elapsed(since: start) < 3)
        #expect(error.message.contains("MCP host"), "\(error.message)")
        #expect(error.message.contains("was killed by signal 9 (SIGKILL)"), "\(error.message)")
        let later = await failure(of: try tool(source, "add"), .object(["a": .int(1), "b": .int(2)]))
        #expect(later?.message.contains("killed by signal 9") == true)
        await source.close()
        #expect(isReaped(source.hostProcessID))
        // The orphaned server sees its stdin close and exits once its call is done.
        if let server = source.serverProcessID { #expect(await isGone(server, within: 10)) }
    }

    @Test func setupFailuresComeBackFromTheHost() async throws {
        let missing = JSONValue.object(["type": .string("mcp"), "command": .string("crew-test-no-such-command")])
        let error = try #require(await hostSetupError(missing))
        #expect(error.message.contains("`crew-test-no-such-command` was not found"))
        let include = try #require(await hostSetupError(demoConfig(include: ["add", "nope"])))
        #expect(include.message.contains("no tool `nope` (from `include`)"))
    }
}

/// What goes wrong with the host itself; needs no Python.
@Suite("MCP host failures")
struct HostFailureTests {
    let config = JSONValue.object(["type": .string("mcp"), "command": .string("python3")])

    @Test func aMissingHostIsAClearSetupError() async throws {
        let path = NSTemporaryDirectory() + "no-such-folder-\(UUID().uuidString)/crew-mcp"
        let error = try #require(await hostSetupError(config, environment: ["CREW_MCP_HOST": path]))
        #expect(error.message.contains(path))
        #expect(error.message.contains("CREW_MCP_HOST"))
        #expect(error.message.contains("`crew-mcp`"))
        let folder = try #require(await hostSetupError(config, environment: ["CREW_MCP_HOST": NSTemporaryDirectory()]))
        #expect(folder.message.contains("is not an executable file"))
    }

    @Test func theHostIsFoundNextToTheRunningExecutable() throws {
        let path = try HostLocator.locate(environment: [:])
        #expect(path.hasSuffix("/crew-mcp"))
        #expect(FileManager.default.isExecutableFile(atPath: path))
    }

    @Test func aHostThatExitsAtOnceIsASetupError() async throws {
        let error = try #require(await hostSetupError(config, environment: ["CREW_MCP_HOST": "/bin/true"]))
        #expect(error.message.contains("MCP server `demo` could not be started"))
        #expect(error.message.contains("the MCP host /bin/true serving MCP server `demo` exited with status 0"))
    }

    @Test func aHostThatDoesNotSpeakTheProtocolIsASetupError() async throws {
        // `cat` sends crew's own request back, secrets and all: crew says what is wrong without repeating it.
        let config = stdioConfig("server.py", env: ["TOKEN": "${env:TOKEN}"])
        let error = try #require(
            await hostSetupError(
                config, context: testContext(["TOKEN": "cat-secret"]), environment: ["CREW_MCP_HOST": "/bin/cat"]))
        #expect(error.message.contains("sent an unknown reply `connect`"), "\(error.message)")
        #expect(!error.message.contains("cat-secret"))
    }

    @Test func aHostThatNeverAnswersTimesOut() async throws {
        let folder = TemporaryFolder(prefix: "crew-mcp-host")
        folder.write("silent-host", "#!/bin/sh\nexec sleep 60\n")
        let host = folder.path + "/silent-host"
        chmod(host, 0o755)
        let start = ContinuousClock.now
        let error = try #require(await hostSetupError(config, timeout: 0, environment: ["CREW_MCP_HOST": host]))
        #expect(
            error.message.contains("MCP server `demo` did not start within 5 s: its MCP host \(host) did not answer"))
        // The host that did not answer is stopped rather than waited for.
        #expect(elapsed(since: start) < 8)
    }

    @Test func messagesSurviveTheLine() throws {
        let config = ServerConfig(
            endpoint: .http(url: "https://x.test/mcp", headers: [("B", "${env:NOT_AGAIN}"), ("A", "1")]),
            include: ["a"], exclude: ["b"])
        let request = HostRequest.connect(
            HostConnect(name: "n", config: config, secrets: ["s"], crewFolder: "/tmp", timeout: 2.5))
        guard case .connect(let back) = try HostRequest(line: request.line) else {
            Issue.record("not a connect")
            return
        }
        #expect(back.config.json == config.json)
        guard case .http(_, let headers) = back.config.endpoint else { return }
        #expect(headers.map(\.name) == ["B", "A"])
        #expect(headers.first?.value == "${env:NOT_AGAIN}")
        #expect(back.timeout == 2.5 && back.secrets == ["s"] && back.protocolVersion == HostProtocol.version)
        let reply = HostReply.result(id: 7, text: "two\nlines")
        #expect(try HostReply(line: reply.line) == reply)
        #expect(!reply.line.contains(UInt8(ascii: "\n")))
        #expect(throws: HostProtocol.Malformed.self) { try HostReply(line: Array("{\"type\":\"result\"}".utf8)) }
        #expect(throws: HostProtocol.Malformed.self) { try HostRequest(line: Array("not json".utf8)) }
    }
}

/// Closes the source and checks that neither the host nor the server it started is left, not even as a zombie.
func expectClosedWithoutLeftovers(_ source: MCPHostToolSource) async throws {
    let host = source.hostProcessID
    let server = try #require(source.serverProcessID)
    await source.close()
    #expect(isReaped(host))
    #expect(isReaped(server))
}

/// Whether `pid` has exited within `seconds`. A process crew did not start is someone else's to reap, so a zombie
/// counts as gone.
func isGone(_ pid: Int32, within seconds: Double) async -> Bool {
    let start = ContinuousClock.now
    while elapsed(since: start) < seconds {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
        if stat.split(separator: ")").last?.trimmingCharacters(in: .whitespaces).hasPrefix("Z") == true { return true }
        try? await Task.sleep(nanoseconds: 50_000_000)
    }
    return false
}
