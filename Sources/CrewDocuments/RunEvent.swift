import CrewCore
import Foundation

/// One thing that happened in a run, as written to `events.jsonl` (specs/run-record.md) and shown on the terminal.
public struct RunEvent: Sendable {
    public enum Kind: String, Sendable {
        case runStarted = "run_started"
        case taskStarted = "task_started"
        case knowledgeHits = "knowledge_hits"
        case request
        case retry
        case toolCall = "tool_call"
        case toolResult = "tool_result"
        case delegationStarted = "delegation_started"
        case delegationFinished = "delegation_finished"
        case review
        case taskFinished = "task_finished"
        case taskFailed = "task_failed"
        case taskSkipped = "task_skipped"
        case taskReused = "task_reused"
        case runFinished = "run_finished"
    }

    public var kind: Kind
    public var task: String?
    public var time: Date
    /// Everything else the event carries; keys as in the spec.
    public var fields: [String: JSONValue]

    public init(_ kind: Kind, task: String? = nil, time: Date = Date(), fields: [String: JSONValue] = [:]) {
        self.kind = kind
        self.task = task
        self.time = time
        self.fields = fields
    }

    /// The JSON line: `{"ts": ..., "type": ..., "task": ..., ...fields}`.
    public var json: JSONValue {
        var members = fields
        members["type"] = .string(kind.rawValue)
        members["ts"] = .string(Timestamp.iso8601(time))
        if let task { members["task"] = .string(task) }
        return .object(members)
    }

    public init?(json: JSONValue) {
        guard let type = json["type"]?.stringValue, let kind = Kind(rawValue: type) else { return nil }
        var fields = json.objectValue ?? [:]
        fields["type"] = nil
        let time =
            fields.removeValue(forKey: "ts")?.stringValue.flatMap(Timestamp.parse) ?? Date(timeIntervalSince1970: 0)
        let task = fields.removeValue(forKey: "task")?.stringValue
        self.init(kind, task: task, time: time, fields: fields)
    }
}

/// UTC timestamps with milliseconds (`2026-11-26T11:52:14.812Z`), the only time format in run records. Formatted
/// by hand: a Foundation date formatter costs more than everything else an event does.
public enum Timestamp {
    public static func iso8601(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970
        var whole = time_t(seconds.rounded(.down))
        var millis = Int(((seconds - Double(whole)) * 1000).rounded())
        if millis == 1000 {
            whole += 1
            millis = 0
        }
        var parts = tm()
        gmtime_r(&whole, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(millis), 3))Z"
    }

    /// `date` to the millisecond, as it is written.
    public static func milliseconds(_ date: Date) -> Date {
        parse(iso8601(date)) ?? date
    }

    public static func parse(_ text: String) -> Date? {
        parser.date(from: text)
    }

    /// One parser for the process: making one costs more than a run's whole record. ISO8601DateFormatter is safe to
    /// use from several threads once configured, and this one is never changed after.
    nonisolated(unsafe) private static let parser: ISO8601DateFormatter = {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }()
}

/// Typed readings of the events a consumer acts on; the other keys stay in `fields`, as specs/run-record.md lists them.
extension RunEvent {
    /// A `task_finished` or `task_failed` event's figures.
    public var figures: TaskFigures? {
        guard kind == .taskFinished || kind == .taskFailed,
            let reader = try? ObjectReader(.object(fields), path: "", document: "events.jsonl")
        else { return nil }
        return try? TaskFigures(reader)
    }

    /// How the run ended, on `run_finished`.
    public var runStatus: RunStatus? {
        kind == .runFinished ? fields["status"]?.stringValue.flatMap(RunStatus.init(rawValue:)) : nil
    }

    /// Why a task failed, on `task_failed`.
    public var failure: String? {
        kind == .taskFailed ? fields["error"]?.stringValue : nil
    }
}
