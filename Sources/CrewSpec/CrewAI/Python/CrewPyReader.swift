import CrewCore

/// Reads a parsed crew.py into a `CrewPyFile`. It follows the idioms of crewAI's project decorators (`@CrewBase`,
/// `@agent`, `@task`, `@crew`, `@llm`, `@tool`) and the constructors they return, resolving names through the
/// module's imports and simple assignments. Nothing is executed; whatever is computed at run time is a located
/// warning naming what was skipped.
struct CrewPyReader {
    let file: String
    private(set) var warnings: [Diagnostic] = []
    /// Local name → (module, imported name).
    private var imports: [String: (module: String, name: String)] = [:]
    /// Module-level `name = value` assignments.
    private var moduleValues: [String: PyNode] = [:]
    /// Class-level `name = value` assignments of the crew class, read as `self.name`.
    private var classValues: [String: PyNode] = [:]
    /// Classes defined in crew.py itself, for Pydantic models.
    private(set) var classes: [String: PyClass] = [:]

    init(file: String) {
        self.file = file
    }

    static let agentKeywords: Set<String> = [
        "config", "role", "goal", "backstory", "tools", "llm", "allow_delegation", "max_iter",
    ]
    static let taskKeywords: Set<String> = [
        "config", "description", "expected_output", "agent", "context", "output_file", "output_json",
        "output_pydantic", "tools", "async_execution", "human_input",
    ]
    static let crewKeywords: Set<String> = ["agents", "tasks", "process", "manager_llm", "manager_agent"]

    /// The module's imports, for resolving names in other files too.
    var importTable: [String: (module: String, name: String)] { imports }

    mutating func read(_ statements: [PyStatement]) -> CrewPyFile? {
        var crewBase: PyClass?
        var others: [PyClass] = []
        for statement in statements {
            switch statement {
            case .importFrom(let from):
                for (name, alias) in from.names where name != "*" {
                    imports[alias ?? name] = (String(repeating: ".", count: from.level) + from.module, name)
                }
            case .importModule(let modules, _):
                for (module, alias) in modules {
                    let local = alias ?? String(module.split(separator: ".").first ?? "")
                    imports[local] = (alias == nil ? local : module, "")
                }
            case .assign(let targets, let value):
                for target in targets { if case .name(let name) = target.expr { moduleValues[name] = value } }
            case .classDef(let type):
                classes[type.name] = type
                if type.decorators.contains(where: { decoratorName($0) == "CrewBase" }) {
                    if crewBase == nil { crewBase = type } else { others.append(type) }
                }
            default: break
            }
        }
        guard let crewBase else { return nil }
        for other in others {
            warnings.append(
                .warning(
                    .w408, "crew.py defines more than one `@CrewBase` class; crew reads the first, `\(crewBase.name)`",
                    at: other.location, hint: "keep one crew per project folder, as `crewai run` does"))
        }
        return readClass(crewBase)
    }

    private func decoratorName(_ node: PyNode) -> String? {
        var target = node
        if case .call(let call) = node.expr { target = call.callee }
        return target.dottedName.map { String($0.split(separator: ".").last ?? "") }
    }

    private mutating func readClass(_ type: PyClass) -> CrewPyFile {
        var result = CrewPyFile(file: file, className: Located(type.name, at: type.location))
        for statement in type.body {
            switch statement {
            case .assign(let targets, let value):
                for target in targets {
                    if case .name(let name) = target.expr { classValues[name] = value }
                    guard case .name(let name) = target.expr, name == "agents_config" || name == "tasks_config"
                    else { continue }
                    guard let path = literalString(value, what: "`\(name)`") else { continue }
                    if name == "agents_config" { result.agentsConfig = path } else { result.tasksConfig = path }
                }
            case .functionDef(let function):
                readMethod(function, into: &result)
            case .compound(let keyword, let location, _):
                skipped("a class-level `\(keyword)` block", at: location)
            default: break
            }
        }
        return result
    }

