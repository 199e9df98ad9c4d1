import CrewCore

/// What `crew run` executes: the `plan.json` of a build artifact, decoded into types. The runtime reads only this
/// format (specs/artifact.md), never crew files, so a run of an artifact and a run of a crew folder are the same.
public struct ExecutionPlan: Sendable {
    public var crewName: String
    /// The artifact's hash: the identity of what ran, recorded in every run.
    public var artifactHash: String
    public var inputs: [InputDefinition]
    public var models: [String: ModelDefinition]
    public var agents: [String: AgentDefinition]
    public var embedders: [String: EmbedderDefinition] = [:]
    public var knowledge: [String: KnowledgeDefinition] = [:]
    public var tools: [String: ToolEntry] = [:]
    /// In topological order: every task after its context.
    public var tasks: [TaskDefinition]
    public var maxParallel: Int
    /// Seconds, for tasks that set none.
    public var taskTimeout: Double?

    public func task(named name: String) -> TaskDefinition? {
        tasks.first { $0.name == name }
    }
}

public struct InputDefinition: Sendable {
    public enum ValueType: String, Sendable {
        case string, integer, number, boolean
    }

    public var name: String
    public var type: ValueType
    public var defaultValue: JSONValue?
    public var required: Bool
}

public struct ModelDefinition: Sendable {
    public enum Provider: String, Sendable {
        case openai, anthropic, gemini, ollama, mock
    }

    public var name: String
    public var provider: Provider
    public var model: String
    public var baseURL: Template?
    public var apiKey: SecretSource?
    public var temperature: Double?
    public var topP: Double?
    public var maxTokens: Int?
    /// Seconds per request.
    public var timeout: Double?
    public var maxRetries: Int?
    public var requestsPerMinute: Int?
    public var tokensPerMinute: Int?
    /// US dollars per million tokens, input and output.
    public var price: (input: Double, output: Double)?
    /// `mock` only: scripted replies by task name.
    public var replies: [String: String]
}

/// Where a secret is read at run time.
public enum SecretSource: Sendable, Hashable, CustomStringConvertible {
    case env(String)
    case file(String)

    public var description: String {
        switch self {
        case .env(let name): return name
        case .file(let path): return path
        }
    }
}

public struct AgentDefinition: Sendable {
    public var name: String
    public var role: Template
    public var goal: Template
    public var backstory: Template?
    public var model: String
    public var knowledge: [String] = []
    /// With `knowledge_context: auto`, the top hits for the task are put in the prompt.
    public var knowledgeContext = false
    /// Names of `tools` entries it may call.
    public var tools: [String] = []
    /// Agents it may ask for help through the `ask_agent` tool.
    public var delegateTo: [String] = []
    /// Model turns per task (each answer or round of tool calls is one).
    public var maxIterations = 8
    /// When the turns run out: ask for a final answer without tools (true) or fail the task (false).
    public var answerOnMaxIterations = false
}

/// A `tools` entry of the plan: the keys every type has, and the whole entry for the type's own settings.
public struct ToolEntry: Sendable {
    public var name: String
    /// knowledge, http, file, command or mcp.
    public var type: String
    /// Seconds one call may take.
    public var timeout: Double?
    public var maxResultChars: Int?
    /// The entry as written in plan.json.
    public var config: JSONValue
}

/// An embedding endpoint, as recorded in the plan.
public struct EmbedderDefinition: Sendable {
    public var name: String
    /// openai, gemini, ollama or mock.
    public var provider: String
    public var model: String
    public var baseURL: Template?
    public var apiKey: SecretSource?
    public var dimensions: Int?
    public var batchSize: Int?
    /// The embedding space (provider/model/dimensions) the knowledge base's vectors were built in.
    public var identity: String
}

/// A compiled knowledge base: where its indexes are in the artifact, and its sources (for rebuilding).
public struct KnowledgeDefinition: Sendable {
    public var name: String
    public var files: [String]
    public var texts: [String]
    public var chunkSize: Int
    public var chunkOverlap: Int
    public var embedder: String?
}

public struct TaskDefinition: Sendable {
    public var name: String
    public var agent: String
    public var model: String
    public var description: Template
    public var expectedOutput: Template?
    public var context: [String]
    public var outputFile: String?
    public var outputSchema: JSONValue?
    public var maxRepairs: Int?
    /// Seconds.
    public var timeout: Double?
    /// A person approves the output (or sends feedback for another attempt) before it is used.
    public var humanReview = false
}
