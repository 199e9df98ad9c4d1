import CrewCore
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where a run stands, as run.json says.
public enum RunStatus: String, Sendable, CaseIterable, Hashable {
    case running, succeeded, failed, interrupted

    /// The process exit code for this outcome: 0, 1, or 130 (as for SIGINT).
    public var exitCode: Int32 {
        switch self {
        case .succeeded: return 0
        case .interrupted: return 130
        case .failed, .running: return 1
        }
    }
}

/// `run.json` as a type (specs/run-record.md): who ran what, with which inputs, and how it ended. The recorder
/// writes it, `--resume` and `crew runs`/`show`/`logs` read it back, all through `json` and `decode`.
public struct RunRecord: Sendable, Equatable {
    public var id: String
    public var crew: String
    public var artifactSHA256: String
    /// Input name → value as text, after defaults.
    public var inputs: [String: String]
    public var status: RunStatus
    public var startedAt: Date
    public var finishedAt: Date?
    /// 1 for a fresh run, +1 for each resume.
    public var attempts: Int
    /// The process running the run; kept while it is `running` only.
    public var owner: RunOwner?
    /// The plan's task names, in order.
    public var tasks: [String]
    public var totals: RunTotals?
    /// The OpenTelemetry trace of the latest attempt, when it was traced (specs/telemetry.md).
    public var traceID: String?
    /// The layout the latest attempt wrote (specs/run-record.md): 2 keeps results in events.jsonl and messages in
    /// messages.jsonl; 1 (a record without the key) kept them in each task's result.json and messages.json.
    public var recordVersion = RunRecord.currentVersion

    /// The layout this crew writes.
    public static let currentVersion = 2

    public init(
        id: String, crew: String, artifactSHA256: String, inputs: [String: String], status: RunStatus,
        startedAt: Date, finishedAt: Date? = nil, attempts: Int = 1, owner: RunOwner? = nil, tasks: [String],
        totals: RunTotals? = nil, traceID: String? = nil
    ) {
        self.id = id
        self.crew = crew
        self.artifactSHA256 = artifactSHA256
        self.inputs = inputs
        self.status = status
        // Times as run.json holds them (whole milliseconds), so a record in memory equals the one read back.
        self.startedAt = Timestamp.milliseconds(startedAt)
        self.finishedAt = finishedAt.map(Timestamp.milliseconds)
        self.attempts = attempts
        self.owner = status == .running ? owner : nil
        self.tasks = tasks
        self.totals = totals
        self.traceID = traceID
    }

    /// Wall time from the first start to the end of the last attempt.
    public var durationMS: Int? { finishedAt.map { Seconds.milliseconds($0.timeIntervalSince(startedAt)) } }

    public var json: JSONValue {
        .object(dropping: [
            ("id", .string(id)),
            ("crew", .string(crew)),
            ("artifact_sha256", .string(artifactSHA256)),
            ("inputs", .object(inputs.mapValues(JSONValue.string))),
            ("status", .string(status.rawValue)),
            ("started_at", .string(Timestamp.iso8601(startedAt))),
            ("finished_at", finishedAt.map { .string(Timestamp.iso8601($0)) }),
            ("duration_ms", durationMS.map(JSONValue.int)),
            ("attempts", .int(attempts)),
            ("owner", status == .running ? owner?.json : nil),
            ("tasks", .strings(tasks)),
            ("totals", totals.map(\.json)),
            ("trace_id", traceID.map(JSONValue.string)),
            ("record_version", .int(recordVersion)),
        ])
    }

    static let documentName = "run.json"

    public static func decode(_ json: JSONValue) throws(DocumentFormatError) -> RunRecord {
        let r = try ObjectReader(json, path: "", document: documentName)
        var inputs: [String: String] = [:]
        if let given = try r.optionalObject("inputs") {
            for key in given.value.keys { inputs[key] = try given.string(key) }
        }
        var record = RunRecord(
            id: try r.string("id"), crew: try r.string("crew"), artifactSHA256: try r.string("artifact_sha256"),
            inputs: inputs, status: try r.enumeration("status"), startedAt: try date(r, "started_at"),
            finishedAt: r.has("finished_at") ? try date(r, "finished_at") : nil,
            attempts: try r.optionalInt("attempts") ?? 1,
            owner: try r.optionalObject("owner").map { o throws(DocumentFormatError) in try RunOwner(o) },
            tasks: try r.strings("tasks"),
            totals: try r.optionalObject("totals").map { t throws(DocumentFormatError) in try RunTotals(t) },
            traceID: try r.optionalString("trace_id"))
        record.recordVersion = try r.optionalInt("record_version") ?? 1
        return record
    }