    private mutating func readMethod(_ function: PyFunction, into result: inout CrewPyFile) {
        let kinds = function.decorators.compactMap(decoratorName)
        let method = Located(function.name, at: function.location)
        for kind in kinds {
            switch kind {
            case "agent":
                if let call = returnedCall(function, "Agent") { Self.define(agent(method, call), in: &result.agents) }
            case "task":
                if let call = returnedCall(function, "Task") { Self.define(task(method, call), in: &result.tasks) }
            case "crew":
                if let call = returnedCall(function, "Crew") { result.crew = crew(call, at: function.location) }
            case "llm":
                if let call = returnedCall(function, "LLM") { result.llms[function.name] = llmCall(call) }
            case "tool":
                if let node = returnedValue(function), let use = toolUse(node, locals: locals(function)) {
                    result.toolMethods[function.name] = use
                }
            case "before_kickoff", "after_kickoff":
                warnings.append(
                    .warning(
                        .w406,
                        "`@\(kind)` method `\(function.name)` runs Python \(kind == "before_kickoff" ? "before" : "after") the crew, which `crew` does not run",
                        at: function.location,
                        hint: kind == "before_kickoff"
                            ? "pass what it computes as `--input name=value`" : "post-process the run's output files"))
            default: break
            }
        }
    }

    /// A method defined again replaces the first one where it stood, as in a Python class body.
    private static func define<T: CrewPyMethod>(_ value: T, in list: inout [T]) {
        if let index = list.firstIndex(where: { $0.method.value == value.method.value }) {
            list[index] = value
        } else {
            list.append(value)
        }
    }

    // MARK: Method bodies

    /// Simple assignments in a method's top-level body, so `agent = Agent(...); return agent` reads.
    private func locals(_ function: PyFunction) -> [String: PyNode] {
        var values: [String: PyNode] = [:]
        for statement in function.body {
            if case .assign(let targets, let value) = statement {
                for target in targets { if case .name(let name) = target.expr { values[name] = value } }
            }
        }
        return values
    }

    private mutating func returnedValue(_ function: PyFunction) -> PyNode? {
        var value: PyNode?
        for statement in function.body {
            switch statement {
            case .returns(let node, _): value = node
            case .compound(let keyword, let location, let body) where Self.containsReturn(body):
                skipped("a `return` inside `\(keyword)` in `\(function.name)`", at: location)
                return nil
            default: break
            }
        }
        guard let value else {
            skipped("`\(function.name)` returns nothing crew can read", at: function.location)
            return nil
        }
        return resolve(value, locals(function))
    }

    private static func containsReturn(_ body: [PyStatement]) -> Bool {
        body.contains { statement in
            switch statement {
            case .returns: return true
            case .compound(_, _, let inner): return containsReturn(inner)
            default: return false
            }
        }
    }

    private mutating func returnedCall(_ function: PyFunction, _ constructor: String) -> (PyCall, [String: PyNode])? {
        guard let node = returnedValue(function) else { return nil }
        guard case .call(let call) = node.expr, let callee = call.callee.dottedName,
            callee == constructor || callee.hasSuffix("." + constructor)
        else {
            skipped("`\(function.name)` does not return `\(constructor)(...)`", at: node.location)
            return nil
        }
        if call.hasSpread {
            skipped("`**` arguments of `\(constructor)(...)` in `\(function.name)`", at: node.location)
        }
        return (call, locals(function))
    }

    /// Follows a name to the value assigned to it in the method or the module (a few steps at most).
    private func resolve(_ node: PyNode, _ locals: [String: PyNode]) -> PyNode {
        var current = node
        for _ in 0..<8 {
            switch current.expr {
            case .name(let name):
                guard let value = locals[name] ?? moduleValues[name] else { return current }
                current = value
            case .attribute(let base, let name):
                guard case .name("self") = base.expr, let value = classValues[name] else { return current }
                current = value
            default:
                return current
            }
        }
        return current
    }

    // MARK: Constructors

    private mutating func agent(_ method: Located<String>, _ input: (PyCall, [String: PyNode])) -> CrewPyFile.Agent {
        let (call, locals) = input
        var agent = CrewPyFile.Agent(method: method, location: method.location)
        for keyword in call.keywords {
            let value = resolve(keyword.value, locals)
            switch keyword.name {
            case "config": agent.configKey = configKey(value, "agents_config")
            case "role", "goal", "backstory":
                if let text = literalString(value, what: "`\(keyword.name)` of agent `\(method.value)`") {
                    agent.texts[keyword.name] = text
                }
            case "tools": agent.tools = tools(value, locals, owner: "agent `\(method.value)`")
            case "llm": agent.llm = llmReference(value, locals)
            case "allow_delegation": agent.allowDelegation = literalBool(value, what: "`allow_delegation`")
            case "max_iter": agent.maxIterations = literalInt(value, what: "`max_iter`")
            default: ignored(keyword, of: "Agent(...)")
            }
        }
        return agent
    }

