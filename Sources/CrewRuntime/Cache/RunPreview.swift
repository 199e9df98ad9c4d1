import CrewCore
import CrewDocuments
import CrewKnowledge
import CrewProviders
import Foundation

/// What a run would do now (`crew plan`): for each task, in plan order, whether the task cache answers it (its key
/// computed exactly as the run computes it, from the cached outputs of its context) or it runs, and why; with an
/// estimate of the tokens and cost of the tasks that run. Nothing is sent to a model and nothing is written.
public struct RunPreview: Sendable {
    public enum Decision: Sendable, Equatable {
        /// Answered from the cache: the run that stored the answer, and what it cost then.
        case cached(fromRun: String, inputTokens: Int, outputTokens: Int)
        case runs(String)
    }

    public struct Line: Sendable {
        public var task: String
        public var decision: Decision
        /// For a task that runs: input from its prompt's size (a token per 4 bytes) plus its context outputs still
        /// to come, output at its model's `max_tokens`.
        public var inputTokens = 0
        public var outputTokens = 0
        public var costUSD: Double?
        public var model: String
    }

    public var lines: [Line] = []

    /// Previews a run of `plan` with `inputs` (already checked). Tools are opened only when a task the cache may
    /// answer has an agent with tools (their definitions are part of its key), and closed again.
    public static func make(
        _ plan: ExecutionPlan, inputs: [String: String], cache: CacheSettings, options: RunSession.Options,
        transport: ProviderTransport
    ) async throws -> RunPreview {
        let plan = plan.resolvingModelEnvironment(options.environment)
        let decisions = plan.tasks.map { CachePolicy.decide($0, plan: plan, requested: cache.requested) }
        let needsTools = zip(plan.tasks, decisions).contains { task, decision in
            decision == .use && plan.document.agents(reachableFrom: task.agent).contains { !$0.tools.isEmpty }
        }
        let searcher = try RunSession.knowledgeSearcher(plan, options: options, transport: transport)
        let tools =
            needsTools
            ? try await ToolBox.open(
                plan: plan, crewFolder: options.crewFolder, environment: options.environment, knowledge: searcher,
                startTimeout: options.toolStartTimeout) : .empty
        do {
            let preview = try await walk(
                plan, decisions, inputs: inputs, cache: cache, tools: tools, searcher: searcher)
            await tools.close()
            return preview
        } catch {
            await tools.close()
            throw error
        }
    }

    private static func walk(
        _ plan: ExecutionPlan, _ decisions: [CachePolicy.Decision], inputs: [String: String], cache: CacheSettings,
        tools: ToolBox, searcher: KnowledgeSearcher?
    ) async throws -> RunPreview {
        let store = TaskCache(folder: cache.folder)
        var preview = RunPreview()
        var outputs: [String: String] = [:]
        var estimatedOutput: [String: Int] = [:]
        for (task, decision) in zip(plan.tasks, decisions) {
            guard let agent = plan.agents[task.agent], let model = plan.models[task.model] else { continue }
            var line = Line(task: task.name, decision: .runs(""), model: model.name)
            let pending = task.context.first { outputs[$0] == nil }
            let context = task.context.map { ($0, outputs[$0] ?? "") }
            let hits = try await Executor.knowledgeHits(task, agent, inputs: inputs, searcher: searcher)
            let messages = PromptBuilder.messages(
                task: task, agent: agent, inputs: inputs, contextOutputs: context,
                knowledge: hits.flatMap { $0.hits.map(KnowledgePassage.init(hit:)) })
            switch (decision, pending) {
            case (.skip(let reason), _):
                line.decision = .runs(reason ?? "the cache is not asked for")
            case (.use, let upstream?):
                line.decision = .runs("upstream `\(upstream)` runs")
            case (.use, nil):
                let key = TaskKey.of(
                    task, plan: plan, tools: tools, inputs: inputs, messages: messages, context: context)
                if let entry = store.lookup(key) {
                    line.decision = .cached(
                        fromRun: entry.runID, inputTokens: entry.inputTokens, outputTokens: entry.outputTokens)
                    outputs[task.name] = entry.output
                } else {
                    line.decision = .runs("no cached answer for its key \(key.hex.prefix(12))")
                }
            }
            if case .runs = line.decision {
                let bytes = messages.reduce(0) { $0 + $1.content.utf8.count }
                let upstream = task.context.filter { outputs[$0] == nil }.reduce(0) { $0 + (estimatedOutput[$1] ?? 0) }
                line.inputTokens = (bytes + 3) / 4 + upstream
                line.outputTokens = model.maxTokens ?? PlanDefaults.estimatedOutputTokens
                estimatedOutput[task.name] = line.outputTokens
                line.costUSD = model.effectivePrice.map {
                    Double(line.inputTokens) * $0.input / 1e6 + Double(line.outputTokens) * $0.output / 1e6
                }
            }
            preview.lines.append(line)
        }
        return preview
    }
}
