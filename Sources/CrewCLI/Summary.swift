import CrewCore
import CrewDocuments
import CrewRuntime
import Foundation

/// The table after a run and in `crew show`: a row per task with status, duration, tokens and cost.
package enum Summary {
    /// `events` and `results`, when the caller has read them already, save reading the record again.
    static func table(
        runID: String, store: RunStore, events: [RunEvent]? = nil, results: [String: TaskResult]? = nil
    ) -> String {
        guard let run = store.record(runID) else { return "" }
        let events = events ?? store.events(runID, kinds: RunStore.endingKinds)
        let skipped = Set(events.filter { $0.kind == .taskSkipped }.compactMap(\.task))
        var rows: [[String]] = [["task", "status", "duration", "tokens in", "tokens out", "cost"]]
        let results = results ?? store.taskResults(runID, events: events)
        for task in run.tasks {
            let result = results[task]
            let figures = result?.figures
            let status =
                result.map { $0.cached ? "cached" : $0.status.rawValue }
                ?? (skipped.contains(task) ? "skipped" : "not run")
            rows.append([
                TerminalText.escape(task), status, figures.map { duration($0.latencyMS) } ?? "",
                figures.map { String($0.inputTokens) } ?? "", figures.map { String($0.outputTokens) } ?? "",
                figures?.costUSD.map(money) ?? "",
            ])
        }
        if let totals = run.totals {
            rows.append([
                run.attempts > 1 ? "total (\(run.attempts) attempts)" : "total", run.status.rawValue,
                run.durationMS.map(duration) ?? "", String(totals.inputTokens),
                String(totals.outputTokens), totals.costUSD.map(money) ?? "",
            ])
        }
        return render(rows)
    }

    /// The first `leftColumns` columns are text (left-aligned); the rest are figures (right-aligned).
    package static func render(_ rows: [[String]], leftColumns: Int = 2) -> String {
        guard let first = rows.first else { return "" }
        let widths = first.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        var text = ""
        for row in rows {
            var line = ""
            for (column, cell) in row.enumerated() {
                let pad = String(repeating: " ", count: widths[column] - cell.count)
                line += (column > 0 ? "  " : "") + (column < leftColumns ? cell + pad : pad + cell)
            }
            text += line.trimmingWhitespace() + "\n"
        }
        return text
    }

    static func duration(_ ms: Int) -> String {
        ms < 1000
            ? "\(ms)ms" : ms < 60_000 ? tenths((ms + 50) / 100) : "\(ms / 60_000)m\(ms / 1000 % 60)s"
    }

    /// Seconds with one decimal, from a count of tenths: `String(format:)` looks its arguments' protocols up at run
    /// time, a scan of every conformance in the binary at the end of each run.
    private static func tenths(_ count: Int) -> String { "\(count / 10).\(count % 10)s" }

    static func money(_ usd: Double) -> String { String(format: "$%.4f", usd) }
}