    private mutating func task(_ method: Located<String>, _ input: (PyCall, [String: PyNode])) -> CrewPyFile.Task {
        let (call, locals) = input
        var task = CrewPyFile.Task(method: method, location: method.location)
        for keyword in call.keywords {
            let value = resolve(keyword.value, locals)
            let what = "`\(keyword.name)` of task `\(method.value)`"
            switch keyword.name {
            case "config": task.configKey = configKey(value, "tasks_config")
            case "description", "expected_output":
                if let text = literalString(value, what: what) { task.texts[keyword.name] = text }
            case "agent": task.agent = methodCall(value, what: what)
            case "context": task.context = methodList(value, locals, what: what)
            case "output_file": task.outputFile = literalString(value, what: what)
            case "output_json", "output_pydantic":
                if let name = value.dottedName {
                    task.outputModel = CrewPyFile.OutputModel(
                        kind: keyword.name == "output_json" ? .json : .pydantic,
                        className: Located(name, at: value.location))
                } else {
                    skipped(what + " is not a class name", at: value.location)
                }
            case "tools": task.tools = tools(value, locals, owner: "task `\(method.value)`")
            case "async_execution": task.asyncExecution = literalBool(value, what: what)
            case "human_input": task.humanInput = literalBool(value, what: what)
            default: ignored(keyword, of: "Task(...)")
            }
        }
        return task
    }

    private mutating func crew(_ input: (PyCall, [String: PyNode]), at location: SourceLocation) -> CrewPyFile.CrewCall
    {
        let (call, locals) = input
        var crew = CrewPyFile.CrewCall(location: location)
        for keyword in call.keywords {
            let value = resolve(keyword.value, locals)
            let what = "`\(keyword.name)` of the crew"
            switch keyword.name {
            case "agents", "tasks":
                if value.dottedName == "self.\(keyword.name)" { continue }
                let listed = methodList(value, locals, what: what)
                if keyword.name == "agents" { crew.agents = listed } else { crew.tasks = listed }
            case "process":
                let name = value.dottedName.map { String($0.split(separator: ".").last ?? "") }
                if let name, let process = CrewPyFile.Process(rawValue: name) {
                    crew.process = Located(process, at: value.location)
                } else {
                    skipped(what + " is not `Process.sequential` or `Process.hierarchical`", at: value.location)
                }
            case "manager_llm": crew.managerLLM = llmReference(value, locals)
            case "manager_agent":
                if case .call(let inner) = value.expr, inner.callee.dottedName?.hasSuffix("Agent") == true {
                    crew.inlineManager = agent(Located("manager", at: value.location), (inner, locals))
                } else {
                    crew.managerAgent = methodCall(value, what: what)
                }
            default: ignored(keyword, of: "Crew(...)")
            }
        }
        return crew
    }

    private mutating func llmReference(_ node: PyNode, _ locals: [String: PyNode]) -> CrewPyFile.LLMReference? {
        let value = resolve(node, locals)
        if let text = value.stringValue { return .model(Located(text, at: value.location)) }
        if let method = selfMethod(value) { return .method(method) }
        if case .call(let call) = value.expr, let callee = call.callee.dottedName {
            if callee == "LLM" || callee.hasSuffix(".LLM") || callee == "ChatOpenAI" {
                return .call(llmCall((call, locals)))
            }
        }
        skipped("an `llm` computed in Python", at: value.location)
        return nil
    }

