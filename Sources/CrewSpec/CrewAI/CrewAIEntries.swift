import CrewCore
import CrewDocuments

/// The entries of agents.yaml and tasks.yaml as crewAI reads them: every key crewAI has is read, and every other
/// key is kept aside for one grouped warning per file (crewAI drops unknown keys without a word). Nothing here
/// decides membership or links: crew.py may still add, reorder or override (see `CrewAIAssembly`).
struct CrewAIEntries {
    struct Agent {
        var name: Located<String>
        var node: YAMLNode
        var role: Template?
        var goal: Template?
        var backstory: Template?
        var llm: Located<String>?
        var tools: [Located<String>] = []
        var maxIterations: Located<Int>?
        var allowDelegation: Located<Bool>?
    }

    struct Task {
        var name: Located<String>
        var node: YAMLNode
        var description: Template?
        var expectedOutput: Template?
        var agent: Located<String>?
        var context: [Located<String>]?
        var asyncExecution: Located<Bool>?
        var humanInput: Located<Bool>?
        var outputFile: Located<String>?
        var outputModel: (kind: String, name: Located<String>)?
        var tools: [Located<String>] = []
    }

    static let agentKeys = ["role", "goal", "backstory", "llm", "tools", "max_iter", "allow_delegation"]
    static let taskKeys = [
        "description", "expected_output", "agent", "context", "async_execution", "output_file", "human_input",
        "tools", "output_json", "output_pydantic",
    ]
    /// Keys (in the YAML) and keyword arguments (in crew.py) that only change logging or bookkeeping, so dropping
    /// them changes nothing a run produces: read without a warning.
    static let silentKeys: Set<String> = ["verbose", "name", "create_directory", "config", "tracing"]
    /// The other fields of crewAI 1.15.30's `Agent` and `Task` (specs/crewai.md): settings crewAI acts on and crew
    /// does not. Any other key is one crewAI itself drops.
    static let crewAIAgentFields: Set<String> = [
        "cache", "max_rpm", "tool_failure_policy", "cache_handler", "max_tokens", "knowledge", "knowledge_sources",
        "knowledge_storage", "security_config", "checkpoint", "callbacks", "knowledge_config", "apps", "mcps",
        "memory", "skills", "max_execution_time", "step_callback", "use_system_prompt", "function_calling_llm",
        "system_template", "prompt_template", "response_template", "allow_code_execution", "code_execution_mode",
        "respect_context_window", "use_better_compaction", "max_retry_limit", "multimodal", "inject_date",
        "date_format", "planning_config", "planning", "reasoning", "max_reasoning_attempts", "embedder",
        "agent_knowledge_context", "crew_knowledge_context", "knowledge_search_query", "from_repository", "guardrail",
        "guardrail_max_retries", "a2a", "executor_class",
    ]
    static let crewAITaskFields: Set<String> = [
        "callback", "response_model", "input_files", "security_config", "markdown", "converter_cls", "guardrail",
        "guardrails", "max_retries", "guardrail_max_retries", "tool_failure_policy", "allow_crewai_trigger_context",
    ]

    let decoder: NodeDecoder
    /// Keys read and dropped, per file: key → the entries that have it, and where it first appears.
    private(set) var ignored: [String: [IgnoredKey]] = [:]

    struct IgnoredKey {
        var key: String
        var entries: [String]
        var first: SourceLocation
        /// crewAI acts on it (crew has no equivalent); otherwise crewAI drops it too.
        var meaningful: Bool
    }

    init(decoder: NodeDecoder) {
        self.decoder = decoder
    }

    mutating func agents(_ node: YAMLNode, file: String) -> [Agent] {
        guard let pairs = decoder.mapping(node, file), !isWrapped(pairs, under: "agents", file: file) else { return [] }
        var agents: [Agent] = []
        for pair in pairs {
            guard let name = decoder.name(pair.key, in: file) else { continue }
            let what = "crewAI agent `\(name.value)`"
            guard
                let fields = readFields(
                    pair.value, what, entry: name.value, known: Self.agentKeys, fields: Self.crewAIAgentFields,
                    file: file)
            else { continue }
            var agent = Agent(name: name, node: pair.value)
            agent.role = decoder.template(fields["role"], "the `role` of \(what)", inputs: true)?.trimmed
            agent.goal = decoder.template(fields["goal"], "the `goal` of \(what)", inputs: true)?.trimmed
            agent.backstory = decoder.template(fields["backstory"], "the `backstory` of \(what)", inputs: true)?.trimmed
            agent.llm = decoder.string(fields["llm"], "the `llm` of \(what)")
            agent.tools = decoder.stringList(fields["tools"], "the `tools` of \(what)")
            agent.maxIterations = decoder.int(fields["max_iter"], "`max_iter`", min: 1, max: 1000)
            if let flag = decoder.bool(fields["allow_delegation"], "`allow_delegation`") {
                agent.allowDelegation = Located(flag, at: fields.keyLocation("allow_delegation"))
            }
            agents.append(agent)
        }
        return agents
    }

