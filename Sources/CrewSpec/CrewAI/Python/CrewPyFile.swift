import CrewCore

/// What a crewAI project's crew.py says about its crew, read statically: every value keeps where it was written.
/// Method names are the names crewAI uses to link things (`agent:` in tasks.yaml names an `@agent` method).
struct CrewPyFile: Sendable {
    /// The path shown in diagnostics.
    var file: String
    var className: Located<String>
    /// `agents_config` / `tasks_config`, relative to crew.py's folder.
    var agentsConfig: Located<String>?
    var tasksConfig: Located<String>?
    /// `@agent` methods in definition order.
    var agents: [Agent] = []
    /// `@task` methods in definition order, which is crewAI's task order.
    var tasks: [Task] = []
    var crew: CrewCall?
    /// `@llm` methods by name.
    var llms: [String: LLMCall] = [:]
    /// `@tool` methods by name: what each returns.
    var toolMethods: [String: ToolUse] = [:]
    /// Pydantic models named by tasks, resolved to JSON Schemas.
    var models: [String: ModelSchema] = [:]

    struct Agent: Sendable, CrewPyMethod {
        var method: Located<String>
        /// The key of `agents_config[...]` the agent is made from.
        var configKey: Located<String>?
        /// `role=`, `goal=`, `backstory=` given in Python.
        var texts: [String: Located<String>] = [:]
        var tools: [ToolUse]?
        var llm: LLMReference?
        var allowDelegation: Located<Bool>?
        var maxIterations: Located<Int>?
        var location: SourceLocation
    }

    struct Task: Sendable, CrewPyMethod {
        var method: Located<String>
        var configKey: Located<String>?
        var texts: [String: Located<String>] = [:]
        /// The `@agent` method named by `agent=self.x()`.
        var agent: Located<String>?
        /// `@task` methods named by `context=[self.a(), ...]`.
        var context: [Located<String>]?
        var outputFile: Located<String>?
        var outputModel: OutputModel?
        var tools: [ToolUse]?
        var asyncExecution: Located<Bool>?
        var humanInput: Located<Bool>?
        var location: SourceLocation
    }

    struct OutputModel: Sendable {
        enum Kind: String, Sendable { case json = "output_json", pydantic = "output_pydantic" }
        var kind: Kind
        var className: Located<String>
    }

    enum Process: String, Sendable { case sequential, hierarchical }

    struct CrewCall: Sendable {
        /// `tasks=[self.a(), ...]` when the crew lists them; nil for `self.tasks` (every `@task`).
        var tasks: [Located<String>]?
        var agents: [Located<String>]?
        var process: Located<Process>?
        var managerLLM: LLMReference?
        var managerAgent: Located<String>?
        /// `manager_agent=Agent(...)` built in the `@crew` method itself.
        var inlineManager: Agent?
        var location: SourceLocation
    }

    /// Which LLM an agent uses, as written in Python.
    enum LLMReference: Sendable {
        /// `llm="openai/gpt-4o"`.
        case model(Located<String>)
        /// `llm=self.my_llm()`: an `@llm` method.
        case method(Located<String>)
        /// `llm=LLM(model=..., ...)`, inline or through a module-level variable.
        case call(LLMCall)
    }

    struct LLMCall: Sendable {
        var model: Located<String>?
        var baseURL: Located<String>?
        var temperature: Located<Double>?
        var maxTokens: Located<Int>?
        /// `api_key=os.environ["NAME"]` / `os.getenv("NAME")`: the variable it reads.
        var apiKeyVariable: Located<String>?
        var location: SourceLocation
    }

    /// A tool as written in a `tools=[...]` list or returned by a `@tool` method.
    struct ToolUse: Sendable {
        /// The class or function as named in crew.py.
        var name: Located<String>
        /// The module it is imported from, when crew.py imports it (as written: relative imports keep their dots).
        var module: String?
        /// The dotted path inside `module` (`SearchTools.search_internet`), or inside crew.py when not imported.
        var attribute: String = ""
        /// Whether it is called (`SerperDevTool()`), as classes are; `@tool` functions are listed bare.
        var isInstance: Bool
        /// Literal keyword arguments, e.g. `file_path="notes.txt"`.
        var arguments: [String: Located<PyLiteral>] = [:]
        /// Positional literal arguments.
        var positional: [Located<PyLiteral>] = []
    }

    struct ModelSchema: Sendable {
        var schema: JSONValue
        var location: SourceLocation
    }
}

/// A literal value read from Python.
enum PyLiteral: Sendable, Equatable {
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)
    case none

    var string: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    var json: JSONValue {
        switch self {
        case .string(let value): return .string(value)
        case .int(let value): return .int(value)
        case .double(let value): return .double(value)
        case .bool(let value): return .bool(value)
        case .none: return .null
        }
    }
}

/// A decorated method of the crew class.
protocol CrewPyMethod {
    var method: Located<String> { get }
}
