import CrewCore
import CrewDocuments
import CrewProviders
import CrewRuntime

extension PlanDiff {
    /// Compares two sides, rendering prompts with `inputs` over each side's input defaults.
    public static func compare(_ old: DiffSide, _ new: DiffSide, inputs: [String: String] = [:]) -> PlanDiff {
        let comparison = Comparison(old: Side(old, inputs: inputs), new: Side(new, inputs: inputs))
        var diff = PlanDiff(old: old.label, new: new.label)
        diff.entries = comparison.entries()
        (diff.edgesAdded, diff.edgesRemoved) = comparison.edges()
        diff.tasks = comparison.tasks()
        for task in diff.tasks { if let estimate = task.estimate { diff.total.add(estimate) } }
        return diff
    }
}

/// One side as the comparison reads it: its plan as plan.json writes it, and its knowledge bases' signatures.
struct Side {
    let document: PlanDocument
    let json: JSONValue
    let inputs: [String: String]
    let knowledge: [String: String]
    let inputHashes: [String: String]

    init(_ side: DiffSide, inputs given: [String: String]) {
        document = side.document
        inputHashes = side.inputHashes
        json = side.document.json
        var values: [String: String] = [:]
        for input in side.document.inputs {
            if let value = input.defaultValue { values[input.name] = value.stringValue ?? value.serialized() }
        }
        inputs = values.merging(given) { $1 }
        var knowledge: [String: String] = [:]
        for (name, base) in side.document.json["knowledge"]?.objectValue ?? [:] {
            let files = side.document.knowledge[name]?.files ?? []
            let hashes = files.map { "\($0) \(side.inputHashes[$0] ?? "?")" }.joined(separator: "\n")
            knowledge[name] = Hashing.sha256(base.serialized() + "\n" + hashes)
        }
        self.knowledge = knowledge
    }

    func member(_ section: String, _ name: String) -> JSONValue? { json[section]?[name] }

    func hash(_ file: String) -> String? { inputHashes[file] }

    func task(_ name: String) -> JSONValue? {
        json["tasks"]?.arrayValue?.first { $0["name"]?.stringValue == name }.map { value in
            .object((value.objectValue ?? [:]).filter { !["wave", "dependents"].contains($0.key) })
        }
    }

    /// The task's messages as lines: `[system]`, its text, `[user]`, its text; context outputs as placeholders.
    func prompt(_ name: String) -> [String] {
        guard let task = document.task(named: name), let agent = document.agents[task.agent] else { return [] }
        let context = task.context.map { ($0, "[the output of `\($0)`]") }
        let messages = PromptBuilder.messages(task: task, agent: agent, inputs: inputs, contextOutputs: context)
        return messages.flatMap {
            ["[\($0.role.rawValue)]"]
                + $0.content.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        }
    }

    /// The agents that may work on a task: its own, and those it may ask for help, each once.
    func team(_ name: String) -> [String] {
        guard let task = document.task(named: name) else { return [] }
        return document.agents(reachableFrom: task.agent).map(\.name)
    }

    /// The models, tools and knowledge bases a task's agents use.
    func uses(_ name: String) -> (models: Set<String>, tools: Set<String>, knowledge: Set<String>) {
        var models: Set<String> = []
        var tools: Set<String> = []
        var knowledge: Set<String> = []
        if let task = document.task(named: name) { models.insert(task.model) }
        for agent in team(name).compactMap({ document.agents[$0] }) {
            models.insert(agent.model)
            tools.formUnion(agent.tools)
            knowledge.formUnion(document.knowledgeBases(readBy: agent))
        }
        return (models, tools, knowledge)
    }
}

struct Comparison {
    let old: Side
    let new: Side

    func entries() -> [PlanDiff.EntryChange] {
        var entries: [PlanDiff.EntryChange] = []
        for (section, kind) in [("models", "model"), ("tools", "tool"), ("embedders", "embedder")] {
            let names = Set((old.json[section]?.objectValue ?? [:]).keys).union(
                (new.json[section]?.objectValue ?? [:]).keys)
            for name in names.sorted() {
                let (a, b) = (old.member(section, name), new.member(section, name))
                guard a != b else { continue }
                let status: PlanDiff.Status = a == nil ? .added : b == nil ? .removed : .changed
                entries.append(
                    PlanDiff.EntryChange(
                        kind: kind, name: name, status: status, changes: status == .changed ? Self.keyChanges(a, b) : []
                    ))
            }
        }
        let bases = Set(old.knowledge.keys).union(new.knowledge.keys)
        for name in bases.sorted() where old.knowledge[name] != new.knowledge[name] {
            let status: PlanDiff.Status =
                old.knowledge[name] == nil ? .added : new.knowledge[name] == nil ? .removed : .changed
            var changes = Self.keyChanges(old.member("knowledge", name), new.member("knowledge", name))
            if status == .changed {
                let files = Set(old.document.knowledge[name]?.files ?? []).union(
                    new.document.knowledge[name]?.files ?? [])
                let changedFiles = files.sorted().filter { file in
                    let before = (old.document.knowledge[name]?.files.contains(file) ?? false) ? old.hash(file) : nil
                    let after = (new.document.knowledge[name]?.files.contains(file) ?? false) ? new.hash(file) : nil
                    return before != after
                }
                changes += changedFiles.map { "source \($0)" }
                changes.append(
                    "index \(old.knowledge[name]?.prefix(12) ?? "") → \(new.knowledge[name]?.prefix(12) ?? "")")
            }
            entries.append(PlanDiff.EntryChange(kind: "knowledge", name: name, status: status, changes: changes))
        }
        return entries
    }

