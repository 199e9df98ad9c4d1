import CrewCore
import Foundation

/// One thing that happened in a run, as written to `events.jsonl` (specs/run-record.md) and shown on the terminal.
public struct RunEvent: Sendable {
    public enum Kind: String, Sendable {
        case runStarted = "run_started"
        case taskStarted = "task_started"
        case knowledgeHits = "knowledge_hits"
        case request
        case response
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
        case taskCached = "task_cached"
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

    /// `json` serialised, with its line end: written from the fields straight away, since building the merged object
    /// (a copy of the fields, three keys hashed into it) cost more than writing it.
    public var line: [UInt8] {
        var members: [(key: String, value: JSONValue)] = []
        members.reserveCapacity(fields.count + 3)
        for member in fields where member.key != "type" && member.key != "ts" && (task == nil || member.key != "task") {
            members.append(member)
        }
        members.append((key: "type", value: .string(kind.rawValue)))
        members.append((key: "ts", value: .string(Timestamp.iso8601(time))))
        if let task { members.append((key: "task", value: .string(task))) }
        var out: [UInt8] = []
        out.reserveCapacity(256)
        JSONValue.appendObject(members, to: &out)
        out.append(UInt8(ascii: "\n"))
        return out
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
        // Written byte by byte: lists format two of these per run.
        var out: [UInt8] = []
        out.reserveCapacity(24)
        func digits(_ value: Int32, _ width: Int) {
            var divisor: Int32 = 1
            for _ in 1..<width { divisor *= 10 }
            var rest = max(0, value)
            if rest >= divisor * 10 {
                out += Array(String(rest).utf8)
                return
            }
            while divisor > 0 {
                out.append(UInt8(48 + rest / divisor))
                rest %= divisor
                divisor /= 10
            }
        }
        digits(parts.tm_year + 1900, 4)
        out.append(0x2D)
        digits(parts.tm_mon + 1, 2)
        out.append(0x2D)
        digits(parts.tm_mday, 2)
        out.append(0x54)
        digits(parts.tm_hour, 2)
        out.append(0x3A)
        digits(parts.tm_min, 2)
        out.append(0x3A)
        digits(parts.tm_sec, 2)
        out.append(0x2E)
        digits(Int32(millis), 3)
        out.append(0x5A)
        return String(decoding: out, as: UTF8.self)
    }

    /// `date` to the millisecond, as it is written.
    public static func milliseconds(_ date: Date) -> Date {
        parse(iso8601(date)) ?? date
    }

    public static func parse(_ text: String) -> Date? {
        // crew's own form is read here alone: the formatter would take 2023-02-29 as March 1st.
        if text.utf8.last == UInt8(ascii: "Z") { return canonical(text) }
        return parser.date(from: text)
    }

    /// The form crew writes, `2026-12-05T03:08:31.183Z` (any count of fraction digits, or none), read without a
    /// formatter: a server reads thousands a second, and the shared formatter serializes its callers.
    static func canonical(_ text: String) -> Date? {
        let b = Array(text.utf8)
        guard b.count >= 20, b.count <= 30, b[4] == 0x2D, b[7] == 0x2D, b[10] == 0x54, b[13] == 0x3A,
            b[16] == 0x3A, b.last == 0x5A
        else { return nil }
        func number(_ from: Int, _ count: Int) -> Int? {
            var value = 0
            for index in from..<(from + count) {
                let digit = Int(b[index]) - 48
                guard (0...9).contains(digit) else { return nil }
                value = value * 10 + digit
            }
            return value
        }
        guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2), let hour = number(11, 2),
            let minute = number(14, 2), let second = number(17, 2), (1...12).contains(month), hour < 24,
            minute < 60, second < 60, day >= 1, day <= daysIn(month: month, year: year)
        else { return nil }
        var fraction = 0.0
        if b.count > 20 {
            let digits = b.count - 21
            guard b[19] == 0x2E, digits >= 1, let value = number(20, digits) else { return nil }
            fraction = Double(value) / pow(10, Double(digits))
        } else if b[19] != 0x5A {
            return nil
        }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = Double(days * 86_400 + hour * 3_600 + minute * 60 + second) + fraction
        return Date(timeIntervalSince1970: seconds)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
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
