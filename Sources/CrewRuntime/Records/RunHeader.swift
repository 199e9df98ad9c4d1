import CrewCore
import CrewProviders
import Foundation

/// What `run.json` says about a run (specs/run-record.md).
struct RunHeader: Sendable {
    var id: String
    var plan: ExecutionPlan
    var inputs: [String: String]
    var started: Date
    /// 1 for a fresh run, +1 for each `--resume`.
    var attempts: Int
    /// The process running this attempt.
    var owner = RunOwner.current(startedAt: Date())

    func json(status: RunStatus, totals: RunTotals?, finished: Date?) -> JSONValue {
        .object(dropping: [
            ("id", .string(id)),
            ("crew", .string(plan.crewName)),
            ("artifact_sha256", .string(plan.artifactHash)),
            ("inputs", .object(inputs.mapValues(JSONValue.string))),
            ("status", .string(status.rawValue)),
            ("started_at", .string(Timestamp.iso8601(started))),
            ("finished_at", finished.map { .string(Timestamp.iso8601($0)) }),
            ("duration_ms", finished.map { .int(Seconds.milliseconds($0.timeIntervalSince(started))) }),
            ("attempts", .int(attempts)),
            ("owner", status == .running ? owner.json : nil),
            ("tasks", .strings(plan.tasks.map(\.name))),
            ("totals", totals.map { .object($0.json) }),
        ])
    }

    func startFields(reused: Int) -> [String: JSONValue] {
        [
            "run_id": .string(id), "crew": .string(plan.crewName), "artifact_sha256": .string(plan.artifactHash),
            "inputs": .object(inputs.mapValues(JSONValue.string)), "tasks": .int(plan.tasks.count),
            "attempt": .int(attempts), "reused": .int(reused),
        ]
    }
}

/// Counts and sums over a run's tasks.
struct RunTotals: Sendable {
    var succeeded = 0
    var failed = 0
    var skipped = 0
    var reused = 0
    var notRun = 0
    var inputTokens = 0
    var outputTokens = 0
    var costUSD: Double?

    init(
        plan: ExecutionPlan, outcomes: [String: TaskOutcome], skipped skippedTasks: Set<String>,
        reused reusedTasks: Set<String>
    ) {
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
    }

    var json: [String: JSONValue] {
        var fields: [String: JSONValue] = [
            "succeeded": .int(succeeded), "failed": .int(failed), "skipped": .int(skipped), "reused": .int(reused),
            "not_run": .int(notRun), "input_tokens": .int(inputTokens), "output_tokens": .int(outputTokens),
        ]
        if let cost = costUSD { fields["cost_usd"] = .double((cost * 1e6).rounded() / 1e6) }
        return fields
    }
}