    static func date(_ r: ObjectReader, _ key: String) throws(DocumentFormatError) -> Date {
        guard let date = Timestamp.parse(try r.string(key)) else {
            throw r.fail(key, "must be a UTC time like 2026-11-26T11:52:14.812Z")
        }
        return date
    }
}

/// Counts and sums over a run's tasks.
public struct RunTotals: Sendable, Equatable {
    public var succeeded = 0
    public var failed = 0
    public var skipped = 0
    public var reused = 0
    public var notRun = 0
    public var inputTokens = 0
    public var outputTokens = 0
    public var costUSD: Double?
    /// Tasks answered from the task cache (counted in `succeeded` too), and what their answers first cost.
    public var cached = 0
    public var savedInputTokens = 0
    public var savedOutputTokens = 0
    public var savedCostUSD: Double?

    public init() {}

    public var json: JSONValue {
        .object(dropping: [
            ("succeeded", .int(succeeded)), ("failed", .int(failed)), ("skipped", .int(skipped)),
            ("reused", .int(reused)), ("not_run", .int(notRun)), ("input_tokens", .int(inputTokens)),
            ("output_tokens", .int(outputTokens)), ("cost_usd", costUSD.map { .double(TaskFigures.rounded($0)) }),
            ("cached", cached > 0 ? .int(cached) : nil),
            ("saved_input_tokens", cached > 0 ? .int(savedInputTokens) : nil),
            ("saved_output_tokens", cached > 0 ? .int(savedOutputTokens) : nil),
            ("saved_cost_usd", savedCostUSD.map { .double(TaskFigures.rounded($0)) }),
        ])
    }

    init(_ r: ObjectReader) throws(DocumentFormatError) {
        succeeded = try r.optionalInt("succeeded") ?? 0
        failed = try r.optionalInt("failed") ?? 0
        skipped = try r.optionalInt("skipped") ?? 0
        reused = try r.optionalInt("reused") ?? 0
        notRun = try r.optionalInt("not_run") ?? 0
        inputTokens = try r.optionalInt("input_tokens") ?? 0
        outputTokens = try r.optionalInt("output_tokens") ?? 0
        costUSD = try r.optionalDouble("cost_usd")
        cached = try r.optionalInt("cached") ?? 0
        savedInputTokens = try r.optionalInt("saved_input_tokens") ?? 0
        savedOutputTokens = try r.optionalInt("saved_output_tokens") ?? 0
        savedCostUSD = try r.optionalDouble("saved_cost_usd")
    }
}

/// The process that runs a run, as recorded in run.json: enough for a person to find it, and for a reader to tell
/// a live owner from a dead one even where locks are not shared (the pid and the process's start time together
/// name one process; a pid alone may be reused).
public struct RunOwner: Sendable, Equatable {
    public var pid: Int32
    public var host: String
    /// When the process started, ISO 8601.
    public var since: String

    public init(pid: Int32, host: String, since: String) {
        self.pid = pid
        self.host = host
        self.since = since
    }

    public static func current(startedAt start: Date) -> RunOwner {
        RunOwner(pid: getpid(), host: ProcessInfo.processInfo.hostName, since: Timestamp.iso8601(start))
    }

    public var json: JSONValue {
        .object(["pid": .int(Int(pid)), "host": .string(host), "since": .string(since)])
    }

    init(_ r: ObjectReader) throws(DocumentFormatError) {
        guard let pid = Int32(exactly: try r.int("pid")) else { throw r.fail("pid", "is out of range") }
        self.init(pid: pid, host: try r.string("host"), since: try r.string("since"))
    }
}

/// What a task's work came to: the figures of `tasks/<task>/result.json` and of its `task_finished` or
/// `task_failed` event.
public struct TaskFigures: Sendable, Equatable {
    public var inputTokens = 0
    public var outputTokens = 0
    /// The task's wall time, retries and repairs included.
    public var latencyMS = 0
    public var requests = 0
    public var repairs = 0
    public var toolCalls = 0
    public var reviews = 0
    public var costUSD: Double?

