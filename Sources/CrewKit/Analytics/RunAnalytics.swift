import CrewCore
import CrewDocuments
import Foundation

/// Runs (or task executions), success rate, p50/p95 duration, tokens and cost, overall and per UTC day, for all
/// runs, per crew, per model and per task: what the server's `GET /v1/analytics/...` answers from its run index and
/// `crew stats` prints from the run records, through these same functions.
public enum Analytics {
    /// The server's reports, one endpoint each (the server makes its routes from `allCases`).
    public enum Report: String, CaseIterable, Sendable {
        case summary, crews, models, tasks

        /// The key of the groups in JSON, and of the `group` column's meaning in CSV.
        public var groupKey: String? {
            switch self {
            case .summary: return nil
            case .crews: return "crew"
            case .models: return "model"
            case .tasks: return "task"
            }
        }

        /// The report counts task executions (`TaskEntry`), not runs (`RunEntry`).
        public var countsTasks: Bool { self == .models || self == .tasks }
    }

    public enum Format: String, CaseIterable, Sendable { case json, csv }

    /// One execution counted: a run, or a task of one.
    public struct Sample: Sendable {
        public var day: String
        public var succeeded: Bool
        public var failed: Bool
        public var durationMS: Int?
        public var inputTokens: Int
        public var outputTokens: Int
        public var costUSD: Double?

        public init(
            day: String, succeeded: Bool, failed: Bool, durationMS: Int?, inputTokens: Int, outputTokens: Int,
            costUSD: Double?
        ) {
            self.day = day
            self.succeeded = succeeded
            self.failed = failed
            self.durationMS = durationMS
            self.inputTokens = inputTokens
            self.outputTokens = outputTokens
            self.costUSD = costUSD
        }
    }

    public struct Stats: Sendable {
        public var runs = 0
        public var succeeded = 0
        public var failed = 0
        public var durations: [Int] = []
        public var inputTokens = 0
        public var outputTokens = 0
        public var costUSD: Double?

        public init() {}

        public mutating func add(_ sample: Sample) {
            runs += 1
            if sample.succeeded { succeeded += 1 }
            if sample.failed { failed += 1 }
            if let duration = sample.durationMS { durations.append(duration) }
            inputTokens += sample.inputTokens
            outputTokens += sample.outputTokens
            if let cost = sample.costUSD { costUSD = (costUSD ?? 0) + cost }
        }

        /// The figures of both: what adding every sample of `other` would give (percentiles included).
        public mutating func add(_ other: Stats) {
            runs += other.runs
            succeeded += other.succeeded
            failed += other.failed
            durations += other.durations
            inputTokens += other.inputTokens
            outputTokens += other.outputTokens
            if let cost = other.costUSD { costUSD = (costUSD ?? 0) + cost }
        }

        /// Nearest rank: the smallest duration that at least `fraction` of them do not exceed.
        public func percentile(_ fraction: Double) -> Int? {
            guard !durations.isEmpty else { return nil }
            let sorted = durations.sorted()
            let rank = Int((fraction * Double(sorted.count)).rounded(.up))
            return sorted[min(sorted.count, max(1, rank)) - 1]
        }

        /// Succeeded over ended (succeeded or failed), to four decimals; nil when none ended.
        public var successRate: Double? {
            let ended = succeeded + failed
            return ended == 0 ? nil : (Double(succeeded) / Double(ended) * 10_000).rounded() / 10_000
        }

        /// The figures as JSON and CSV give them, in their order.
        public var columns: [(String, JSONValue)] {
            [
                ("runs", .int(runs)), ("succeeded", .int(succeeded)), ("failed", .int(failed)),
                ("success_rate", successRate.map(JSONValue.double) ?? .null),
                ("p50_ms", percentile(0.5).map(JSONValue.int) ?? .null),
                ("p95_ms", percentile(0.95).map(JSONValue.int) ?? .null),
                ("input_tokens", .int(inputTokens)), ("output_tokens", .int(outputTokens)),
                ("cost_usd", costUSD.map { JSONValue.double(($0 * 1_000_000).rounded() / 1_000_000) } ?? .null),
            ]
        }
    }

    /// A crew, a model, a task (`crew/task`), or for the summary everything (`name` nil): overall and per UTC day.
    public struct Group: Sendable {
        public var name: String?
        public var overall = Stats()
        public var days: [String: Stats] = [:]

        public init(name: String?) { self.name = name }
    }

