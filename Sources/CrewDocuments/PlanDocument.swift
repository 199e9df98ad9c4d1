import CrewCore

/// `plan.json` as a type (normative in specs/artifact.md): everything a run needs, with paths relative to the crew's
/// folder and secrets as references only. The compiler makes one, the artifact writes its `json`, and the runtime
/// reads one back with `PlanDocument.decode`; there is no other reader or writer of the format.
public struct PlanDocument: Sendable {
    public static let format = "crew-plan"
    /// The version written. Readers accept `readableVersions`.
    public static let formatVersion = 1
    public static let readableVersions: ClosedRange<Int> = 1...1

    public var crew: CrewHeader
    public var inputs: [InputDefinition]
    public var models: [String: ModelDefinition]
    public var embedders: [String: EmbedderDefinition] = [:]
    public var knowledge: [String: KnowledgeDefinition] = [:]
    public var tools: [String: ToolEntry] = [:]
    public var agents: [String: AgentDefinition]
    /// In topological order: every task after its context.
    public var tasks: [TaskDefinition]
    /// Task names by wave: a wave's tasks depend on earlier waves only.
    public var waves: [[String]] = []
    public var criticalPath: [String] = []
    public var widestWave = 0
    public var maxParallel = PlanDefaults.maxParallel
    /// Seconds, for tasks that set none.
    public var taskTimeout: Double?
    /// `defaults.cache`: tasks are answered from the task cache whenever that is sound (specs/cache.md).
    public var cache: Bool?
    /// The crew file's `telemetry:` section; the `OTEL_*` variables win over it (specs/telemetry.md).
    public var telemetry: TelemetryDefinition?

    public init(
        crew: CrewHeader, inputs: [InputDefinition], models: [String: ModelDefinition],
        agents: [String: AgentDefinition], tasks: [TaskDefinition]
    ) {
        self.crew = crew
        self.inputs = inputs
        self.models = models
        self.agents = agents
        self.tasks = tasks
    }

    public var crewName: String { crew.name }

    public func task(named name: String) -> TaskDefinition? {
        tasks.first { $0.name == name }
    }
}

public struct CrewHeader: Sendable {
    public var name: String
    public var description: String?
    public var origin: CrewOrigin

    public init(name: String, description: String? = nil, origin: CrewOrigin = .native) {
        self.name = name
        self.description = description
        self.origin = origin
    }
}

public struct InputDefinition: Sendable {
    public typealias ValueType = InputType

    public var name: String
    public var type: ValueType
    public var defaultValue: JSONValue?
    public var required: Bool
    public var description: String?

    public init(
        name: String, type: ValueType, defaultValue: JSONValue? = nil, required: Bool = true,
        description: String? = nil
    ) {
        self.name = name
        self.type = type
        self.defaultValue = defaultValue
        self.required = required
        self.description = description
    }
}

public struct ModelDefinition: Sendable {
    public typealias Provider = ModelProvider

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
    public var replies: [String: String] = [:]
    /// Variables that, when set at run time, give the model's name and base URL (crewAI's defaults).
    public var environment: ModelEnvironment?

    public init(name: String, provider: Provider, model: String) {
        self.name = name
        self.provider = provider
        self.model = model
    }
}

/// Environment variables a model's name and base URL come from at run time, the first one set winning over the
/// plan's `model` and `base_url`: how crewAI picks its default model (`MODEL`, then `MODEL_NAME`, ...).
public struct ModelEnvironment: Sendable, Hashable {
    public var model: [String]
    public var baseURL: [String]

    public init(model: [String] = [], baseURL: [String] = []) {
        self.model = model
        self.baseURL = baseURL
    }

    /// The first variable of `names` set to a non-empty value.
    public static func first(_ names: [String], in environment: [String: String]) -> (name: String, value: String)? {
        for name in names {
            if let value = environment[name], !value.isEmpty { return (name, value) }
        }
        return nil
    }
}

/// Where and how a crew's runs are traced, as its crew file says. Header values are references or plain text that
/// names no secret (the compiler refuses a literal credential), so the section holds no secret.
public struct TelemetryDefinition: Sendable {
    /// The OTLP base URL (`/v1/traces` is added), as `OTEL_EXPORTER_OTLP_ENDPOINT`; may use `${env:…}`.
    public var endpoint: Template?
    public var wire: OTLPProtocol?
    /// Sorted by name.
    public var headers: [(name: String, value: Template)] = []
    public var serviceName: String?
    public var sampler: TraceSampler?
    /// The share of traces a ratio sampler keeps, 0 to 1.
    public var samplerRatio: Double?
    /// Prompts, answers, tool arguments and results go into spans.
    public var captureContent: Bool?
    /// W3C `traceparent` goes to http tools and MCP servers over HTTP.
    public var propagate: Bool?

    public init() {}
}

/// Where a secret is read at run time; plan.json holds the reference (`${env:NAME}`, `${file:PATH}`), never a value.
public enum SecretSource: Sendable, Hashable, CustomStringConvertible {
    case env(String)
    case file(String)

    /// The name or path alone, as shown in messages.
    public var description: String {
        switch self {
        case .env(let name): return name
        case .file(let path): return path
        }
    }

