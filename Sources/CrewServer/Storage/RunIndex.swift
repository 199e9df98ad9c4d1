import CrewCore
import CrewDocuments
import CrewKit
import Foundation

/// The filters of `GET /v1/runs`, checked before they reach SQL (where they are bound values anyway).
struct RunFilter: Sendable {
    var crew: String?
    var status: IndexedStatus?
    var since: Date?
    var until: Date?
    var limit = 50
    /// The last run of the page before, and when it started: pages go on from there, newest first.
    var cursor: (id: String, startedAt: Date)?
}

/// The run index: a row per run and per finished task, kept by the server as runs start and end, and rebuilt from
/// the records by `--reindex`.
struct RunIndex: Sendable {
    let database: any SQLDatabase

    static let runColumns =
        "id, crew, status, started_at, finished_at, duration_ms, attempts, tasks, succeeded, failed, input_tokens, "
        + "output_tokens, cost_usd, crashed, request, requested_by"

    func upsert(_ run: RunEntry, tasks: [TaskEntry] = []) async throws {
        var statements: [(String, [SQLValue])] = [
            (
                """
                INSERT INTO runs (\(Self.runColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET crew = excluded.crew, status = excluded.status,
                  started_at = excluded.started_at, finished_at = excluded.finished_at,
                  duration_ms = excluded.duration_ms, attempts = excluded.attempts, tasks = excluded.tasks,
                  succeeded = excluded.succeeded, failed = excluded.failed, input_tokens = excluded.input_tokens,
                  output_tokens = excluded.output_tokens, cost_usd = excluded.cost_usd, crashed = excluded.crashed,
                  request = excluded.request, requested_by = COALESCE(excluded.requested_by, runs.requested_by)
                """, Self.values(run)
            )
        ]
        for task in tasks {
            statements.append(
                (
                    """
                    INSERT INTO run_tasks (run_id, task, crew, model, status, started_at, latency_ms, input_tokens,
                      output_tokens, cost_usd) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (run_id, task) DO UPDATE SET model = excluded.model, status = excluded.status,
                      latency_ms = excluded.latency_ms, input_tokens = excluded.input_tokens,
                      output_tokens = excluded.output_tokens, cost_usd = excluded.cost_usd
                    """,
                    [
                        .text(task.runID), .text(task.task), .text(task.crew), .optional(task.model),
                        .text(task.status.rawValue), .time(task.startedAt), .optional(task.latencyMS),
                        .optional(task.inputTokens), .optional(task.outputTokens), .optional(task.costUSD),
                    ]
                ))
        }
        try await database.transaction(statements)
    }

    func entry(_ id: String) async throws -> RunEntry? {
        try await database.query("SELECT \(Self.runColumns) FROM runs WHERE id = ?", [.text(id)]).first.flatMap(
            Self.entry)
    }

    /// Newest first (by start time, then id), after `cursor`.
    func page(_ filter: RunFilter) async throws -> [RunEntry] {
        var conditions: [String] = []
        var binds: [SQLValue] = []
        func add(_ condition: String, _ value: SQLValue) {
            conditions.append(condition)
            binds.append(value)
        }
        if let crew = filter.crew { add("crew = ?", .text(crew)) }
        if let status = filter.status { add("status = ?", .text(status.rawValue)) }
        if let since = filter.since { add("started_at >= ?", .time(since)) }
        if let until = filter.until { add("started_at < ?", .time(until)) }
        if let cursor = filter.cursor {
            conditions.append("(started_at < ? OR (started_at = ? AND id < ?))")
            binds += [.time(cursor.startedAt), .time(cursor.startedAt), .text(cursor.id)]
        }
        let clause = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        binds.append(.integer(Int64(filter.limit)))
        return try await database.query(
            "SELECT \(Self.runColumns) FROM runs\(clause) ORDER BY started_at DESC, id DESC LIMIT ?", binds
        ).compactMap(Self.entry)
    }