    public init() {}

    /// Costs are recorded to 6 decimals.
    public static func rounded(_ cost: Double) -> Double { (cost * 1e6).rounded() / 1e6 }

    /// As event and result keys; `tool_calls` and `reviews` only when there were any.
    public var fields: [String: JSONValue] {
        var fields: [String: JSONValue] = [
            "input_tokens": .int(inputTokens), "output_tokens": .int(outputTokens), "latency_ms": .int(latencyMS),
            "requests": .int(requests), "repairs": .int(repairs),
        ]
        if toolCalls > 0 { fields["tool_calls"] = .int(toolCalls) }
        if reviews > 0 { fields["reviews"] = .int(reviews) }
        if let costUSD { fields["cost_usd"] = .double(Self.rounded(costUSD)) }
        return fields
    }

    init(_ r: ObjectReader) throws(DocumentFormatError) {
        inputTokens = try r.optionalInt("input_tokens") ?? 0
        outputTokens = try r.optionalInt("output_tokens") ?? 0
        latencyMS = try r.optionalInt("latency_ms") ?? 0
        requests = try r.optionalInt("requests") ?? 0
        repairs = try r.optionalInt("repairs") ?? 0
        toolCalls = try r.optionalInt("tool_calls") ?? 0
        reviews = try r.optionalInt("reviews") ?? 0
        costUSD = try r.optionalDouble("cost_usd")
    }
}

/// `tasks/<task>/result.json`: how a task ended. Written after its output, so a result that says `succeeded`
/// means the output file is whole.
public struct TaskResult: Sendable, Equatable {
    public enum Status: String, Sendable, CaseIterable {
        case succeeded, failed
    }

    public enum OutputFormat: String, Sendable, CaseIterable {
        case markdown, json

        /// The output's file name in the task's folder.
        public var fileName: String { self == .json ? "output.json" : "output.md" }
    }

    public var status: Status
    /// Set for a task that succeeded.
    public var outputFormat: OutputFormat?
    public var figures: TaskFigures
    /// The `output.file` written, relative to the output folder.
    public var outputFile: String?
    /// Why a failed task failed.
    public var error: String?
    /// The output came from the task cache (specs/cache.md).
    public var cached = false

    public init(
        status: Status, outputFormat: OutputFormat? = nil, figures: TaskFigures, outputFile: String? = nil,
        error: String? = nil
    ) {
        self.status = status
        self.outputFormat = outputFormat
        self.figures = figures
        self.outputFile = outputFile
        self.error = error
    }

    public var json: JSONValue {
        var members = figures.fields
        members["status"] = .string(status.rawValue)
        members["output_format"] = outputFormat.map { .string($0.rawValue) }
        members["output_file"] = outputFile.map(JSONValue.string)
        members["error"] = error.map(JSONValue.string)
        if cached { members["cached"] = .bool(true) }
        return .object(members)
    }

    /// The result a `task_finished` or `task_failed` event records (record version 2); nil for other events or
    /// ones that do not read as a result.
    public init?(event: RunEvent) {
        let status: Status
        switch event.kind {
        case .taskFinished: status = .succeeded
        case .taskFailed: status = .failed
        default: return nil
        }
        var fields = event.fields
        fields["status"] = .string(status.rawValue)
        // An event written before `output_format` existed (record version 1) names its output file instead.
        if status == .succeeded, fields["output_format"] == nil {
            let json = fields["output"]?.stringValue?.hasSuffix("/" + OutputFormat.json.fileName) == true
            fields["output_format"] = .string((json ? OutputFormat.json : .markdown).rawValue)
        }
        guard let result = try? Self.decode(.object(fields), document: "events.jsonl") else { return nil }
        self = result
    }

    public static func decode(_ json: JSONValue, document: String = "result.json") throws(DocumentFormatError)
        -> TaskResult
    {
        let r = try ObjectReader(json, path: "", document: document)
        var result = TaskResult(
            status: try r.enumeration("status"),
            outputFormat: r.has("output_format") ? try r.enumeration("output_format") as OutputFormat : nil,
            figures: try TaskFigures(r), outputFile: try r.optionalString("output_file"),
            error: try r.optionalString("error"))
        result.cached = try r.bool("cached", default: false)
        return result
    }
}