    mutating func tasks(_ node: YAMLNode, file: String) -> [Task] {
        guard let pairs = decoder.mapping(node, file), !isWrapped(pairs, under: "tasks", file: file) else { return [] }
        var tasks: [Task] = []
        for pair in pairs {
            guard let name = decoder.name(pair.key, in: file) else { continue }
            let what = "crewAI task `\(name.value)`"
            guard
                let fields = readFields(
                    pair.value, what, entry: name.value, known: Self.taskKeys, fields: Self.crewAITaskFields, file: file
                )
            else { continue }
            var task = Task(name: name, node: pair.value)
            task.description =
                decoder.template(fields["description"], "the `description` of \(what)", inputs: true)?
                .trimmed
            task.expectedOutput =
                decoder.template(fields["expected_output"], "`expected_output`", inputs: true)?
                .trimmed
            task.agent = decoder.string(fields["agent"], "the `agent` of \(what)")
            if fields.contains("context") {
                task.context = decoder.stringList(fields["context"], "the `context` of \(what)")
            }
            if let flag = decoder.bool(fields["async_execution"], "`async_execution`") {
                task.asyncExecution = Located(flag, at: fields.keyLocation("async_execution"))
            }
            if let flag = decoder.bool(fields["human_input"], "`human_input`") {
                task.humanInput = Located(flag, at: fields.keyLocation("human_input"))
            }
            task.outputFile = decoder.string(fields["output_file"], "`output_file`")
            for key in ["output_json", "output_pydantic"] {
                if let model = decoder.string(fields[key], "`\(key)`") { task.outputModel = (key, model) }
            }
            task.tools = decoder.stringList(fields["tools"], "the `tools` of \(what)")
            tasks.append(task)
        }
        return tasks
    }

    /// A file whose only key is `agents:` (or `tasks:`) holding the entries: crewAI would read `agents` as one
    /// agent, so the project fails there too. Named once, instead of an error for every key below it.
    private func isWrapped(_ pairs: [YAMLPair], under key: String, file: String) -> Bool {
        guard pairs.count == 1, pairs[0].keyText == key, let inner = pairs[0].value.pairs, !inner.isEmpty,
            inner.allSatisfy({ $0.value.pairs != nil })
        else { return false }
        decoder.error(
            .e303, "\(file) wraps its \(key) under a top-level `\(key):` key", at: pairs[0].key.location,
            hint:
                "remove the `\(key):` line and unindent the rest: crewAI reads each top-level key as one \(key == "agents" ? "agent" : "task")"
        )
        return true
    }

    /// The entry's fields crewAI reads; every other key is remembered for the file's summary.
    private mutating func readFields(
        _ node: YAMLNode, _ what: String, entry: String, known: [String], fields: Set<String>, file: String
    ) -> NodeDecoder.Fields? {
        guard let pairs = decoder.mapping(node, what) else { return nil }
        var keys = known
        for pair in pairs {
            guard let key = pair.key.scalar, !known.contains(key) else { continue }
            keys.append(key)
            guard !Self.silentKeys.contains(key) else { continue }
            var list = ignored[file, default: []]
            if let index = list.firstIndex(where: { $0.key == key }) {
                list[index].entries.append(entry)
            } else {
                list.append(
                    IgnoredKey(key: key, entries: [entry], first: pair.key.location, meaningful: fields.contains(key)))
            }
            ignored[file] = list
        }
        return decoder.fields(node, what, known: keys)
    }

    /// One warning per file naming every dropped key and how many entries use it.
    func ignoredSummaries() -> [Diagnostic] {
        ignored.keys.sorted().flatMap { file -> [Diagnostic] in
            let list = ignored[file] ?? []
            var out: [Diagnostic] = []
            let meaningful = list.filter(\.meaningful)
            if let first = meaningful.map(\.first).min() {
                out.append(
                    .warning(
                        .w406,
                        "crew has no equivalent for these crewAI settings of \(file): \(Self.describe(meaningful))",
                        at: first, hint: "the run goes on without them; specs/crewai.md lists what each one did"))
            }
            let unknown = list.filter { !$0.meaningful }
            if let first = unknown.map(\.first).min() {
                out.append(
                    .warning(
                        .w406, "crewAI ignores these keys of \(file), and so does crew: \(Self.describe(unknown))",
                        at: first, hint: "they have no effect in crewAI either; remove them to silence this"))
            }
            return out
        }
    }

    private static func describe(_ keys: [IgnoredKey]) -> String {
        keys.map { item in
            item.entries.count == 1
                ? "`\(item.key)` (\(item.entries[0]))" : "`\(item.key)` (\(item.entries.count) entries)"
        }.joined(separator: ", ")
    }
}

extension NodeDecoder.Fields {
    func contains(_ key: String) -> Bool { self[key] != nil }
}