    private mutating func llmCall(_ input: (PyCall, [String: PyNode])) -> CrewPyFile.LLMCall {
        let (call, locals) = input
        var llm = CrewPyFile.LLMCall(location: call.callee.location)
        if let first = call.arguments.first {
            llm.model = literalString(resolve(first, locals), what: "the model of `LLM(...)`")
        }
        for keyword in call.keywords {
            let value = resolve(keyword.value, locals)
            switch keyword.name {
            case "model", "model_name": llm.model = literalString(value, what: "`\(keyword.name)` of `LLM(...)`")
            case "base_url", "api_base", "openai_api_base":
                llm.baseURL = literalString(value, what: "`\(keyword.name)` of `LLM(...)`")
            case "temperature":
                if let literal = literal(value) {
                    switch literal.value {
                    case .double(let number): llm.temperature = Located(number, at: literal.location)
                    case .int(let number): llm.temperature = Located(Double(number), at: literal.location)
                    default: skipped("`temperature` of `LLM(...)` is not a number", at: value.location)
                    }
                } else {
                    skipped("`temperature` of `LLM(...)` is computed", at: value.location)
                }
            case "max_tokens": llm.maxTokens = literalInt(value, what: "`max_tokens` of `LLM(...)`")
            case "api_key":
                if let variable = environmentVariable(value) {
                    llm.apiKeyVariable = variable
                } else {
                    warnings.append(
                        .warning(
                            .w408, "the `api_key` of `LLM(...)` is not read from an environment variable",
                            at: value.location, hint: "read it with os.environ[\"NAME\"]; crew never stores a key"))
                }
            default: ignored(keyword, of: "LLM(...)")
            }
        }
        return llm
    }

    /// `os.environ["X"]`, `os.environ.get("X")` or `os.getenv("X")`: the variable's name.
    private func environmentVariable(_ node: PyNode) -> Located<String>? {
        switch node.expr {
        case .index(let base, let keys) where base.dottedName == "os.environ" && keys.count == 1:
            return keys[0].stringValue.map { Located($0, at: keys[0].location) }
        case .call(let call) where ["os.getenv", "os.environ.get", "getenv"].contains(call.callee.dottedName ?? ""):
            return call.arguments.first.flatMap { arg in arg.stringValue.map { Located($0, at: arg.location) } }
        default: return nil
        }
    }

    // MARK: Tools

    private mutating func tools(_ node: PyNode, _ locals: [String: PyNode], owner: String) -> [CrewPyFile.ToolUse] {
        guard case .list(let items) = node.expr else {
            skipped("the `tools` of \(owner) are computed", at: node.location)
            return []
        }
        return items.compactMap { toolUse($0, locals: locals) }
    }

    mutating func toolUse(_ node: PyNode, locals: [String: PyNode]) -> CrewPyFile.ToolUse? {
        let value = resolve(node, locals)
        if let method = selfMethod(value) {
            return CrewPyFile.ToolUse(name: method, module: "self", isInstance: true)
        }
        switch value.expr {
        case .call(let call):
            guard let callee = call.callee.dottedName else { break }
            var use = reference(callee, at: value.location, isInstance: true)
            for argument in call.arguments {
                if let literal = literal(resolve(argument, locals)) {
                    use.positional.append(literal)
                } else {
                    skipped("an argument of `\(callee)(...)` is computed", at: argument.location)
                }
            }
            for keyword in call.keywords {
                if let literal = literal(resolve(keyword.value, locals)) {
                    use.arguments[keyword.name] = literal
                } else {
                    skipped("`\(keyword.name)` of `\(callee)(...)` is computed", at: keyword.value.location)
                }
            }
            return use
        case .name, .attribute:
            if let name = value.dottedName { return reference(name, at: value.location, isInstance: false) }
        default: break
        }
        skipped("a tool computed in Python", at: value.location)
        return nil
    }

    /// A dotted name as the module it comes from and the path inside it: `from a.b import C` makes `C.d` module
    /// `a.b`, attribute `C.d`; `import a.b` makes `a.b.C` module `a.b`, attribute `C`; a name crew.py defines itself
    /// has no module.
    private func reference(_ dotted: String, at location: SourceLocation, isInstance: Bool) -> CrewPyFile.ToolUse {
        let parts = dotted.split(separator: ".").map(String.init)
        var use = CrewPyFile.ToolUse(
            name: Located(parts.last ?? dotted, at: location), module: nil, isInstance: isInstance)
        use.attribute = dotted
        guard let imported = imports[parts[0]] else { return use }
        if imported.name.isEmpty {
            // `import a.b as c`: `c` is module `a.b`; `import a.b`: `a` is the package and `a.b.C` reads through it.
            let base = parts[0] == imported.module ? [parts[0]] : [imported.module]
            use.module = (base + parts.dropFirst().dropLast()).joined(separator: ".")
            use.attribute = parts.count > 1 ? parts[parts.count - 1] : dotted
        } else {
            use.module = imported.module
            use.attribute = ([imported.name] + parts.dropFirst()).joined(separator: ".")
        }
        return use
    }

