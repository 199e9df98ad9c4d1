import CrewCore

/// A crew that passed validation, with every reference resolved to an index. Only `Validator` makes one, so a
/// function that takes a `ValidatedCrew` cannot be handed an unchecked crew.
public struct ValidatedCrew: Sendable {
    public let crew: Crew
    /// For each task, the indices of its `context` tasks, in the order written.
    public let dependencies: [[Int]]
    /// For each task, the index of its agent.
    public let agentOfTask: [Int]
    /// For each agent, the index of the model it uses (its own, `defaults.model`, or the crew's only model).
    public let modelOfAgent: [Int]
    /// For each knowledge base (by index), the source files its globs matched, relative to the crew's folder.
    public let knowledgeFiles: [[String]]
    /// For each task, its output schema with any `schema: path` read and inlined.
    public let outputSchemas: [JSONValue?]
    /// Files read during validation besides the crew files (schemas), with their hashes.
    public let schemaFiles: [SourceFile]

    init(
        crew: Crew, dependencies: [[Int]], agentOfTask: [Int], modelOfAgent: [Int], knowledgeFiles: [[String]],
        outputSchemas: [JSONValue?], schemaFiles: [SourceFile]
    ) {
        self.crew = crew
        self.dependencies = dependencies
        self.agentOfTask = agentOfTask
        self.modelOfAgent = modelOfAgent
        self.knowledgeFiles = knowledgeFiles
        self.outputSchemas = outputSchemas
        self.schemaFiles = schemaFiles
    }

    /// The dependency graph: an edge from each context task to the task that needs it.
    public var graph: Graph {
        var graph = Graph(count: crew.tasks.count)
        for (task, deps) in dependencies.enumerated() {
            for dep in deps { graph.addEdge(from: dep, to: task) }
        }
        return graph
    }
}
