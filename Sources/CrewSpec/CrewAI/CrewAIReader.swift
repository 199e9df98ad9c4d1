import CrewCore
import CrewDocuments
import Foundation

/// Reads a crewAI project (`agents.yaml` + `tasks.yaml`) into the same typed model as a native crew, with crewAI's
/// sequential semantics turned into explicit `context` edges (see `CrewAISequencing`).
struct CrewAIReader {
    var yaml: YAMLLoader

    static let agentKeys = ["role", "goal", "backstory", "llm", "tools", "max_iter", "allow_delegation"]
    /// crewAI settings with no counterpart here; read and reported as ignored, never as unknown.
    static let ignoredAgentKeys = [
        "verbose", "memory", "cache", "max_rpm", "max_execution_time", "max_retry_limit", "function_calling_llm",
        "allow_code_execution", "code_execution_mode", "respect_context_window", "multimodal", "reasoning",
        "max_reasoning_attempts", "system_template", "prompt_template", "response_template", "inject_date",
        "date_format", "use_system_prompt", "step_callback", "knowledge_sources", "embedder", "config", "max_tokens",
    ]
    static let taskKeys = [
        "description", "expected_output", "agent", "context", "async_execution", "output_file", "human_input",
        "tools", "output_json", "output_pydantic",
    ]
    static let ignoredTaskKeys = [
        "name", "create_directory", "markdown", "callback", "guardrail", "config", "converter_cls",
    ]

    func load(root: String, agents: String, tasks: String, sources: SourceText) -> CrewLoader.Output {
        var diagnostics = Diagnostics()
        let decoder = NodeDecoder(sources: sources)
        let folderName = URL(fileURLWithPath: Glob.realPath(root)).lastPathComponent
        let name = CrewDecoder.slug(folderName)
        var crew = Crew(
            version: 1, name: Located(name.isEmpty ? "crew" : name, at: .file(CrewLoader.display(root, tasks))),
            origin: .crewAI, root: Glob.realPath(root))
        crew.displayRoot = root
        let agentsFile = yaml.load(
            path: FileSystem.join(root, agents), display: CrewLoader.display(root, agents), sources: sources)
        let tasksFile = yaml.load(
            path: FileSystem.join(root, tasks), display: CrewLoader.display(root, tasks), sources: sources)
        diagnostics.append(contentsOf: agentsFile.diagnostics.map { Self.explainMissing($0, "agents.yaml") })
        diagnostics.append(contentsOf: tasksFile.diagnostics.map { Self.explainMissing($0, "tasks.yaml") })
        for (file, loaded) in [(agents, agentsFile), (tasks, tasksFile)] {
            if let sha = loaded.sha256 { crew.files.append(SourceFile(path: file, sha256: sha, role: .crew)) }
        }
        var mapper = CrewAIMapper(decoder: decoder)
        if let node = agentsFile.node { crew.agents = mapper.agents(node, crew: &crew) }
        if let node = tasksFile.node { crew.tasks = mapper.tasks(node, agents: crew.agents) }
        crew.inputs = mapper.inferredInputs(crew)
        diagnostics.append(contentsOf: decoder.diagnostics.items)
        return CrewLoader.Output(crew: crew, diagnostics: diagnostics, sources: sources)
    }

    private static func explainMissing(_ diagnostic: Diagnostic, _ name: String) -> Diagnostic {
        guard diagnostic.code == DiagnosticCode.e102.rawValue else { return diagnostic }
        var explained = diagnostic
        explained.code = DiagnosticCode.e303.rawValue
        explained.message = "this crewAI project has no \(name)"
        explained.hint = "a crewAI project keeps its crew in config/agents.yaml and config/tasks.yaml"
        return explained
    }
}