    /// The reference as written in a crew file and in plan.json.
    public var reference: String {
        switch self {
        case .env(let name): return "${env:\(name)}"
        case .file(let path): return "${file:\(path)}"
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
    /// With `auto`, the top hits for the task are put in the prompt.
    public var knowledgeContext = KnowledgeContext.off
    /// Names of `tools` entries it may call.
    public var tools: [String] = []
    /// Agents it may ask for help through the `ask_agent` tool.
    public var delegateTo: [String] = []
    /// Model turns per task (each answer or round of tool calls is one).
    public var maxIterations = PlanDefaults.maxIterations
    public var onMaxIterations = OnMaxIterations.fail

    public init(name: String, role: Template, goal: Template, backstory: Template? = nil, model: String) {
        self.name = name
        self.role = role
        self.goal = goal
        self.backstory = backstory
        self.model = model
    }
}

/// A `tools` entry of the plan: the keys every type has, typed, and the type's own settings as written. Each tool
/// reads its own settings when a run sets it up (CrewTools, CrewMCPLink), so they stay JSON here.
public struct ToolEntry: Sendable {
    public var name: String
    public var type: ToolType
    public var description: String?
    /// Seconds one call may take.
    public var timeout: Double?
    public var maxResultChars: Int?
    /// The type's own keys (`allow`, `program`, `command`, ...), defaults already applied by the compiler.
    public var settings: [String: JSONValue]

    public init(
        name: String, type: ToolType, description: String? = nil, timeout: Double? = nil, maxResultChars: Int? = nil,
        settings: [String: JSONValue] = [:]
    ) {
        self.name = name
        self.type = type
        self.description = description
        self.timeout = timeout
        self.maxResultChars = maxResultChars
        self.settings = settings
    }

    /// The entry as plan.json writes it: the common keys and the settings in one object.
    public var config: JSONValue {
        var members = settings
        members["type"] = .string(type.rawValue)
        members["description"] = description.map(JSONValue.string)
        members["timeout"] = timeout.map(JSONValue.double)
        members["max_result_chars"] = maxResultChars.map(JSONValue.int)
        return .object(members)
    }

    /// The keys every type has, which `settings` never holds.
    static let commonKeys: Set<String> = ["type", "description", "timeout", "max_result_chars"]
}

/// An embedding endpoint, as recorded in the plan.
public struct EmbedderDefinition: Sendable {
    public var name: String
    public var provider: EmbedderProvider
    public var model: String
    public var baseURL: Template?
    public var apiKey: SecretSource?
    public var dimensions: Int?
    public var batchSize: Int?

    public init(name: String, provider: EmbedderProvider, model: String) {
        self.name = name
        self.provider = provider
        self.model = model
    }

    /// The dimensions in effect: as set, else the mock embedder's default; nil when the provider decides.
    public var effectiveDimensions: Int? {
        dimensions ?? (provider == .mock ? PlanDefaults.mockEmbedderDimensions : nil)
    }

    /// The embedding space (wire/model/dimensions) a knowledge base's vectors live in: a query must embed the same
    /// way. Written to plan.json; a plan whose recorded identity differs from this one is refused.
    public var identity: String {
        EmbedderIdentity.of(provider: provider.wire.rawValue, model: model, dimensions: effectiveDimensions)
    }
}

/// A compiled knowledge base: its sources (for rebuilding) and how its vectors are indexed.
public struct KnowledgeDefinition: Sendable {
    public var name: String
    public var description: String?
    /// The paths and globs as written.
    public var patterns: [String] = []
    /// The files they matched when the crew was compiled, relative to the crew's folder.
    public var files: [String] = []
    public var texts: [String] = []
    public var chunkSize = PlanDefaults.chunkSize
    public var chunkOverlap = PlanDefaults.chunkOverlap
    public var embedder: String?
    /// How the vectors are indexed; set exactly when `embedder` is.
    public var vectors: VectorSettings?

    public init(name: String) {
        self.name = name
    }

    public struct VectorSettings: Sendable, Equatable {
        public var index: VectorIndexKind
        /// IVF lists; nil lets the compiler pick √n.
        public var lists: Int?
        public var storage: VectorStorageKind

        public init(
            index: VectorIndexKind = PlanDefaults.vectorIndex, lists: Int? = nil,
            storage: VectorStorageKind = PlanDefaults.vectorStorage
        ) {
            self.index = index
            self.lists = lists
            self.storage = storage
        }
    }

    /// The index files, relative to the artifact folder.
    public var chunksFile: String { "indexes/\(name).chunks" }
    public var bm25File: String { "indexes/\(name).bm25" }
    public var vectorsFile: String? { embedder == nil ? nil : "indexes/\(name).vectors" }
}

public struct TaskDefinition: Sendable {
    public var name: String
    public var agent: String
    public var model: String
    public var description: Template
    public var expectedOutput: Template?
    public var context: [String] = []
    /// Tasks that take this one as context.
    public var dependents: [String] = []
    public var wave = 0
    /// The inputs its templates use, in order of first use.
    public var inputs: [String] = []
    /// The `output` section, when the task has one.
    public var output: OutputSettings?
    /// Seconds.
    public var timeout: Double?
    /// A person approves the output (or sends feedback for another attempt) before it is used.
    public var humanReview = false
    /// The task's own `cache:`; nil follows the run and `defaults.cache` (specs/cache.md).
    public var cache: Bool?

    public init(name: String, agent: String, model: String, description: Template) {
        self.name = name
        self.agent = agent
        self.model = model
        self.description = description
    }

    public var outputFile: String? { output?.file }
    public var outputSchema: JSONValue? { output?.schema }
    public var maxRepairs: Int? { output?.maxRepairs }

    public struct OutputSettings: Sendable {
        /// Relative to the output folder, normalized.
        public var file: String?
        /// The JSON Schema the output must match; the task then answers in JSON.
        public var schema: JSONValue?
        public var maxRepairs: Int?

        public init(file: String? = nil, schema: JSONValue? = nil, maxRepairs: Int? = nil) {
            self.file = file
            self.schema = schema
            self.maxRepairs = maxRepairs
        }
    }
}