    func edges() -> ([(from: String, to: String)], [(from: String, to: String)]) {
        func edges(_ side: Side) -> Set<String> {
            Set(side.document.tasks.flatMap { task in task.context.map { "\($0)\u{0}\(task.name)" } })
        }
        let (a, b) = (edges(old), edges(new))
        func pairs(_ set: Set<String>) -> [(from: String, to: String)] {
            set.sorted().map {
                let parts = $0.split(separator: "\u{0}", maxSplits: 1).map(String.init)
                return (parts[0], parts.count > 1 ? parts[1] : "")
            }
        }
        return (pairs(b.subtracting(a)), pairs(a.subtracting(b)))
    }

    func tasks() -> [PlanDiff.TaskChange] {
        var changes: [PlanDiff.TaskChange] = []
        var rerun: [String: PlanDiff.Estimate] = [:]
        for task in new.document.tasks {
            var change = PlanDiff.TaskChange(name: task.name, status: .unchanged)
            let before = old.task(task.name)
            if before == nil {
                change.status = .added
                change.rerun = "new task"
            } else {
                change.changes = taskChanges(task.name)
                change.promptDiff = LineDiff.unified(old.prompt(task.name), new.prompt(task.name))
                if !change.changes.isEmpty || !change.promptDiff.isEmpty {
                    change.status = .changed
                    change.rerun = "changed"
                } else if let upstream = task.context.first(where: { rerun[$0] != nil }) {
                    change.rerun = "upstream `\(upstream)` runs again"
                }
            }
            if change.rerun != nil {
                let estimate = self.estimate(task, upstream: rerun)
                change.estimate = estimate
                rerun[task.name] = estimate
            }
            changes.append(change)
        }
        for task in old.document.tasks where new.document.task(named: task.name) == nil {
            changes.append(PlanDiff.TaskChange(name: task.name, status: .removed))
        }
        return changes
    }

    /// What changed for one task present on both sides: its own keys, then what its agents, models, tools and
    /// knowledge bases changed.
    private func taskChanges(_ name: String) -> [String] {
        var changes = Self.keyChanges(old.task(name), new.task(name))
        let (a, b) = (old.uses(name), new.uses(name))
        for agent in Set(old.team(name)).union(new.team(name)).sorted() {
            let diff = Self.keyChanges(old.member("agents", agent), new.member("agents", agent))
            changes += diff.map { "agent `\(agent)`: \($0)" }
        }
        for model in a.models.union(b.models).sorted() {
            changes += Self.keyChanges(old.member("models", model), new.member("models", model)).map {
                "model `\(model)`: \($0)"
            }
        }
        for tool in a.tools.union(b.tools).sorted() where old.member("tools", tool) != new.member("tools", tool) {
            changes.append("tool `\(tool)`")
        }
        for base in a.knowledge.union(b.knowledge).sorted() where old.knowledge[base] != new.knowledge[base] {
            changes.append("knowledge `\(base)`")
        }
        return changes
    }

    private func estimate(_ task: TaskDefinition, upstream: [String: PlanDiff.Estimate]) -> PlanDiff.Estimate {
        var estimate = PlanDiff.Estimate()
        let model = new.document.models[task.model]
        let promptBytes = new.prompt(task.name).reduce(0) { $0 + $1.utf8.count + 1 }
        let contextTokens = task.context.reduce(0) { total, name in
            let upstreamModel = new.document.task(named: name).flatMap { new.document.models[$0.model] }
            return total
                + (upstream[name]?.outputTokens ?? upstreamModel?.maxTokens ?? PlanDefaults.estimatedOutputTokens)
        }
        estimate.inputTokens = (promptBytes + 3) / 4 + contextTokens
        estimate.outputTokens = model?.maxTokens ?? PlanDefaults.estimatedOutputTokens
        if let price = model?.effectivePrice {
            estimate.costUSD =
                Double(estimate.inputTokens) * price.input / 1e6 + Double(estimate.outputTokens) * price.output / 1e6
        } else if let model {
            estimate.unpriced.insert(model.name)
        }
        return estimate
    }

    /// The members of two JSON objects that differ, with short values shown (`temperature 0.2 → 0`).
    static func keyChanges(_ old: JSONValue?, _ new: JSONValue?) -> [String] {
        let a = old?.objectValue ?? [:]
        let b = new?.objectValue ?? [:]
        return Set(a.keys).union(b.keys).sorted().compactMap { key in
            let (x, y) = (a[key], b[key])
            guard x != y else { return nil }
            func shown(_ value: JSONValue?) -> String? {
                guard let value else { return "none" }
                switch value {
                case .object, .array: return nil
                default:
                    let text = value.stringValue ?? value.serialized()
                    return text.count <= 40 && !text.contains("\n") ? text : nil
                }
            }
            if let from = shown(x), let to = shown(y) { return "\(key) \(from) → \(to)" }
            return key
        }
    }
}
