import CrewCore
import CrewMCPLink
import CrewTools
import Foundation
import Testing

@testable import CrewMCP

extension PythonMCP {
    static let hostileServer = serversFolder + "/hostile_server.py"

    /// The interpreter itself rather than a wrapper on PATH (pyenv's shim adds variables of its own), so that a
    /// server's environment is exactly what crew gave it.
    static let interpreter: String = {
        let process = Process()
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import sys; print(sys.executable)"]
        process.standardOutput = output
        guard (try? process.run()) != nil else { return "python3" }
        process.waitUntilExit()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }()
}

func hostileConfig(_ mode: String, _ count: Int? = nil, env: [String: String] = [:]) -> JSONValue {
    .object([
        "type": .string("mcp"), "command": .string(PythonMCP.interpreter),
        "args": .strings([PythonMCP.hostileServer, mode] + (count.map { [String($0)] } ?? [])),
        "env": .object(env.mapValues(JSONValue.string)),
    ])
}

/// The peak resident memory of a process, in bytes, from /proc.
func peakMemory(of pid: Int32) -> Int? {
    guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
        let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
    else { return nil }
    return line.split(separator: " ").dropFirst().first.flatMap { Int($0) }.map { $0 * 1024 }
}

/// The names of a process's environment variables, from /proc.
func environmentNames(of pid: Int32) -> Set<String>? {
    guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { return nil }
    return Set(
        data.split(separator: 0).compactMap { entry in entry.split(separator: UInt8(ascii: "=")).first }
            .map { String(decoding: $0, as: UTF8.self) })
}

@Suite("MCP bounds, environments and stderr", .serialized, .enabled(if: PythonMCP.hasPython))
struct BoundsTests {
    @Test func aServerFloodingNotificationsIsStoppedAndTheHostStaysSmall() async throws {
        let source = try await hostSource(hostileConfig("flood", 2_000_000))
        let started = ContinuousClock.now
        let message = try #require(await failure(of: try tool(source, "work"))).message
        #expect(message.contains("more than 10000 notifications"), "\(message)")
        #expect(message.contains("flooding"))
        #expect(elapsed(since: started) < 20)
        let peak = try #require(peakMemory(of: source.hostProcessID))
        #expect(peak < 120 << 20, "crew-mcp peaked at \(peak >> 20) MiB")
        if let pid = source.serverProcessID {
            for _ in 0..<200 where !isReaped(pid) { try await Task.sleep(for: .milliseconds(20)) }
            #expect(isReaped(pid), "the flooding server is still there")
        }
        await source.close()
    }

    @Test func answersToRequestsNeverSentCountAsFlooding() async throws {
        let source = try await MCPToolSource.connect(
            name: "demo", config: hostileConfig("unasked", 50_000), context: testContext(), timeout: startupTimeout)
        let message = try #require(await failure(of: try tool(source, "work"))).message
        #expect(message.contains("flooding"), "\(message)")
        await source.close()
    }

    @Test func aFewThousandNotificationsAreDroppedAndTheCallSucceeds() async throws {
        let source = try await MCPToolSource.connect(
            name: "demo", config: hostileConfig("trickle", 3000), context: testContext(), timeout: startupTimeout)
        #expect(try await tool(source, "work").call(.object([:])) == "done")
        await source.close()
    }