    func ids(status: IndexedStatus? = nil) async throws -> [String] {
        let rows =
            if let status {
                try await database.query("SELECT id FROM runs WHERE status = ? ORDER BY id", [.text(status.rawValue)])
            } else {
                try await database.query("SELECT id FROM runs ORDER BY id", [])
            }
        return rows.compactMap { $0.text("id") }
    }

    /// Queued runs, first come first served.
    func queued() async throws -> [RunEntry] {
        try await database.query(
            "SELECT \(Self.runColumns) FROM runs WHERE status = ? ORDER BY started_at, id",
            [.text(IndexedStatus.queued.rawValue)]
        ).compactMap(Self.entry)
    }

    func removeAll() async throws {
        try await database.transaction([
            ("DELETE FROM run_tasks", []), ("DELETE FROM runs WHERE status <> ?", [.text("queued")]),
        ])
    }

    func remove(_ id: String) async throws {
        try await database.transaction([
            ("DELETE FROM run_tasks WHERE run_id = ?", [.text(id)]), ("DELETE FROM runs WHERE id = ?", [.text(id)]),
        ])
    }

    /// The runs that started in [since, until), for analytics.
    func runs(since: Date, until: Date) async throws -> [RunEntry] {
        try await database.query(
            "SELECT \(Self.runColumns) FROM runs WHERE started_at >= ? AND started_at < ? AND status <> ?",
            [.time(since), .time(until), .text(IndexedStatus.queued.rawValue)]
        ).compactMap(Self.entry)
    }

    /// The tasks of the runs that started in [since, until), for analytics.
    func tasks(since: Date, until: Date) async throws -> [TaskEntry] {
        try await database.query(
            "SELECT * FROM run_tasks WHERE started_at >= ? AND started_at < ?", [.time(since), .time(until)]
        ).compactMap(Self.task)
    }

    static func values(_ run: RunEntry) -> [SQLValue] {
        [
            .text(run.id), .text(run.crew), .text(run.status.rawValue), .time(run.startedAt), .time(run.finishedAt),
            .optional(run.durationMS), .optional(run.attempts), .optional(run.tasks), .optional(run.succeeded),
            .optional(run.failed), .optional(run.inputTokens), .optional(run.outputTokens), .optional(run.costUSD),
            .integer(run.crashed ? 1 : 0), .optional(run.request), .optional(run.requestedBy),
        ]
    }

    static func entry(_ row: SQLRow) -> RunEntry? {
        guard let id = row.text("id"), let crew = row.text("crew"),
            let status = row.text("status").flatMap(IndexedStatus.init(rawValue:)), let started = row.date("started_at")
        else { return nil }
        var entry = RunEntry(id: id, crew: crew, status: status, startedAt: started)
        entry.finishedAt = row.date("finished_at")
        entry.durationMS = row.int("duration_ms")
        entry.attempts = row.int("attempts") ?? 1
        entry.tasks = row.int("tasks") ?? 0
        entry.succeeded = row.int("succeeded") ?? 0
        entry.failed = row.int("failed") ?? 0
        entry.inputTokens = row.int("input_tokens") ?? 0
        entry.outputTokens = row.int("output_tokens") ?? 0
        entry.costUSD = row.double("cost_usd")
        entry.crashed = row.int("crashed") == 1
        entry.request = row.text("request")
        entry.requestedBy = row.text("requested_by")
        return entry
    }

    static func task(_ row: SQLRow) -> TaskEntry? {
        guard let runID = row.text("run_id"), let task = row.text("task"), let crew = row.text("crew"),
            let status = row.text("status").flatMap(TaskResult.Status.init(rawValue:)),
            let started = row.date("started_at")
        else { return nil }
        return TaskEntry(
            runID: runID, task: task, crew: crew, model: row.text("model"), status: status, startedAt: started,
            latencyMS: row.int("latency_ms") ?? 0, inputTokens: row.int("input_tokens") ?? 0,
            outputTokens: row.int("output_tokens") ?? 0, costUSD: row.double("cost_usd"))
    }
}
