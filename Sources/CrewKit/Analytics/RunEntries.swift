import CrewCore
import CrewDocuments
import CrewRuntime
import Foundation

/// Where a run stands in the server: run.json's status, and `queued` for a run waiting for a slot (`--max-runs`),
/// which has no record yet.
public enum IndexedStatus: String, Sendable, CaseIterable {
    case queued, running, succeeded, failed, interrupted

    public init(_ status: RunStatus) { self = IndexedStatus(rawValue: status.rawValue) ?? .failed }
}

/// One run as the server's index holds it: what lists, filters and analytics need, never the whole record.
public struct RunEntry: Sendable, Equatable {
    public var id: String
    public var crew: String
    public var status: IndexedStatus
    public var startedAt: Date
    public var finishedAt: Date?
    public var durationMS: Int?
    public var attempts = 1
    public var tasks = 0
    public var succeeded = 0
    public var failed = 0
    public var inputTokens = 0
    public var outputTokens = 0
    public var costUSD: Double?
    /// Recorded as running by a process that died: shown as interrupted, with `crashed: true`.
    public var crashed = false
    /// A queued run's request (`{"inputs", "webhook", "crew_folder"}`), to start it when a slot frees.
    public var request: String?
    public var requestedBy: String?

    /// The entry of a recorded run; `crashed` shows a run left `running` by a dead process as interrupted.
    public init(record: RunRecord, crashed: Bool) {
        id = record.id
        crew = record.crew
        status = crashed ? .interrupted : IndexedStatus(record.status)
        self.crashed = crashed
        startedAt = record.startedAt
        finishedAt = record.finishedAt
        durationMS = record.durationMS
        attempts = record.attempts
        tasks = record.tasks.count
        succeeded = record.totals?.succeeded ?? 0
        failed = record.totals?.failed ?? 0
        inputTokens = record.totals?.inputTokens ?? 0
        outputTokens = record.totals?.outputTokens ?? 0
        costUSD = record.totals?.costUSD
    }

    public init(id: String, crew: String, status: IndexedStatus, startedAt: Date) {
        self.id = id
        self.crew = crew
        self.status = status
        self.startedAt = startedAt
    }
}

/// One task of a run, for the per-task and per-model analytics.
public struct TaskEntry: Sendable, Equatable {
    public var runID: String
    public var task: String
    public var crew: String
    public var model: String?
    public var status: TaskResult.Status
    public var startedAt: Date
    public var latencyMS: Int
    public var inputTokens: Int
    public var outputTokens: Int
    public var costUSD: Double?

    public init(
        runID: String, task: String, crew: String, model: String?, status: TaskResult.Status, startedAt: Date,
        latencyMS: Int, inputTokens: Int, outputTokens: Int, costUSD: Double?
    ) {
        self.runID = runID
        self.task = task
        self.crew = crew
        self.model = model
        self.status = status
        self.startedAt = startedAt
        self.latencyMS = latencyMS
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.costUSD = costUSD
    }

    /// The tasks of a recorded run that reached a result, each with its agent's model as `provider/model`.
    public static func all(of record: RunRecord, store: RunStore) -> [TaskEntry] {
        let plan = try? store.plan(record.id)
        let results = store.taskResults(record.id)
        return record.tasks.compactMap { name in
            guard let result = results[name] else { return nil }
            let model = plan.flatMap { plan -> String? in
                guard let agent = plan.tasks.first(where: { $0.name == name }).flatMap({ plan.agents[$0.agent] }),
                    let model = plan.models[agent.model]
                else { return nil }
                return "\(model.provider.rawValue)/\(model.model)"
            }
            return TaskEntry(
                runID: record.id, task: name, crew: record.crew, model: model, status: result.status,
                startedAt: record.startedAt, latencyMS: result.figures.latencyMS,
                inputTokens: result.figures.inputTokens, outputTokens: result.figures.outputTokens,
                costUSD: result.figures.costUSD)
        }
    }
}

/// What the analytics of a period count, read from run records: the server's index holds the same entries.
public struct RecordedEntries: Sendable, Equatable {
    public var runs: [RunEntry]
    public var tasks: [TaskEntry]

    public init(runs: [RunEntry], tasks: [TaskEntry]) {
        self.runs = runs
        self.tasks = tasks
    }
}

extension CrewEngine {
    /// The runs recorded in `folder` that started in [since, until), newest first, with their tasks when `tasks` is
    /// true (the per-model and per-task reports count those; reading them opens every run's results and plan). A
    /// run whose run.json cannot be read is left out, as `runs(in:)` does; a run left `running` by a process that
    /// died counts as interrupted, as the server's index has it.
    public func analyticsEntries(in folder: ConfinedPath, since: Date, until: Date, tasks: Bool) -> RecordedEntries {
        let store = RunStore(folder)
        let listings = runs(in: folder).filter { $0.record.startedAt >= since && $0.record.startedAt < until }
        return RecordedEntries(
            runs: listings.map { RunEntry(record: $0.record, crashed: $0.crashed) },
            tasks: tasks ? listings.flatMap { TaskEntry.all(of: $0.record, store: store) } : [])
    }
}
