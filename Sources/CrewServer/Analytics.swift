import CrewCore
import CrewDocuments
import Foundation

/// The analytics endpoints: runs (or task executions), success rate, p50/p95 duration, tokens and cost, overall and
/// per UTC day, for the whole server, per crew, per model and per task, from the run index.
enum Analytics {
    enum Report: String, CaseIterable, Sendable {
        case summary, crews, models, tasks

        /// The key of the groups in JSON, and of the `group` column's meaning in CSV.
        var groupKey: String? {
            switch self {
            case .summary: return nil
            case .crews: return "crew"
            case .models: return "model"
            case .tasks: return "task"
            }
        }
    }

    enum Format: String, CaseIterable, Sendable { case json, csv }

    /// One execution counted: a run, or a task of one.
    struct Sample: Sendable {
        var day: String
        var succeeded: Bool
        var failed: Bool
        var durationMS: Int?
        var inputTokens: Int
        var outputTokens: Int
        var costUSD: Double?
    }

    struct Stats: Sendable {
        var runs = 0
        var succeeded = 0
        var failed = 0
        var durations: [Int] = []
        var inputTokens = 0
        var outputTokens = 0
        var costUSD: Double?

        mutating func add(_ sample: Sample) {
            runs += 1
            if sample.succeeded { succeeded += 1 }
            if sample.failed { failed += 1 }
            if let duration = sample.durationMS { durations.append(duration) }
            inputTokens += sample.inputTokens
            outputTokens += sample.outputTokens
            if let cost = sample.costUSD { costUSD = (costUSD ?? 0) + cost }
        }

        /// Nearest rank: the smallest duration that at least `fraction` of them do not exceed.
        func percentile(_ fraction: Double) -> Int? {
            guard !durations.isEmpty else { return nil }
            let sorted = durations.sorted()
            let rank = Int((fraction * Double(sorted.count)).rounded(.up))
            return sorted[min(sorted.count, max(1, rank)) - 1]
        }

        var successRate: Double? {
            let ended = succeeded + failed
            return ended == 0 ? nil : (Double(succeeded) / Double(ended) * 10_000).rounded() / 10_000
        }

        var columns: [(String, JSONValue)] {
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

    struct Group {
        var name: String?
        var overall = Stats()
        var days: [String: Stats] = [:]
    }

    static func groups(_ report: Report, runs: [RunEntry], tasks: [TaskEntry]) -> [Group] {
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

    static func json(_ report: Report, _ groups: [Group], since: Date, until: Date) -> JSONValue {
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
                if report == .tasks, let name = group.name, let slash = name.firstIndex(of: "/") {
                    entry["crew"] = .string(String(name[..<slash]))
                    entry["task"] = .string(String(name[name.index(after: slash)...]))
                } else {
                    entry[key] = .string(group.name ?? "")
                }
                return .object(entry)
            })
        return .object(members)
    }

    static let csvHeader =
        "group,day,runs,succeeded,failed,success_rate,p50_ms,p95_ms,input_tokens,output_tokens,cost_usd"

    /// RFC 4180: a field with a comma, quote or line break is quoted; a field that a spreadsheet would run as a
    /// formula (`=`, `+`, `-`, `@`) gets a leading `'`.
    static func csv(_ groups: [Group]) -> String {
        var lines = [csvHeader]
        for group in groups {
            let name = group.name ?? "all"
            lines.append(row(name, "all", group.overall))
            for day in group.days.keys.sorted() { lines.append(row(name, day, group.days[day]!)) }
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    static func row(_ group: String, _ day: String, _ stats: Stats) -> String {
        ([field(group), day] + stats.columns.map { $0.1 == .null ? "" : $0.1.serialized() }).joined(separator: ",")
    }

    static func field(_ text: String) -> String {
        var value = text
        if let first = value.first, "=+-@\t\r".contains(first) { value = "'" + value }
        guard value.contains(where: { ",\"\r\n".contains($0) }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func day(_ date: Date) -> String { String(Timestamp.iso8601(date).prefix(10)) }
}
