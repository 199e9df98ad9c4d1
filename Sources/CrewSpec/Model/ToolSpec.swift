import CrewCore
import CrewDocuments

/// A tool an agent may call. The settings depend on the tool's type; each type's keys are validated separately.
public struct ToolSpec: Sendable {
    public typealias Kind = ToolType

    public var name: Located<String>
    public var kind: Located<Kind>
    public var description: String?
    public var timeout: Located<Double>?
    public var maxResultChars: Located<Int>?
    public var settings: Settings
    public var location: SourceLocation

    public init(name: Located<String>, kind: Located<Kind>, settings: Settings, location: SourceLocation) {
        self.name = name
        self.kind = kind
        self.settings = settings
        self.location = location
    }

    public enum Settings: Sendable {
        case knowledge(Knowledge)
        case http(HTTP)
        case file(File)
        case command(Command)
        case mcp(MCP)
    }

    public struct Knowledge: Sendable {
        public var knowledge: Located<String>?
        public var topK: Located<Int>?
        public var mode: Located<String>?
        public init() {}
    }

    public struct HTTP: Sendable {
        /// URL patterns; `*` matches any run of characters within a host or path segment.
        public var allow: [Located<String>] = []
        public var methods: [Located<String>] = []
        public var headers: [(name: Located<String>, value: Template)] = []
        public var maxResponseBytes: Located<Int>?
        public init() {}
    }

    public struct File: Sendable {
        public var root: Located<String>?
        public var write = false
        public init() {}
    }

    public struct Command: Sendable {
        public var program: Located<String>?
        public var args: [Template] = []
        /// Variables the program gets besides PATH, HOME, LANG and TMPDIR; nothing else of crew's environment.
        public var env: [(name: Located<String>, value: Template)] = []
        public var inputSchema: JSONValue?
        public init() {}
    }

    public struct MCP: Sendable {
        public var command: Located<String>?
        public var args: [Template] = []
        public var env: [(name: Located<String>, value: Template)] = []
        public var url: Template?
        public var headers: [(name: Located<String>, value: Template)] = []
        public var include: [Located<String>] = []
        public var exclude: [Located<String>] = []
        /// Set instead of `command`/`url` for a crewAI project's own Python tools, run by crew's bridge.
        public var crewAIBridge: CrewAIBridge?
        public init() {}
    }

    /// A crewAI project's Python tools, served over MCP by crew's bridge in the project's own interpreter.
    public struct CrewAIBridge: Sendable {
        public var python: Located<String>
        /// `module:attribute` or `module:Class:{json keyword arguments}`, as the bridge takes them.
        public var tools: [String]
        public init(python: Located<String>, tools: [String]) {
            self.python = python
            self.tools = tools
        }
    }
}
