import CrewCore
import CrewDocuments
import CrewMCPLink
import CrewTools

/// The tools of a run, set up once before any task starts: built-in tools are built from their plan entries, MCP
/// servers are started and asked for their tools. Entries no agent uses are not set up (their servers never start).
public final class ToolBox: Sendable {
    /// A tool with the plan entry it came from (its timeout and result cap).
    public struct Bound: Sendable {
        public let tool: any AgentTool
        public let entry: ToolEntry
    }

    public struct SetupError: CodedFailure {
        public var code: FailureCode { .r513 }
        public var message: String
        public var description: String { message }
    }

    /// Tools by plan entry name (an MCP entry gives several).
    let entries: [String: [Bound]]
    let ledger: SecretLedger
    /// What `close` releases: each built-in tool, and each MCP server once (not once per tool).
    let closers: [@Sendable () async -> Void]

    init(entries: [String: [Bound]], ledger: SecretLedger, closers: [@Sendable () async -> Void]) {
        self.entries = entries
        self.ledger = ledger
        self.closers = closers
    }

    public static let empty = ToolBox(entries: [:], ledger: SecretLedger(environment: [:]), closers: [])

    /// Every value read for a tool (header tokens, MCP env), to scrub from results and records.
    public var secrets: [String] { ledger.secrets }

    /// Sets up every tool an agent of `plan` names. `startTimeout` bounds each MCP server's start.
    public static func open(
        plan: ExecutionPlan, crewFolder: String, environment: [String: String], knowledge: KnowledgeSearcher?,
        startTimeout: Double = 30
    ) async throws(SetupError) -> ToolBox {
        let ledger = SecretLedger(environment: environment)
        let used = Set(plan.agents.values.flatMap(\.tools))
        var entries: [String: [Bound]] = [:]
        var closers: [@Sendable () async -> Void] = []
        var problems: [String] = []
        for name in used.sorted() {
            guard let entry = plan.tools[name] else { continue }
            let context = ToolContext(crewFolder: crewFolder) { segment throws(ToolSetupError) in
                try ledger.resolve(segment, tool: name)
            }
            do {
                let (tools, close) = try await build(
                    entry, context: context, knowledge: knowledge, timeout: startTimeout)
                entries[name] = tools.map { Bound(tool: $0, entry: entry) }
                closers.append(close)
            } catch {
                let named = error.message.contains("`\(name)`") ? error.message : "tool `\(name)`: \(error.message)"
                problems.append(named)
            }
        }
        let box = ToolBox(entries: entries, ledger: ledger, closers: closers)
        guard problems.isEmpty else {
            await box.close()
            throw SetupError(message: problems.joined(separator: "\n"))
        }
        return box
    }

    static func build(_ entry: ToolEntry, context: ToolContext, knowledge: KnowledgeSearcher?, timeout: Double)
        async throws(ToolSetupError) -> ([any AgentTool], @Sendable () async -> Void)
    {
        switch entry.type {
        case .knowledge:
            guard let knowledge else {
                throw ToolSetupError(
                    "tool `\(entry.name)` searches a knowledge base, but this run has no compiled indexes; run a built "
                        + "artifact or a crew folder (which `crew run` builds first)")
            }
            return single(try KnowledgeTool(name: entry.name, config: entry.config, searcher: knowledge))
        case .http: return single(try HTTPTool(name: entry.name, config: entry.config, context: context))
        case .file: return single(try FileTool(name: entry.name, config: entry.config, context: context))
        case .command: return single(try CommandTool(name: entry.name, config: entry.config, context: context))
        case .mcp:
            // Through the `crew-mcp` helper, which links the MCP SDK so that `crew` does not.
            let source = try await MCPHostToolSource.connect(
                name: entry.name, config: entry.config, context: context, timeout: timeout)
            return (source.tools, { await source.close() })
        }
    }

    static func single(_ tool: any AgentTool) -> ([any AgentTool], @Sendable () async -> Void) {
        ([tool], { await tool.close() })
    }

    /// The tools `agent` may call, in the order of its `tools` list (an MCP entry's tools in the server's order).
    public func tools(for agent: AgentDefinition) -> [Bound] {
        agent.tools.flatMap { entries[$0] ?? [] }
    }

    /// Names two tools of one agent share: the model could not tell them apart.
    public func clashes(for agent: AgentDefinition) -> [String] {
        var seen = Set<String>()
        return tools(for: agent).compactMap {
            seen.insert($0.tool.descriptor.name).inserted ? nil : $0.tool.descriptor.name
        }
    }

    public func close() async {
        for close in closers { await close() }
    }
}
