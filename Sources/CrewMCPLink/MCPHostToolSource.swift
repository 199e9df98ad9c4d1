import CrewCore
import CrewTools
import Foundation

/// The tools of one MCP server (an `mcp` tool entry of the plan), reached through `crew-mcp`: the helper links the
/// MCP SDK (and with it FoundationNetworking, libcurl and its TLS libraries) so that `crew` starts without them.
public final class MCPHostToolSource: Sendable {
    /// The plan's name for the server (the `mcp` tool entry).
    public let name: String
    /// The server's tools after `include`/`exclude`, named as the model may call them.
    public let tools: [any AgentTool]
    private let link: HostLink
    /// The stdio server's process, as the host reported it.
    package let serverProcessID: Int32?

    private init(name: String, tools: [any AgentTool], link: HostLink, serverProcessID: Int32?) {
        self.name = name
        self.tools = tools
        self.link = link
        self.serverProcessID = serverProcessID
    }

    /// The `crew-mcp` process serving this server.
    package var hostProcessID: Int32 { link.hostProcessID }

    /// Seconds the host gets on top of the server's start `timeout`: the host applies that timeout itself.
    static let hostMargin = 5.0

    /// Resolves the entry's references through `context` (so the run records every secret), starts `crew-mcp` (see
    /// `HostLocator`; `environment` is where `CREW_MCP_HOST` is read), and has it start or reach the server,
    /// initialize the session and list the tools, within `timeout` seconds.
    ///
    /// - Throws: `ToolSetupError` when a reference cannot be resolved, `crew-mcp` is missing or dies, the server's
    ///   command does not exist, the server exits, does not answer in time or is unreachable, or `include` names a
    ///   tool the server does not have.
    public static func connect(
        name: String, config: JSONValue, context: ToolContext, timeout: Double,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) async throws(ToolSetupError) -> MCPHostToolSource {
        let scrubber = SecretScrubber()
        let settings = try ServerConfig.resolve(name: name, config, context: scrubber.recording(context))
        let hostPath = try HostLocator.locate(environment: environment)
        let link = try HostLink.start(server: name, hostPath: hostPath, scrubber: scrubber)
        let request = HostConnect(
            name: name, config: settings, secrets: scrubber.values, crewFolder: context.crewFolder, timeout: timeout)
        switch await link.connect(request, deadline: timeout + hostMargin) {
        case .ready(let listed, let pid):
            let tools = listed.map { HostTool(descriptor: $0.descriptor, serverName: $0.serverName, link: link) }
            return MCPHostToolSource(name: name, tools: tools, link: link, serverProcessID: pid)
        case .failed(let message):
            await link.close()
            throw ToolSetupError(message)
        }
    }

    /// Ends the session: the host stops the server (SIGTERM, SIGKILL after a grace period), reaps it and exits.
    /// Safe to call more than once.
    public func close() async {
        await link.close()
    }
}
