import CrewCore
import CrewDocuments
import CrewProviders
import Foundation

extension Executor {
    /// Where a task's answer would be cached, when this run caches it; or why not, when caching was asked for.
    enum CacheUse {
        case off(String?)
        case on(TaskCache, TaskKey)
    }

    func cacheUse(
        _ task: TaskDefinition, _ agent: AgentDefinition, messages: [ChatMessage], context: [(String, String)]
    ) -> CacheUse {
        guard let settings = cache else { return .off(nil) }
        switch CachePolicy.decide(task, plan: plan, requested: settings.requested) {
        case .skip(let reason): return .off(reason)
        case .use: break
        }
        let key = TaskKey.of(task, plan: plan, tools: tools, inputs: inputs, messages: messages, context: context)
        return .on(TaskCache(folder: settings.folder), key)
    }

    /// A task answered from the cache: `task_cached`, then the output written and `task_finished` as for any task.
    func answer(
        _ task: TaskDefinition, from entry: TaskCache.Entry, key: TaskKey, model: ModelDefinition, started: Date
    ) -> TaskOutcome {
        var saved: [String: JSONValue] = [
            "key": .string(key.hex), "saved_input_tokens": .int(entry.inputTokens),
            "saved_output_tokens": .int(entry.outputTokens),
        ]
        saved["saved_cost_usd"] = entry.costUSD.map { .double(TaskFigures.rounded($0)) }
        saved["from_run"] = entry.runID.isEmpty ? nil : .string(entry.runID)
        emit(RunEvent(.taskCached, task: task.name, fields: saved))
        var report = TaskReport()
        report.output = entry.output
        report.costUSD = model.effectivePrice.map { _ in 0 }
        report.cached = TaskReport.CacheHit(
            inputTokens: entry.inputTokens, outputTokens: entry.outputTokens, costUSD: entry.costUSD)
        report.latencyMS = Self.milliseconds(since: started)
        return finish(task, report, extra: ["cached": .bool(true)])
    }

    /// Keeps a new answer for later runs; never one holding a secret the run read (the folder may be shared).
    func remember(_ report: TaskReport, in cache: TaskCache, key: TaskKey, task: TaskDefinition) {
        let secrets = clients.secrets + tools.secrets
        guard FailureText.scrub(report.output, secrets: secrets) == report.output else { return }
        let entry = TaskCache.Entry(
            output: report.output, inputTokens: report.usage.input, outputTokens: report.usage.output,
            costUSD: report.costUSD, runID: recorder.runID, created: Timestamp.iso8601(Date()))
        cache.store(key, task: task.name, entry)
    }
}
