import CrewCore
import CrewMCPLink
import CrewTools

/// The MCP host's side of one session: connects to the server crew names, runs its calls concurrently (each
/// answered by id when it ends), cancels the ones crew gives up, and closes everything at the end.
actor HostSession {
    private let replies: LineWriter
    private var source: MCPToolSource?
    private var connecting: Task<Void, Never>?
    private var calls: [Int: Task<Void, Never>] = [:]

    init(replies: LineWriter) {
        self.replies = replies
    }

    /// Handles one line from crew; false once the session is to end (`close`).
    func handle(_ line: [UInt8]) -> Bool {
        let request: HostRequest
        do {
            request = try HostRequest(line: line)
        } catch {
            // crew and its host come from one build, so this is a bug; the note is in the stderr crew keeps.
            HostLog.note("ignored a line from crew: \(error.description)")
            return true
        }
        switch request {
        case .connect(let connect):
            start(connect)
        case .call(let id, let tool, let arguments, let trace):
            calls[id] = Task {
                await OutgoingTrace.$headers.withValue(trace) { await run(id, tool: tool, arguments: arguments) }
            }
        case .cancel(let id):
            calls.removeValue(forKey: id)?.cancel()
        case .close:
            return false
        }
        return true
    }

    /// Stops a start still under way, the calls still running, then the session and its server; says `closed`.
    func finish() async {
        connecting?.cancel()
        await connecting?.value
        for call in calls.values { call.cancel() }
        calls = [:]
        await source?.close()
        source = nil
        replies.enqueue(HostReply.closed.line)
        replies.flush()
    }

    private func start(_ request: HostConnect) {
        guard connecting == nil else {
            return reply(.setupFailed(message: "the MCP host serves one server, and `\(request.name)` is a second"))
        }
        guard request.protocolVersion == HostProtocol.version else {
            return reply(
                .setupFailed(
                    message:
                        "the MCP host `crew-mcp` speaks version \(HostProtocol.version) of crew's host protocol and crew "
                        + "sent version \(request.protocolVersion): install the `crew-mcp` built with this `crew`"))
        }
        connecting = Task {
            do throws(ToolSetupError) {
                let source = try await MCPToolSource.connect(
                    name: request.name, settings: request.config, scrubber: SecretScrubber(request.secrets),
                    crewFolder: request.crewFolder, timeout: request.timeout)
                self.source = source
                reply(.ready(tools: source.hostTools, serverProcessID: source.processID))
            } catch {
                reply(.setupFailed(message: error.message))
            }
        }
    }

    private func run(_ id: Int, tool: String, arguments: JSONValue) async {
        let outcome: HostReply
        if let source {
            do {
                outcome = .result(id: id, text: try await source.call(tool, arguments: arguments))
            } catch {
                outcome = .failure(id: id, message: error.message)
            }
        } else {
            outcome = .failure(id: id, message: "MCP tool `\(tool)` cannot be called: its server is not connected")
        }
        calls[id] = nil
        // crew stopped waiting for a cancelled call already.
        if !Task.isCancelled { reply(outcome) }
    }

    private func reply(_ reply: HostReply) {
        replies.enqueue(reply.line)
    }
}
