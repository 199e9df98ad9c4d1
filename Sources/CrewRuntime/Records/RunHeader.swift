import CrewCore
import CrewDocuments
import CrewProviders
import Foundation

/// What stays the same over one attempt of a run: what `run.json` says before the run ends.
struct RunHeader: Sendable {
    var id: String
    var plan: ExecutionPlan
    var inputs: [String: String]
    var started: Date
    /// 1 for a fresh run, +1 for each `--resume`.
    var attempts: Int
    /// The process running this attempt.
    var owner = RunOwner.current(startedAt: Date())
    /// This attempt's trace, when it is traced.
    var traceID: String?

    func record(status: RunStatus, totals: RunTotals?, finished: Date?) -> RunRecord {
        RunRecord(
            id: id, crew: plan.crewName, artifactSHA256: plan.artifactHash, inputs: inputs, status: status,
            startedAt: started, finishedAt: finished, attempts: attempts, owner: owner,
            tasks: plan.tasks.map(\.name), totals: totals, traceID: traceID)
    }

    func startFields(reused: Int) -> [String: JSONValue] {
        var fields: [String: JSONValue] = [
            "run_id": .string(id), "crew": .string(plan.crewName), "artifact_sha256": .string(plan.artifactHash),
            "inputs": .object(inputs.mapValues(JSONValue.string)), "tasks": .int(plan.tasks.count),
            "attempt": .int(attempts), "reused": .int(reused),
        ]
        fields["trace_id"] = traceID.map(JSONValue.string)
        return fields
    }
}

extension RunTotals {
    /// The totals of `plan` after a run: each task counted once, by how it ended.
    init(
        plan: ExecutionPlan, outcomes: [String: TaskOutcome], skipped skippedTasks: Set<String>,
        reused reusedTasks: Set<String>
    ) {
        self.init()
        for task in plan.tasks {
            if reusedTasks.contains(task.name) {
                reused += 1
            } else if skippedTasks.contains(task.name) {
                skipped += 1
            } else {
                switch outcomes[task.name] {
                case .succeeded(let report)?:
                    succeeded += 1
                    add(report)
                case .failed(_, let report)?:
                    failed += 1
                    add(report)
                case .cancelled?, nil: notRun += 1
                }
            }
        }
    }

    mutating func add(_ report: TaskReport) {
        inputTokens += report.usage.input
        outputTokens += report.usage.output
        if let cost = report.costUSD { costUSD = (costUSD ?? 0) + cost }
        if let hit = report.cached {
            cached += 1
            savedInputTokens += hit.inputTokens
            savedOutputTokens += hit.outputTokens
            if let cost = hit.costUSD { savedCostUSD = (savedCostUSD ?? 0) + cost }
        }
    }
}