    // MARK: Values

    private func selfMethod(_ node: PyNode) -> Located<String>? {
        guard case .call(let call) = node.expr, call.arguments.isEmpty, call.keywords.isEmpty,
            case .attribute(let base, let name) = call.callee.expr, case .name("self") = base.expr
        else { return nil }
        return Located(name, at: node.location)
    }

    private mutating func methodCall(_ node: PyNode, what: String) -> Located<String>? {
        if let method = selfMethod(node) { return method }
        skipped(what + " is not `self.<method>()`", at: node.location)
        return nil
    }

    private mutating func methodList(_ node: PyNode, _ locals: [String: PyNode], what: String) -> [Located<String>]? {
        guard case .list(let items) = node.expr else {
            skipped(what + " is computed", at: node.location)
            return nil
        }
        var names: [Located<String>] = []
        for item in items {
            if let method = selfMethod(resolve(item, locals)) {
                names.append(method)
            } else {
                skipped("an entry of " + what + " is not `self.<method>()`", at: item.location)
            }
        }
        return names
    }

    private mutating func configKey(_ node: PyNode, _ table: String) -> Located<String>? {
        if case .index(let base, let keys) = node.expr, base.dottedName == "self.\(table)", keys.count == 1,
            let key = keys[0].stringValue
        {
            return Located(key, at: keys[0].location)
        }
        skipped("a `config` that is not `self.\(table)['name']`", at: node.location)
        return nil
    }

    private func literal(_ node: PyNode) -> Located<PyLiteral>? {
        switch node.expr {
        case .string(let text, false): return Located(.string(text), at: node.location)
        case .number(let text):
            let digits = text.filter { $0 != "_" }
            if let value = Int(digits) { return Located(.int(value), at: node.location) }
            if let value = Double(digits) { return Located(.double(value), at: node.location) }
            return nil
        case .constant("True"): return Located(.bool(true), at: node.location)
        case .constant("False"): return Located(.bool(false), at: node.location)
        case .constant("None"): return Located(.none, at: node.location)
        case .unary("-", let inner):
            switch literal(inner)?.value {
            case .int(let value): return Located(.int(-value), at: node.location)
            case .double(let value): return Located(.double(-value), at: node.location)
            default: return nil
            }
        default: return nil
        }
    }

    private mutating func literalString(_ node: PyNode, what: String) -> Located<String>? {
        if let text = node.stringValue { return Located(text, at: node.location) }
        skipped(what + (isFormatted(node) ? " is an f-string" : " is computed"), at: node.location)
        return nil
    }

    private func isFormatted(_ node: PyNode) -> Bool {
        if case .string(_, true) = node.expr { return true }
        return false
    }

    private mutating func literalBool(_ node: PyNode, what: String) -> Located<Bool>? {
        if case .bool(let value)? = literal(node)?.value { return Located(value, at: node.location) }
        skipped(what + " is not `True` or `False`", at: node.location)
        return nil
    }

    private mutating func literalInt(_ node: PyNode, what: String) -> Located<Int>? {
        if case .int(let value)? = literal(node)?.value { return Located(value, at: node.location) }
        skipped(what + " is not an integer", at: node.location)
        return nil
    }

    private mutating func ignored(_ keyword: PyKeyword, of constructor: String) {
        guard !CrewAIEntries.silentKeys.contains(keyword.name) else { return }
        warnings.append(
            .warning(
                .w406, "crewAI setting `\(keyword.name)` of `\(constructor)` has no equivalent and is ignored",
                at: keyword.location, hint: "the run goes on without it; specs/crewai.md lists what crew maps"))
    }

    private mutating func skipped(_ what: String, at location: SourceLocation) {
        warnings.append(
            .warning(
                .w408, "\(what): crew reads crew.py without running it, so this is skipped", at: location,
                hint: "write the value as a literal in crew.py or in the YAML files"))
    }
}