    @Test func serversAndTheHostSeeOnlyTheirOwnVariables() async throws {
        let canary = "crew-canary-\(UUID().uuidString)"
        setenv("CREW_TEST_CANARY", canary, 1)
        defer { unsetenv("CREW_TEST_CANARY") }
        let recording = RecordingContext(["TOKEN": "server-token-9d2f"])
        let config = hostileConfig("environ", env: ["PLAIN_SETTING": "plain", "SERVICE_TOKEN": "${env:TOKEN}"])
        let source = try await hostSource(config, context: recording.context)
        let names = Set(try await tool(source, "work").call(.object([:])).split(separator: "\n").map(String.init))
        // Python adds LC_CTYPE itself when the locale is C (PEP 538).
        let allowed = Set(ChildEnvironment.inherited + ["PLAIN_SETTING", "SERVICE_TOKEN", "LC_CTYPE"])
        #expect(names.isSubset(of: allowed), "\(names.subtracting(allowed))")
        #expect(names.isSuperset(of: ["PLAIN_SETTING", "SERVICE_TOKEN", "PATH"]))
        let hostNames = try #require(environmentNames(of: source.hostProcessID))
        #expect(hostNames.isSubset(of: Set(ChildEnvironment.inherited + ChildEnvironment.hostExtras)), "\(hostNames)")
        // The second call makes the server print its whole environment to stderr and exit: the tail is scrubbed.
        let ended = try #require(await failure(of: try tool(source, "work"))).message
        #expect(ended.contains("SERVICE_TOKEN") && !ended.contains("server-token-9d2f"), "\(ended)")
        #expect(!ended.contains(canary))
        await source.close()
    }

    @Test func aStderrTailIsScrubbedBeforeItIsCut() async throws {
        // The secret ends 1,995 characters before the end of the line: a cut to the last 2,000 characters that came
        // before the scrub would keep its last characters.
        let secret = "tail-secret-0123456789abcdefghij"
        let config = hostileConfig("stderr", 1995, env: ["TAIL_SECRET": "${env:TAIL}"])
        let source = try await hostSource(config, context: testContext(["TAIL": secret]))
        let message = try #require(await failure(of: try tool(source, "work"))).message
        #expect(message.contains("mmmm"))
        #expect(!message.contains(String(secret.suffix(5))), "\(message.prefix(300))")
        await source.close()
    }
}

@Suite("MCP queues")
struct QueueTests {
    @Test func theInboxHoldsAtMostItsBoundAndStillAnswersWhatWaits() async throws {
        let inbox = Inbox()
        var accepted = 0
        for i in 0..<(Inbox.maxMessages + 50) where inbox.offer(Data("\(i)".utf8)) { accepted += 1 }
        #expect(accepted == Inbox.maxMessages)
        #expect(inbox.waiting == Inbox.maxMessages)
        inbox.force(Data("answer".utf8))
        inbox.finish(throwing: TransportFailure(description: "flooded"))
        var received: [String] = []
        do {
            for try await message in inbox.stream() { received.append(String(decoding: message, as: UTF8.self)) }
            Issue.record("the stream ended without its error")
        } catch {
            #expect("\(error)" == "flooded")
        }
        #expect(received.count == Inbox.maxMessages + 1)
        #expect(received.first == "0" && received.last == "answer")
    }

    @Test func theInboxRefusesBytesPastItsBoundButAlwaysTakesOneMessage() {
        let inbox = Inbox()
        #expect(inbox.offer(Data(count: Inbox.maxBytes + 1)))
        #expect(!inbox.offer(Data(count: 1)))
    }

    @Test func aLineLongerThanTheLimitIsDroppedWithoutGrowing() {
        var splitter = LineSplitter(maxLineBytes: 1024)
        var lines: [[UInt8]] = []
        for _ in 0..<1000 { lines += splitter.lines(in: [UInt8](repeating: UInt8(ascii: "x"), count: 4096)) }
        let first = splitter.takeOverflow()
        let again = splitter.takeOverflow()
        #expect(first && !again)
        lines += splitter.lines(in: Array("end of the long one\n{\"a\":1}\n".utf8))
        #expect(lines.map { String(decoding: $0, as: UTF8.self) } == ["{\"a\":1}"])
        let after = splitter.takeOverflow()
        #expect(!after)
    }

    @Test func theFloodGaugeTripsOncePerWindowExcess() {
        let gauge = FloodGauge(limit: 3)
        #expect(!gauge.count(at: 100) && !gauge.count(at: 100.1) && !gauge.count(at: 100.2))
        #expect(!gauge.count(at: 101.5))  // A new window.
        #expect(!gauge.count(at: 101.6) && !gauge.count(at: 101.7))
        #expect(gauge.count(at: 101.8))
        #expect(!gauge.count(at: 101.9) && gauge.hasTripped)
    }
}
