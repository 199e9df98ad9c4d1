import ArgumentParser
import CrewCore
import CrewDocuments
import CrewKit
import Foundation

/// `crew stats [PATH] [--since 7d] [--until T] [--by crew|model|task|day] [--format table|json|csv]`: the server's
/// analytics (`GET /v1/analytics/{summary,crews,models,tasks}`) read from the run records, with no server.
struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration.crew(
        "stats",
        abstract: "Success rate, p50/p95 duration, tokens and cost of recorded runs, by crew, model, task or day.",
        discussion: """
            Counts the runs that started in [--since, --until), read from the run records as `crew runs` reads \
            them (a run left running by a process that died counts as interrupted). JSON and CSV are what crew \
            serve answers to GET /v1/analytics/summary, crews, models and tasks for the same runs; --by day is the \
            summary's per-day rows (the summary report in JSON and CSV).
            """)

    @Argument(
        help: "A crew folder (or its crew file): its runs are in .crew/runs below it (default: --runs-dir).",
        completion: .directory)
    var path: String?

    @OptionGroup var folder: RunsFolderOptions

    @Option(help: "Count runs that started since then: \(StatsPeriod.forms).")
    var since = "7d"

    @Option(help: "Count runs that started before then, in the same forms (default: now).")
    var until: String?

    @Option(help: "A row per crew, model, task or day, after the `all` row (default: the `all` row alone).")
    var by: StatsGrouping?

    @Option(help: "table, json (the server's JSON) or csv (the server's CSV).")
    var format: StatsFormat = .table

    func validate() throws {
        _ = try period(now: Date())
        try folder.check(crew: path)
    }

    /// The runs folder: `.crew/runs` in the crew's folder (a crew file's folder), else `--runs-dir`.
    var location: ConfinedPath { folder.location(crew: path) }

    /// [since, until), to the millisecond as the JSON shows them.
    func period(now: Date) throws -> (since: Date, until: Date) {
        guard let start = StatsPeriod.time(since, now: now) else {
            throw ValidationError("--since must be \(StatsPeriod.forms), not `\(TerminalText.escape(since))`")
        }
        var end = now
        if let until {
            guard let time = StatsPeriod.time(until, now: now) else {
                throw ValidationError("--until must be \(StatsPeriod.forms), not `\(TerminalText.escape(until))`")
            }
            end = time
        }
        guard start < end else {
            throw ValidationError(
                "--since (\(Timestamp.iso8601(start))) must be before --until (\(Timestamp.iso8601(end)))")
        }
        return (Timestamp.milliseconds(start), Timestamp.milliseconds(end))
    }

    func run() throws {
        let (start, end) = try period(now: Date())
        let report = by?.report ?? .summary
        let runs = location
        let entries = Engine.shared.analyticsEntries(
            in: runs, since: start, until: end, tasks: report.countsTasks)
        let groups = Analytics.groups(report, runs: entries.runs, tasks: entries.tasks)
        switch format {
        case .json:
            Terminal.outRaw(Analytics.json(report, groups, since: start, until: end).serialized() + "\n")
        case .csv:
            let csv = Analytics.csv(groups)
            // Byte for byte the server's CSV into a file or a pipe; on a terminal, no name can drive it.
            guard isatty(STDOUT_FILENO) == 1 else { return Terminal.outRaw(csv) }
            Terminal.outRaw(
                csv.split(separator: "\r\n", omittingEmptySubsequences: false).map {
                    TerminalText.escape(String($0))
                }.joined(separator: "\r\n"))
        case .table:
            guard !groups.isEmpty, Analytics.total(groups).runs > 0 else {
                let what = report.countsTasks && !entries.runs.isEmpty ? "finished tasks" : "runs"
                let window =
                    "since \(Timestamp.iso8601(start))" + (until == nil ? "" : " until \(Timestamp.iso8601(end))")
                Terminal.out("no \(what) \(window) in \(runs)\n")
                return
            }
            Terminal.out(StatsTable.render(by, groups))
        }
    }
}

/// `--by`: the rows of the table, each from one of the server's reports.
enum StatsGrouping: String, CaseIterable, ExpressibleByArgument {
    case crew, model, task, day

    var report: Analytics.Report {
        switch self {
        case .crew: return .crews
        case .model: return .models
        case .task: return .tasks
        case .day: return .summary
        }
    }
}

enum StatsFormat: String, CaseIterable, ExpressibleByArgument {
    case table, json, csv
}

/// `--since` and `--until`: a duration back from now, or a UTC day or time.
enum StatsPeriod {
    static let forms =
        "a duration back from now like 7d, 24h, 30m or 2w, or a UTC date or time like 2026-12-04 or "
        + "2026-12-04T10:00:00Z"

    static let units: [Character: Double] = ["m": 60, "h": 3_600, "d": 86_400, "w": 604_800]

    /// The time `text` names: `now` less a whole number of minutes, hours, days or weeks (at most 100 years), or
    /// an ISO 8601 day (its UTC midnight) or time.
    static func time(_ text: String, now: Date) -> Date? {
        if let unit = text.last, let seconds = units[unit] {
            let digits = text.dropLast()
            guard !digits.isEmpty, digits.count <= 7, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
                let count = Double(digits), count > 0, count * seconds <= 36_525 * 86_400
            else { return nil }
            return now.addingTimeInterval(-count * seconds)
        }
        if let time = Timestamp.parse(text) ?? Timestamp.parse(text + "T00:00:00.000Z") { return time }
        // An offset or a zone without a fraction of a second: 2026-12-04T10:00:00+02:00.
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}

/// The table of `crew stats`: an `all` row first, then a row per crew, model, task or day; figures made readable.
enum StatsTable {
    static func render(_ grouping: StatsGrouping?, _ groups: [Analytics.Group]) -> String {
        let counted = grouping?.report.countsTasks == true ? "tasks" : "runs"
        let figures = [counted, "succeeded", "failed", "success", "p50", "p95", "tokens in", "tokens out", "cost"]
        let total = Analytics.total(groups)
        var rows: [[String]]
        switch grouping {
        case nil:
            rows = [["scope"] + figures, ["all"] + cells(total)]
        case .day:
            let days = groups.first?.days ?? [:]
            rows = [["day"] + figures, ["all"] + cells(total)]
            rows += days.keys.sorted().map { [$0] + cells(days[$0]!) }
        case .crew, .model:
            rows = [[grouping!.rawValue] + figures, ["all"] + cells(total)]
            rows += groups.map { [TerminalText.escape($0.name ?? "")] + cells($0.overall) }
        case .task:
            rows = [["crew", "task"] + figures, ["all", ""] + cells(total)]
            rows += groups.map { group in
                let name = group.name ?? ""
                let slash = name.lastIndex(of: "/") ?? name.endIndex
                let task = slash == name.endIndex ? "" : String(name[name.index(after: slash)...])
                return [TerminalText.escape(String(name[..<slash])), TerminalText.escape(task)] + cells(group.overall)
            }
        }
        return Summary.render(rows, leftColumns: grouping == .task ? 2 : 1)
    }

    static func cells(_ stats: Analytics.Stats) -> [String] {
        [
            String(stats.runs), String(stats.succeeded), String(stats.failed),
            stats.successRate.map { String(format: "%.1f%%", $0 * 100) } ?? "-",
            stats.percentile(0.5).map(Summary.duration) ?? "-", stats.percentile(0.95).map(Summary.duration) ?? "-",
            String(stats.inputTokens), String(stats.outputTokens), stats.costUSD.map(Summary.money) ?? "-",
        ]
    }
}
