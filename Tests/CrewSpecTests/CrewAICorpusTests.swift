import CrewBuild
import CrewCore
import CrewDocuments
import CrewSpec
import CrewTestSupport
import Foundation
import Testing

/// Real crewAI projects, crew.py included (Tests/Fixtures/crewai-corpus, sources and commits in SOURCES.json): for
/// each, a golden file with what crew makes of it (agents, tasks in order, tools, models) and every diagnostic.
@Suite struct CrewAICorpusTests {
    static let folder = Fixtures.root + "/crewai-corpus"
    static let projects = Fixtures.cases("crewai-corpus")

    /// As a user moving the project runs it: with `--python`, so its own tools go through the bridge.
    static let bridged = CrewLoader(crewAI: CrewAIOptions(python: "python3"))

    @Test(arguments: projects)
    func readsTheProjectAsTheGoldenSays(_ project: String) {
        let (result, diagnostics) = Fixtures.diagnosticsText(
            Self.folder + "/" + project, relativeTo: Self.folder, loader: Self.bridged)
        let text = Self.summary(project, result) + "\n" + diagnostics
        if let problem = Golden.check(text, against: Self.folder + "/" + project + ".expected") {
            Issue.record(Comment(rawValue: problem))
        }
        for diagnostic in result.diagnostics.items where diagnostic.code != "E102" {
            #expect(diagnostic.location != nil && diagnostic.hint != nil, "\(project): \(diagnostic.message)")
        }
    }

    /// Every project has its source recorded.
    @Test func everyProjectHasASource() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Self.folder + "/SOURCES.json"))
        let entries = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        let slugs = Set(entries.compactMap { $0["slug"] as? String })
        #expect(Set(Self.projects) == slugs)
        for entry in entries {
            let commit = entry["commit"] as? String ?? ""
            #expect(commit.count == 40 && entry["repo"] is String, "\(entry)")
        }
        #expect(Self.projects.count >= 30)
    }

    /// The share the README states: projects that build with nothing dropped (no error, and no warning that
    /// something crewAI acts on was left out; W409 is not one: crewAI does not run those entries either).
    @Test func theReadmeShareHolds() {
        func clean(_ loader: CrewLoader) -> [String] {
            Self.projects.filter { project in
                let result = Compiler.compile(path: Self.folder + "/" + project, loader: loader)
                return result.succeeded && !Self.dropsSomething(result)
            }
        }
        #expect(Self.projects.count == 41)
        let bridged = clean(Self.bridged)
        #expect(bridged.count == Self.cleanWithBridge, "clean: \(bridged)")
        let alone = clean(CrewLoader())
        #expect(alone.count == Self.cleanWithoutBridge, "clean: \(alone)")
    }

    static let cleanWithBridge = 16
    static let cleanWithoutBridge = 5

    static func dropsSomething(_ result: Compiler.Result) -> Bool {
        result.diagnostics.items.contains { diagnostic in
            diagnostic.code == "W408"
                || (diagnostic.code == "W406" && !diagnostic.message.hasPrefix("crewAI ignores these keys"))
        }
    }

    static func summary(_ project: String, _ result: Compiler.Result) -> String {
        let status =
            result.succeeded
            ? (dropsSomething(result) ? "builds, with something dropped" : "builds, nothing dropped")
            : "does not build"
        var lines = ["# \(project): \(status)"]
        guard let crew = result.crew else { return lines.joined(separator: "\n") + "\n" }
        lines.append("agents:")
        for agent in crew.agents {
            var parts = ["model=\(agent.model?.value ?? "-")", "max_iter=\(agent.maxIterations?.value ?? 0)"]
            if !agent.tools.isEmpty { parts.append("tools=[\(agent.tools.map(\.value).joined(separator: ", "))]") }
            if !agent.delegateTo.isEmpty {
                parts.append("delegates=[\(agent.delegateTo.map(\.value).joined(separator: ", "))]")
            }
            lines.append("  \(agent.name.value): \(parts.joined(separator: " "))")
        }
        lines.append("tasks:")
        for task in crew.tasks {
            var parts = [
                "agent=\(task.agent?.value ?? "-")", "context=[\(task.context.map(\.value).joined(separator: ", "))]",
            ]
            if task.asyncExecution { parts.append("async") }
            if let file = task.output?.file { parts.append("output_file=\(file.value)") }
            if case .inline(let schema, _)? = task.output?.schema { parts.append("schema=\(schema.serialized())") }
            lines.append("  \(task.name.value): \(parts.joined(separator: " "))")
        }
        if !crew.tools.isEmpty {
            lines.append("tools:")
            for tool in crew.tools {
                lines.append("  \(tool.name.value): \(tool.kind.value.rawValue) \(Self.settings(tool))")
            }
        }
        lines.append("models:")
        for model in crew.models {
            lines.append("  \(model.name.value): \(model.provider.value.rawValue)/\(model.model.value)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func settings(_ tool: ToolSpec) -> String {
        switch tool.settings {
        case .http(let http):
            return "allow=\(http.allow.map(\.value)) methods=\(http.methods.map(\.value))"
                + " headers=\(http.headers.map { "\($0.name.value): \($0.value.source)" })"
        case .file(let file): return "root=\(file.root?.value ?? "-") write=\(file.write)"
        case .knowledge(let knowledge): return "knowledge=\(knowledge.knowledge?.value ?? "-")"
        case .command, .mcp: return ""
        }
    }
}
