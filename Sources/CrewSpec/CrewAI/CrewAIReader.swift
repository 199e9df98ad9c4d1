import CrewCore
import CrewDocuments
import Foundation

/// Reads a crewAI project (`agents.yaml` + `tasks.yaml`) into the same typed model as a native crew, with crewAI's
/// sequential semantics turned into explicit `context` edges (see `CrewAISequencing`).
struct CrewAIReader {
    var yaml: YAMLLoader
    var options = CrewAIOptions()

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
        let packageFolder = CrewPyProject.packageFolder(forConfig: agents)
        let project = CrewPyProject(
            root: root, displayRoot: root, packageFolder: packageFolder,
            sources: sources
        ).load()
        crew.files += project.files
        var entries = CrewAIEntries(decoder: decoder)
        let agentEntries = agentsFile.node.map { entries.agents($0, file: CrewLoader.display(root, agents)) } ?? []
        let taskEntries = tasksFile.node.map { entries.tasks($0, file: CrewLoader.display(root, tasks)) } ?? []
        var assembly = CrewAIAssembly(
            decoder: decoder, crewPy: project.crew,
            bridge: CrewAIBridgeContext(
                python: options.python, packageFolder: packageFolder, crewFile: project.crewFile))
        assembly.agents(agentEntries, crew: &crew)
        assembly.tasks(taskEntries, crew: &crew)
        crew.inputs = CrewAIMapper.inferredInputs(crew)
        diagnostics.append(contentsOf: project.diagnostics)
        diagnostics.append(contentsOf: entries.ignoredSummaries())
        diagnostics.append(contentsOf: decoder.diagnostics.items)
        return CrewLoader.Output(crew: crew, diagnostics: diagnostics, sources: sources)
    }

    private static func explainMissing(_ diagnostic: Diagnostic, _ name: String) -> Diagnostic {
        if diagnostic.code == DiagnosticCode.e106.rawValue {
            var explained = diagnostic
            explained.hint =
                name == "agents.yaml"
                ? "a crewAI agents.yaml maps each agent's name to its `role`, `goal` and `backstory`"
                : "a crewAI tasks.yaml maps each task's name to its `description`, `expected_output` and `agent`"
            return explained
        }
        guard diagnostic.code == DiagnosticCode.e102.rawValue else { return diagnostic }
        var explained = diagnostic
        explained.code = DiagnosticCode.e303.rawValue
        explained.message = "this crewAI project has no \(name)"
        explained.hint = "a crewAI project keeps its crew in config/agents.yaml and config/tasks.yaml"
        return explained
    }
}
