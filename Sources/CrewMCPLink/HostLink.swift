import CrewCore
import CrewTools
import Foundation

/// One `crew-mcp` process serving one MCP server for crew. Requests go to its stdin; each reply on its stdout goes
/// to whoever waits for it, by id. A host that exits, is killed or writes something that is not the protocol fails
/// whatever waits with what happened and the end of its stderr, instead of leaving a call hanging.
package final class HostLink: @unchecked Sendable {
    // `@unchecked`: the `var`s are only touched under `lock`; everything else is immutable or Sendable.
    package enum SetupOutcome: Sendable {
        case ready([HostToolInfo], serverProcessID: Int32?)
        case failed(String)
    }

    package enum CallOutcome: Sendable {
        case text(String)
        case failure(String)
        case cancelled
    }

    /// The plan's name for the server.
    package let server: String
    package let hostPath: String
    private let process: ChildProcess
    private let scrubber: SecretScrubber
    private let writer: LineWriter
    private let stderrTail = StderrTail()
    private let lock = NSLock()
    private var readers: [PipeReader] = []
    private var lineReader: LineReader?
    private var setup: OneShot<SetupOutcome>?
    private var calls: [Int: (tool: String, slot: OneShot<CallOutcome>)] = [:]
    private var nextID = 1
    /// Set once the link is over (closed, or the host failed): every wait fails with it from then on.
    private var endReason: String?
    private var closing: Task<Void, Never>?
    /// The host's stdout has ended and how it exited is known.
    private var hostEnded = false
    /// The host did not answer `connect` in time: at close it is stopped rather than waited for.
    private var unresponsive = false

    /// How long the host gets to close its session (it gives the server 2 s after SIGTERM, then SIGKILL) before
    /// crew stops the host itself.
    static let closeWait = 10.0
    static let terminateGrace = 3.0

    private init(server: String, hostPath: String, process: ChildProcess, scrubber: SecretScrubber) {
        self.server = server
        self.hostPath = hostPath
        self.process = process
        self.scrubber = scrubber
        writer = LineWriter(fd: process.stdin, label: "crew.mcp-host.\(server).stdin")
    }

    package var hostProcessID: Int32 { process.pid }

    /// Starts the host and reads its stdout and stderr; nothing is sent yet.
    package static func start(
        server: String, hostPath: String, scrubber: SecretScrubber
    ) throws(ToolSetupError) -> HostLink {
        // The host needs no more than a program would: the server's own variables come resolved in `connect`.
        let environment = ChildEnvironment(inheriting: ChildEnvironment.inherited + ChildEnvironment.hostExtras)
        let process = try ChildProcess.spawn(
            command: hostPath, arguments: [], environment: environment, directory: "", what: "the MCP host")
        let link = HostLink(server: server, hostPath: hostPath, process: process, scrubber: scrubber)
        link.startReading()
        return link
    }

    private func startReading() {
        let tail = stderrTail
        let stderr = PipeReader(
            fd: process.stderr, label: "crew.mcp-host.\(server).stderr", onData: { tail.append($0) },
            onEnd: { tail.markEnded() })
        let stdout = LineReader(
            fd: process.stdout, label: "crew.mcp-host.\(server).stdout", onLine: { [self] in receive($0) },
            onOverflow: { [self] in broke("sent a line longer than 64 MB") },
            onEnd: { [self] in Task { await self.stdoutEnded() } })
        lock.withLock {
            readers = [stderr]
            lineReader = stdout
        }
        stderr.start()
        stdout.start()
    }

    /// Sends `connect` and waits for `ready` or `setupFailed`, at most `deadline` seconds (the host applies the
    /// server's own start timeout; this one catches a host that hangs).
    package func connect(_ request: HostConnect, deadline: Double) async -> SetupOutcome {
        let slot = OneShot<SetupOutcome>()
        let refused: String? = lock.withLock {
            if let endReason { return endReason }
            setup = slot
            writer.enqueue(HostRequest.connect(request).line)
            return nil
        }
        if let refused { return .failed(startFailure(refused)) }
        let timer = Task { [self] in
            try? await Task.sleep(nanoseconds: Seconds.nanoseconds(deadline))
            guard !Task.isCancelled else { return }
            lock.withLock { unresponsive = true }
            let seconds = Self.format(deadline)
            slot.settle(
                .failed(
                    "MCP server `\(server)` did not start within \(seconds) s: its MCP host \(hostPath) did not answer")
            )
        }
        defer { timer.cancel() }
        return await withTaskCancellationHandler {
            await slot.wait()
        } onCancel: { [server] in
            slot.settle(.failed("the start of MCP server `\(server)` was cancelled"))
        }
    }

    /// Calls a tool by the server's name for it. Cancelling the calling task ends the wait at once and tells the
    /// host (`cancel`), which tells the server.
    package func call(_ tool: String, arguments: JSONValue) async -> CallOutcome {
        guard !Task.isCancelled else { return .cancelled }
        let slot = OneShot<CallOutcome>()
        let trace = OutgoingTrace.headers
        let registered: Result<Int, EndedError> = lock.withLock {
            if let endReason { return .failure(EndedError(reason: endReason)) }
            let id = nextID
            nextID += 1
            calls[id] = (tool, slot)
            // Queued under the lock, so that a `cancel` for this id can only be queued after it.
            writer.enqueue(HostRequest.call(id: id, tool: tool, arguments: arguments, trace: trace).line) {
                [self] failure in
                if let failure { writeFailed(id, errno: failure) }
            }
            return .success(id)
        }
        let id: Int
        switch registered {
        case .success(let registeredID): id = registeredID
        case .failure(let ended): return .failure(callFailure(tool, ended.reason))
        }
        return await withTaskCancellationHandler {
            await slot.wait()
        } onCancel: { [self] in
            if take(id) != nil { writer.enqueue(HostRequest.cancel(id: id).line) }
            slot.settle(.cancelled)
        }
    }

    /// Ends the session: the host stops the server (SIGTERM, SIGKILL after a grace period), reaps it and exits;
    /// a host that does not is stopped the same way. Waiting calls fail. Safe to call more than once.
    package func close() async {
        let task: Task<Void, Never> = lock.withLock {
            if let closing { return closing }
            let task = Task { await self.shutDown() }
            closing = task
            return task
        }
        await task.value
    }

    private func shutDown() async {
        end(with: "MCP server `\(server)` was shut down")
        writer.enqueue(HostRequest.close.line)
        writer.close()  // End of file says the same, should `close` not get through.
        let wait = lock.withLock { unresponsive } ? 0 : Self.closeWait
        if await process.waitForExit(seconds: wait) == nil {
            // On SIGTERM the host still closes its session; SIGKILL comes once the server has had its own grace.
            await process.terminate(grace: Self.terminateGrace)
        }
        // Whatever the host's children do with its pipes, reading stops here.
        let (readers, lineReader) = lock.withLock { (self.readers, self.lineReader) }
        readers.forEach { $0.stop() }
        lineReader?.stop()
    }

    private func receive(_ line: [UInt8]) {
        let reply: HostReply
        do {
            reply = try HostReply(line: line)
        } catch {
            return broke("sent \(error.description)")
        }
        switch reply {
        case .ready(let tools, let pid):
            lock.withLock { setup }?.settle(.ready(tools, serverProcessID: pid))
        case .setupFailed(let message):
            lock.withLock { setup }?.settle(.failed(scrubber.scrub(message)))
        case .result(let id, let text):
            take(id)?.slot.settle(.text(scrubber.scrub(text)))
        case .failure(let id, let message):
            take(id)?.slot.settle(.failure(scrubber.scrub(message)))
        case .closed:
            break  // The host exits next; `shutDown` waits for that.
        }
    }

    /// The host broke the protocol: nothing it says can be trusted any more, so the link ends and the host stops.
    private func broke(_ what: String) {
        end(with: "the MCP host \(hostPath) serving MCP server `\(server)` \(what)")
        Task { await process.terminate(grace: Self.terminateGrace) }
    }

    private func stdoutEnded() async {
        let status = await process.waitForExit(seconds: 1)
        // Let stderr drain, so that the tail holds the host's last words.
        for _ in 0..<30 where !stderrTail.hasEnded { try? await Task.sleep(nanoseconds: 10_000_000) }
        var reason = "the MCP host \(hostPath) serving MCP server `\(server)` "
        reason += status.map { "\($0)" } ?? "closed its stdout"
        let tail = stderrTail.text(lines: 8, scrub: scrubber.scrub)
        if !tail.isEmpty { reason += "; the end of its stderr:\n\(tail)" }
        end(with: reason)
        lock.withLock { hostEnded = true }
    }

    /// A call that could not be written: the host is gone or going, and its end explains it best.
    private func writeFailed(_ id: Int, errno code: Int32) {
        Task { [self] in
            for _ in 0..<100 where !lock.withLock({ hostEnded }) { try? await Task.sleep(nanoseconds: 20_000_000) }
            guard let call = take(id) else { return }
            let reason =
                lock.withLock { endReason }
                ?? "could not write to the MCP host \(hostPath): \(String(cString: strerror(code)))"
            call.slot.settle(.failure(callFailure(call.tool, reason)))
        }
    }

    /// Ends the link: the first reason wins, and everything waiting fails with it.
    private func end(with reason: String) {
        let clean = scrubber.scrub(reason)
        let (setup, calls, final) = lock.withLock {
            if endReason == nil { endReason = clean }
            let taken = (self.setup, self.calls, endReason ?? clean)
            self.calls = [:]
            return taken
        }
        setup?.settle(.failed(startFailure(final)))
        for call in calls.values { call.slot.settle(.failure(callFailure(call.tool, final))) }
    }

    private func take(_ id: Int) -> (tool: String, slot: OneShot<CallOutcome>)? {
        lock.withLock { calls.removeValue(forKey: id) }
    }

    private func startFailure(_ reason: String) -> String {
        reason.contains("MCP server `\(server)` was shut down")
            ? "the start of MCP server `\(server)` was cancelled"
            : "MCP server `\(server)` could not be started: \(reason)"
    }

    private func callFailure(_ tool: String, _ reason: String) -> String {
        "The call to MCP tool `\(tool)` failed: \(reason)"
    }

    private static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
    }

    private struct EndedError: Error {
        var reason: String
    }
}
