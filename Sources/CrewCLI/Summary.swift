import CrewCore
import CrewRuntime
import Foundation

/// The table after a run and in `crew show`: a row per task with status, duration, tokens and cost.
enum Summary {
    static func table(runID: String, store: RunStore) -> String {
        guard let run = store.runJSON(runID) else { return "" }
        let skipped = Set(store.events(runID).filter { $0.kind == .taskSkipped }.compactMap(\.task))
        var rows: [[String]] = [["task", "status", "duration", "tokens in", "tokens out", "cost"]]
        for task in (run["tasks"]?.arrayValue ?? []).compactMap(\.stringValue) {
            let result = store.taskResult(runID, task: task)
            let status = result?["status"]?.stringValue ?? (skipped.contains(task) ? "skipped" : "not run")
            rows.append([
                task, status, result?["latency_ms"]?.intValue.map(duration) ?? "",
                result?["input_tokens"]?.intValue.map(String.init) ?? "",
                result?["output_tokens"]?.intValue.map(String.init) ?? "",
                result?["cost_usd"]?.doubleValue.map(money) ?? "",
            ])
        }
        if let totals = run["totals"] {
            rows.append([
                "total", run["status"]?.stringValue ?? "", run["duration_ms"]?.intValue.map(duration) ?? "",
                totals["input_tokens"]?.intValue.map(String.init) ?? "",
                totals["output_tokens"]?.intValue.map(String.init) ?? "",
                totals["cost_usd"]?.doubleValue.map(money) ?? "",
            ])
        }
        return render(rows)
    }

    /// The first `leftColumns` columns are text (left-aligned); the rest are figures (right-aligned).
    static func render(_ rows: [[String]], leftColumns: Int = 2) -> String {
        guard let first = rows.first else { return "" }
        let widths = first.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { column, cell in
                column < leftColumns
                    ? cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[column] - cell.count) + cell
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n") + "\n"
    }

    static func duration(_ ms: Int) -> String {
        ms < 1000
            ? "\(ms)ms" : ms < 60_000 ? String(format: "%.1fs", Double(ms) / 1000) : "\(ms / 60_000)m\(ms / 1000 % 60)s"
    }

    static func money(_ usd: Double) -> String { String(format: "$%.4f", usd) }
}
