import CrewCore
import CrewDocuments

/// A whole crew as written: the typed model every later stage works from. Collections keep declaration order,
/// which is the planner's tie-breaker and the order of every output.
public struct Crew: Sendable {
    /// Where the crew came from: a native crew file or a crewAI project read as it is.
    public typealias Origin = CrewOrigin

    public var version: Int
    public var name: Located<String>
    public var description: String?
    public var origin: Origin
    public var inputs: [InputSpec] = []
    public var models: [ModelSpec] = []
    public var embedders: [EmbedderSpec] = []
    public var knowledge: [KnowledgeSpec] = []
    public var tools: [ToolSpec] = []
    public var agents: [AgentSpec] = []
    public var tasks: [TaskSpec] = []
    public var defaults = DefaultsSpec()
    /// `telemetry:`, as the plan records it.
    public var telemetry: TelemetryDefinition?
    /// Every file the crew was read from, relative to `root`, in the order read.
    public var files: [SourceFile] = []
    /// The crew's folder (absolute). Never written to an artifact.
    public var root: String
    /// The crew's folder as the user named it, the prefix of every path in diagnostics.
    public var displayRoot: String = "."

    public init(version: Int, name: Located<String>, origin: Origin, root: String) {
        self.version = version
        self.name = name
        self.origin = origin
        self.root = root
    }
}

/// A file that went into a build, with the hash of its bytes.
public struct SourceFile: Sendable, Hashable {
    /// Path relative to the crew's folder, with `/` separators.
    public var path: String
    public var sha256: String
    public var role: Role

    public enum Role: String, Sendable {
        case crew
        case knowledge
        case schema
    }

    public init(path: String, sha256: String, role: Role) {
        self.path = path
        self.sha256 = sha256
        self.role = role
    }
}

/// `defaults:` at the top of a crew.
public struct DefaultsSpec: Sendable {
    public var model: Located<String>?
    public var maxParallel: Located<Int>?
    /// Per-task timeout, in seconds.
    public var timeout: Located<Double>?
    /// Answer tasks from the task cache whenever that is sound (specs/cache.md).
    public var cache: Bool?

    public init() {}
}
