import CrewCore
import CrewMCPLink
import CrewTools
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `crew-mcp` spoken to directly, as a crew that dies or stops it would: the server must never outlive the host's
/// session.
@Suite(
    "crew-mcp on its own",
    .enabled(if: PythonMCP.hasMCP, "needs python3 with the `mcp` module (pip install mcp); CI sets CREW_REQUIRE_MCP=1")
)
struct HostProcessTests {
    @Test func endOfFileOnStdinClosesTheSession() async throws {
        let host = try await RawHost.ready()
        host.closeStdin()  // What crew's death looks like from the host.
        #expect(await host.lines.first { _ in true } == HostReply.closed.line)
        try await host.expectGone()
    }

    @Test func sigtermClosesTheSession() async throws {
        let host = try await RawHost.ready()
        kill(host.process.pid, SIGTERM)
        #expect(await host.lines.first { _ in true } == HostReply.closed.line)
        try await host.expectGone()
        host.closeStdin()
    }

    @Test func aReplyForEachCallByIdAndNoneForACancelledOne() async throws {
        let host = try await RawHost.ready()
        host.send(.call(id: 1, tool: "slow", arguments: .object(["seconds": .int(60)])))
        host.send(.call(id: 2, tool: "add", arguments: .object(["a": .int(1), "b": .int(2)])))
        host.send(.cancel(id: 1))
        host.send(.call(id: 3, tool: "nope", arguments: .object([:])))
        var replies: [HostReply] = []
        for await line in host.lines {
            replies.append(try HostReply(line: line))
            // `close` abandons the calls still running (crew has failed them already), so it waits for 2 and 3.
            if replies.count == 2 { host.send(.close) }
        }
        #expect(replies.contains(.result(id: 2, text: "3")))
        #expect(
            replies.contains {
                if case .failure(3, let message) = $0 { message.contains("no tool `nope`") } else { false }
            })
        #expect(
            !replies.contains {
                if case .result(1, _) = $0 { true } else if case .failure(1, _) = $0 { true } else { false }
            })
        #expect(replies.last == .closed)
        try await host.expectGone()
        host.closeStdin()
    }
}

/// A `crew-mcp` process with its stdout as an async sequence of lines.
struct RawHost {
    let process: ChildProcess
    let writer: LineWriter
    let lines: AsyncStream<[UInt8]>
    let serverProcessID: Int32

    /// Starts the host and connects it to the demo server.
    static func ready() async throws -> RawHost {
        let process = try ChildProcess.spawn(
            command: try HostLocator.locate(environment: [:]), arguments: [], environment: ChildEnvironment(),
            directory: "")
        let (lines, continuation) = AsyncStream.makeStream(of: [UInt8].self)
        let reader = LineReader(
            fd: process.stdout, label: "test.crew-mcp.stdout", onLine: { continuation.yield($0) }, onOverflow: {},
            onEnd: { continuation.finish() })
        reader.start()
        close(process.stderr)
        let writer = LineWriter(fd: process.stdin, label: "test.crew-mcp.stdin")
        let config = ServerConfig(
            endpoint: .process(command: "python3", arguments: [PythonMCP.demoServer, "stdio"], environment: [:]))
        let connect = HostConnect(
            name: "demo", config: config, secrets: [], crewFolder: NSTemporaryDirectory(), timeout: startupTimeout)
        writer.enqueue(HostRequest.connect(connect).line)
        var iterator = lines.makeAsyncIterator()
        let first = try #require(await iterator.next())
        guard case .ready(_, let pid?) = try HostReply(line: first) else {
            throw HostProtocol.Malformed("not ready: \(String(decoding: first, as: UTF8.self))")
        }
        return RawHost(process: process, writer: writer, lines: lines, serverProcessID: pid)
    }

    func send(_ request: HostRequest) {
        writer.enqueue(request.line)
    }

    /// Once per host: the descriptor is closed.
    func closeStdin() {
        writer.close()
    }

    /// The host exits by itself, having reaped the server.
    func expectGone() async throws {
        let status = try #require(await process.waitForExit(seconds: 10))
        #expect(status == .exited(0))
        #expect(isReaped(serverProcessID))
    }
}
