import CrewCore
import CrewMCPLink
import CrewTools
import Foundation
import Logging
import MCP

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// MCP over a server process's stdin and stdout (one JSON-RPC message a line). Written here rather than using the
/// SDK's `StdioTransport`, which polls its descriptor every 10 ms and never notices that the server exited: this one
/// reads with a dispatch source, keeps stderr, and answers the requests a dead server left waiting.
actor ProcessTransport: Transport {
    nonisolated let logger = Logger(label: "crew.mcp.stdio", factory: { _ in SwiftLogNoOpLogHandler() })

    private let server: String
    private let process: ChildProcess
    private let scrubber: SecretScrubber
    private let end: ServerEnd
    private nonisolated let stderrTail = StderrTail()
    private nonisolated let ledger = RequestLedger()
    private nonisolated let inbox = Inbox()
    private nonisolated let flood = FloodGauge()
    private let writer: LineWriter
    private var stdoutReader: LineReader?
    private var stderrReader: PipeReader?
    private var isOpen = true

    init(server: String, process: ChildProcess, scrubber: SecretScrubber, end: ServerEnd) {
        self.server = server
        self.process = process
        self.scrubber = scrubber
        self.end = end
        writer = LineWriter(fd: process.stdin, label: "crew.mcp.\(server).stdin")
    }

    nonisolated var processID: Int32 { process.pid }

    /// The server's recent stderr, secrets removed.
    nonisolated func stderrText() -> String {
        stderrTail.text(scrub: scrubber.scrub)
    }

    func connect() async throws {
        guard stdoutReader == nil else { return }
        let stderrReader = PipeReader(
            fd: process.stderr, label: "crew.mcp.\(server).stderr",
            onData: { [stderrTail] in stderrTail.append($0) },
            onEnd: { [stderrTail] in stderrTail.markEnded() })
        let stdoutReader = LineReader(
            fd: process.stdout, label: "crew.mcp.\(server).stdout", onLine: { [self] in deliver($0) },
            onOverflow: { [self] in failWaiting("sent a line longer than 64 MB on stdout") },
            onEnd: { [self] in Task { await self.stdoutEnded() } })
        self.stderrReader = stderrReader
        self.stdoutReader = stdoutReader
        stderrReader.start()
        stdoutReader.start()
    }

    func send(_ data: Data) async throws {
        guard isOpen else { throw TransportFailure(description: end.message ?? "the connection is closed") }
        ledger.sent(data)
        if let failure = await writer.write(Array(data)) {
            throw TransportFailure(
                description: end.message ?? "could not write to MCP server `\(server)`: \(Self.describe(failure))")
        }
    }

    nonisolated func receive() -> AsyncThrowingStream<Data, any Error> {
        inbox.stream()
    }

    /// Ends the session: closing stdin asks the server to exit (the stdio shutdown of the MCP specification).
    func disconnect() async {
        guard isOpen else { return }
        isOpen = false
        end.markClosed()
        finish()
        writer.close()
    }

    /// Stops the server (SIGTERM, then SIGKILL after `grace` seconds), reaps it and stops reading its pipes.
    func shutDown(grace: Double) async {
        await disconnect()
        // A server that exits on its own when stdin closes is not sent a signal.
        if await process.waitForExit(seconds: min(grace, 0.2)) == nil {
            await process.terminate(grace: grace)
        } else {
            await process.terminate(grace: 0)
        }
        // A grandchild outside the group may hold the pipes open: stop reading regardless.
        stdoutReader?.stop()
        stderrReader?.stop()
    }

    /// One message from stdout: checked to be JSON (the SDK drops anything else silently, leaving requests waiting).
    /// Notifications and answers to no outstanding request are dropped here, counted by `flood`: crew acts on
    /// neither, and the SDK's client decodes far slower than a server can write.
    private nonisolated func deliver(_ line: [UInt8]) {
        guard !flood.hasTripped else { return }
        guard let message = try? JSONParser.parse(line) else {
            let preview = String(decoding: line.prefix(200), as: UTF8.self)
            failWaiting("wrote a line to stdout that is not JSON-RPC: \(scrubber.scrub(preview))")
            return
        }
        guard isWanted(message) else {
            if flood.count() {
                stopFlooding(
                    "MCP server `\(server)` sent more than \(flood.limit) notifications (or answers to no request) "
                        + "within one second; crew stopped it as flooding")
            }
            return
        }
        ledger.received(message)
        if !inbox.offer(Data(line)) {
            stopFlooding(
                "MCP server `\(server)` sent more than \(Inbox.maxMessages) messages (or \(Inbox.maxBytes >> 20) MiB) "
                    + "that crew had not taken in yet; crew stopped it as flooding")
        }
    }

    /// Requests (the SDK answers them), answers to outstanding requests, and batches; not notifications.
    private nonisolated func isWanted(_ message: JSONValue) -> Bool {
        if message.arrayValue != nil { return true }
        if message["method"] != nil { return message["id"] != nil }
        guard let id = message["id"] else { return false }
        return ledger.isOutstanding(id)
    }

    /// A protocol violation fails what is waiting; the server may still answer later requests.
    private nonisolated func failWaiting(_ what: String) {
        for response in ledger.failAll("MCP server `\(server)` \(what)") { inbox.force(response) }
    }

    /// The server floods: everything waiting fails with `reason`, the stream ends, and the server is stopped.
    private nonisolated func stopFlooding(_ reason: String) {
        end.fail(reason)
        let message = end.message ?? reason
        for response in ledger.failAll(message) { inbox.force(response) }
        inbox.finish(throwing: TransportFailure(description: message))
        Task { await self.stopServer() }
    }

    private func stopServer() async {
        isOpen = false
        stdoutReader?.stop()
        await process.terminate(grace: MCPSession.shutdownGrace)
    }

    private func stdoutEnded() async {
        guard isOpen else { return finish() }
        isOpen = false
        let status = await process.waitForExit(seconds: 1)
        // Let stderr drain so that the tail holds the server's last words.
        for _ in 0..<30 where !stderrTail.hasEnded { try? await Task.sleep(nanoseconds: 10_000_000) }
        end.fail(endMessage(status))
        finish()
    }

    private func endMessage(_ status: ExitStatus?) -> String {
        var message = "MCP server `\(server)` "
        message += status.map { "\($0)" } ?? "closed its stdout"
        let tail = stderrText()
        if !tail.isEmpty { message += "; the end of its stderr:\n\(tail)" }
        return message
    }

    /// Answers whatever is still waiting, then ends the stream with an error.
    private func finish() {
        let reason = end.message ?? "MCP server `\(server)` closed the connection"
        for response in ledger.failAll(reason) { inbox.force(response) }
        inbox.finish(throwing: TransportFailure(description: reason))
    }

    private static func describe(_ code: Int32) -> String {
        code == EPIPE ? "it closed its stdin" : String(cString: strerror(code))
    }
}
