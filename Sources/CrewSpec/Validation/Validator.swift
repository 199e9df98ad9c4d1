import CrewCore

/// Checks a loaded crew as a whole and resolves its references. Reports every problem, never just the first.
public struct Validator {
    let crew: Crew
    let sources: SourceText
    var diagnostics = Diagnostics()
    var priorErrors = false

    let tasks: NameTable
    let agents: NameTable
    let models: NameTable
    let tools: NameTable
    let knowledge: NameTable
    let embedders: NameTable
    let inputs: NameTable

    /// Validates `crew`; the result is nil when any error was found. `priorErrors` says whether loading already
    /// failed somewhere: then checks that would only echo that failure (no tasks, unused names) are skipped.
    public static func validate(_ crew: Crew, sources: SourceText, priorErrors: Bool = false) -> (
        ValidatedCrew?, Diagnostics
    ) {
        var validator = Validator(crew: crew, sources: sources)
        validator.priorErrors = priorErrors
        let validated = validator.run()
        return (validator.diagnostics.hasErrors ? nil : validated, validator.diagnostics)
    }

    init(crew: Crew, sources: SourceText) {
        self.crew = crew
        self.sources = sources
        var d = Diagnostics()
        tasks = NameTable(kind: "task", crew.tasks.map(\.name), diagnostics: &d)
        agents = NameTable(kind: "agent", crew.agents.map(\.name), diagnostics: &d)
        models = NameTable(kind: "model", crew.models.map(\.name), diagnostics: &d)
        tools = NameTable(kind: "tool", crew.tools.map(\.name), diagnostics: &d)
        knowledge = NameTable(kind: "knowledge base", crew.knowledge.map(\.name), diagnostics: &d)
        embedders = NameTable(kind: "embedder", crew.embedders.map(\.name), diagnostics: &d)
        inputs = NameTable(kind: "input", crew.inputs.map(\.name), diagnostics: &d)
        diagnostics = d
    }

    mutating func run() -> ValidatedCrew {
        if crew.tasks.isEmpty && !priorErrors {
            diagnostics.error(.e211, "the crew has no tasks", at: crew.name.location, hint: "add a `tasks:` section")
        }
        let agentOfTask = resolveTaskAgents()
        let dependencies = resolveContexts()
        let modelOfAgent = resolveAgentModels()
        checkAgentReferences()
        checkToolsAndKnowledgeReferences()
        checkPlaceholders()
        checkCycles(dependencies)
        let knowledgeFiles = checkKnowledgeSources()
        let (schemas, schemaFiles) = checkOutputs()
        checkToolSettings()
        warnUnused(agentOfTask: agentOfTask, modelOfAgent: modelOfAgent)
        return ValidatedCrew(
            crew: crew, dependencies: dependencies, agentOfTask: agentOfTask, modelOfAgent: modelOfAgent,
            knowledgeFiles: knowledgeFiles, outputSchemas: schemas, schemaFiles: schemaFiles)
    }
}