    /// The groups of `report`, by name. The summary and crews count `runs`, models and tasks count `tasks`; the
    /// summary always has its one group, even with no runs.
    public static func groups(_ report: Report, runs: [RunEntry], tasks: [TaskEntry]) -> [Group] {
        var groups: [String: Group] = [:]
        func add(_ key: String?, _ sample: Sample) {
            var group = groups[key ?? ""] ?? Group(name: key)
            group.overall.add(sample)
            group.days[sample.day, default: Stats()].add(sample)
            groups[key ?? ""] = group
        }
        switch report {
        case .summary, .crews:
            for run in runs {
                add(
                    report == .crews ? run.crew : nil,
                    Sample(
                        day: day(run.startedAt), succeeded: run.status == .succeeded, failed: run.status == .failed,
                        durationMS: run.durationMS, inputTokens: run.inputTokens, outputTokens: run.outputTokens,
                        costUSD: run.costUSD))
            }
            if report == .summary, groups.isEmpty { groups[""] = Group(name: nil) }
        case .models, .tasks:
            for task in tasks {
                let key = report == .models ? (task.model ?? "unknown") : "\(task.crew)/\(task.task)"
                add(
                    key,
                    Sample(
                        day: day(task.startedAt), succeeded: task.status == .succeeded, failed: task.status == .failed,
                        durationMS: task.latencyMS, inputTokens: task.inputTokens, outputTokens: task.outputTokens,
                        costUSD: task.costUSD))
            }
        }
        return groups.values.sorted { ($0.name ?? "") < ($1.name ?? "") }
    }

    /// Every group's samples together: the summary's figures for the crews, all task executions for the others.
    public static func total(_ groups: [Group]) -> Stats {
        groups.reduce(into: Stats()) { $0.add($1.overall) }
    }

    /// The JSON body of `GET /v1/analytics/<report>`.
    public static func json(_ report: Report, _ groups: [Group], since: Date, until: Date) -> JSONValue {
        func statsObject(_ stats: Stats, day: String? = nil) -> JSONValue {
            .object(dropping: [("day", day.map(JSONValue.string))] + stats.columns.map { ($0.0, $0.1) })
        }
        func body(_ group: Group) -> [String: JSONValue] {
            [
                "overall": statsObject(group.overall),
                "days": .array(group.days.keys.sorted().map { statsObject(group.days[$0]!, day: $0) }),
            ]
        }
        var members: [String: JSONValue] = [
            "since": .string(Timestamp.iso8601(since)), "until": .string(Timestamp.iso8601(until)),
        ]
        guard let key = report.groupKey else {
            members.merge(body(groups.first ?? Group(name: nil))) { $1 }
            return .object(members)
        }
        members[report.rawValue] = .array(
            groups.map { group in
                var entry = body(group)
                // A task name has no `/` (it is a plain name); a crew's name, from a record, may.
                if report == .tasks, let name = group.name, let slash = name.lastIndex(of: "/") {
                    entry["crew"] = .string(String(name[..<slash]))
                    entry["task"] = .string(String(name[name.index(after: slash)...]))
                } else {
                    entry[key] = .string(group.name ?? "")
                }
                return .object(entry)
            })
        return .object(members)
    }

    public static let csvHeader =
        "group,day,runs,succeeded,failed,success_rate,p50_ms,p95_ms,input_tokens,output_tokens,cost_usd"

    /// The CSV body of `GET /v1/analytics/<report>?format=csv`: a row per group (`all` for the summary) with day
    /// `all`, then one per day of it. RFC 4180: a field with a comma, quote or line break is quoted; a field that a
    /// spreadsheet would run as a formula (`=`, `+`, `-`, `@`) gets a leading `'`.
    public static func csv(_ groups: [Group]) -> String {
        var lines = [csvHeader]
        for group in groups {
            let name = group.name ?? "all"
            lines.append(row(name, "all", group.overall))
            for day in group.days.keys.sorted() { lines.append(row(name, day, group.days[day]!)) }
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    public static func row(_ group: String, _ day: String, _ stats: Stats) -> String {
        ([field(group), day] + stats.columns.map { $0.1 == .null ? "" : $0.1.serialized() }).joined(separator: ",")
    }

    public static func field(_ text: String) -> String {
        var value = text
        if let first = value.first, "=+-@\t\r".contains(first) { value = "'" + value }
        guard value.contains(where: { ",\"\r\n".contains($0) }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// The UTC day of `date`, `2026-12-04`.
    public static func day(_ date: Date) -> String { String(Timestamp.iso8601(date).prefix(10)) }
}
