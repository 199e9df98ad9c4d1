import ArgumentParser
import CrewCore
import CrewDocuments
import CrewKit
import CrewRuntime
import CrewTools
import Foundation

/// `crew tools`: every tool each agent would be offered, as the model sees it. Sets the tools up as a run does
/// (MCP servers start, `${env:...}` references must be set), so it also checks that they can be set up.
struct ToolsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration.crew(
        "tools", abstract: "List the tools each agent would be offered, with their input schemas.",
        discussion: "Starts the crew's MCP servers to ask them for their tools. Exit status: 0, or 1 when the crew "
            + "is invalid or a tool cannot be set up.")

    @OptionGroup var crew: CrewPathOptions

    @Option(help: "Only this agent's tools.")
    var agent: String?

    @Flag(help: "Print one JSON document.")
    var json = false

    func run() async throws {
        let source = try await Engine.plan(at: crew.path, crewAI: crew.crewAI)
        let plan = source.plan
        let agents = try chosenAgents(plan)
        let listings = try await ToolCatalog.list(
            plan: plan, agents: agents, source: source, environment: Engine.shared.configuration.environment)
        json ? Terminal.outRaw(ToolCatalog.json(listings)) : Terminal.out(ToolCatalog.text(listings))
    }

    private func chosenAgents(_ plan: ExecutionPlan) throws -> [AgentDefinition] {
        let all = plan.agents.values.sorted { $0.name < $1.name }
        guard let agent else { return all }
        guard let chosen = plan.agents[agent] else {
            let names = all.map { "`\($0.name)`" }.joined(separator: ", ")
            Terminal.err("error: the crew has no agent `\(agent)`; its agents are \(names)\n")
            throw ExitCode(2)
        }
        return [chosen]
    }
}

/// The tools of some agents, set up for real and closed again.
enum ToolCatalog {
    struct Listing {
        var agent: String
        var tools: [Offered]
    }

    struct Offered {
        var name: String
        /// The `tools:` entry it comes from; nil for `ask_agent`.
        var entry: String?
        var type: String
        var description: String
        var inputSchema: JSONValue
    }

    static func list(
        plan: ExecutionPlan, agents: [AgentDefinition], source: RunnablePlan, environment: [String: String]
    ) async throws -> [Listing] {
        // Only the chosen agents' tools are set up, so `--agent` starts no other agent's MCP servers.
        var scoped = plan
        scoped.agents = Dictionary(uniqueKeysWithValues: agents.map { ($0.name, $0) })
        let knowledge = try searcher(scoped, source: source, environment: environment)
        let box: ToolBox
        do {
            box = try await ToolBox.open(
                plan: scoped, crewFolder: source.baseFolder, environment: environment, knowledge: knowledge)
        } catch {
            await knowledge?.close()
            throw Engine.fail(error)
        }
        let inputs = DelegationPreview.inputs(plan)
        let listings = agents.map { agent in
            var tools = box.tools(for: agent).map { bound in
                Offered(
                    name: bound.tool.descriptor.name, entry: bound.entry.name, type: bound.entry.type.rawValue,
                    description: bound.tool.descriptor.description, inputSchema: bound.tool.descriptor.inputSchema)
            }
            if let delegation = DelegationPreview.tool(for: agent, plan: plan, inputs: inputs) {
                tools.append(delegation)
            }
            for name in box.clashes(for: agent) {
                Terminal.err(
                    "warning: agent `\(agent.name)` would see two tools named `\(name)`; a run stops on this\n")
            }
            return Listing(agent: agent.name, tools: tools)
        }
        await box.close()
        await knowledge?.close()
        return listings
    }

    /// A searcher when a `knowledge` tool needs one: only a built artifact has indexes.
    private static func searcher(_ plan: ExecutionPlan, source: RunnablePlan, environment: [String: String]) throws
        -> KnowledgeSearcher?
    {
        let used = Set(plan.agents.values.flatMap(\.tools))
        let needed = plan.tools.values.contains { $0.type == .knowledge && used.contains($0.name) }
        guard needed, let folder = source.artifactFolder else { return nil }
        do {
            return try KnowledgeSearcher(
                plan: plan, artifact: folder, environment: environment, transport: Engine.shared.transport)
        } catch {
            throw Engine.fail(error)
        }
    }

    static func text(_ listings: [Listing]) -> String {
        listings.map { listing in
            guard !listing.tools.isEmpty else { return "agent `\(listing.agent)`: no tools\n" }
            let count = listing.tools.count == 1 ? "1 tool" : "\(listing.tools.count) tools"
            return "agent `\(listing.agent)`: \(count)\n" + listing.tools.map(text).joined()
        }.joined(separator: "\n")
    }

    private static func text(_ tool: Offered) -> String {
        let origin = tool.entry.map { "tool `\($0)`, type \(tool.type)" } ?? "built in, for delegate_to"
        var out = "\n  \(tool.name)  (\(origin))\n"
        out += indented(wrapped(tool.description.isEmpty ? "(no description)" : tool.description), by: 4)
        out += "    input schema:\n" + indented(tool.inputSchema.serialized(pretty: true), by: 6)
        return out
    }

    /// Long lines broken between words, so that descriptions read on a terminal.
    private static func wrapped(_ text: String, width: Int = 100) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            var lines: [String] = []
            var current = ""
            for word in line.split(separator: " ") {
                if !current.isEmpty, current.count + 1 + word.count > width {
                    lines.append(current)
                    current = ""
                }
                current += (current.isEmpty ? "" : " ") + word
            }
            lines.append(current)
            return lines.joined(separator: "\n")
        }.joined(separator: "\n")
    }

    private static func indented(_ text: String, by width: Int) -> String {
        let pad = String(repeating: " ", count: width)
        return text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.isEmpty ? "" : pad + $0 }.joined(separator: "\n") + "\n"
    }

    static func json(_ listings: [Listing]) -> String {
        let agents = listings.map { listing in
            JSONValue.object([
                "agent": .string(listing.agent),
                "tools": .array(
                    listing.tools.map { tool in
                        .object([
                            "name": .string(tool.name), "entry": tool.entry.map(JSONValue.string) ?? .null,
                            "type": .string(tool.type), "description": .string(tool.description),
                            "input_schema": tool.inputSchema,
                        ])
                    }),
            ])
        }
        return JSONValue.object(["agents": .array(agents)]).serialized(pretty: true) + "\n"
    }
}
