import ArgumentParser
import CrewCore
import CrewKit
import Foundation

/// `crew diff` as text for a terminal, Markdown for a pull request comment, or JSON.
struct DiffReport {
    enum Format: String, CaseIterable, ExpressibleByArgument {
        case text, markdown, json
    }

    let format: Format

    func render(_ diff: PlanDiff) -> String {
        switch format {
        case .json: return diff.json.serialized(pretty: true) + "\n"
        case .markdown: return markdown(diff)
        case .text: return text(diff)
        }
    }

    private func markdown(_ diff: PlanDiff) -> String {
        func code(_ text: String) -> String { "`" + text.replacingOccurrences(of: "`", with: "'") + "`" }
        func cell(_ text: String) -> String {
            text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
        }
        var out = "### crew diff: \(code(diff.old)) → \(code(diff.new))\n\n"
        guard !diff.isEmpty else { return out + "No change to the crew's plan.\n" }
        out += summaryLine(diff) + "\n\n"
        let touched = diff.tasks.filter { $0.status != .unchanged || $0.rerun != nil }
        if !touched.isEmpty {
            out += "| task | change | runs again | est. tokens | est. cost |\n|---|---|---|---|---|\n"
            for task in touched {
                let estimate = task.estimate.map { "\($0.inputTokens + $0.outputTokens)" } ?? ""
                let cost = task.estimate?.costUSD.map(Summary.money) ?? ""
                out +=
                    "| \(code(task.name)) | \(task.status.rawValue)"
                    + (task.changes.isEmpty ? "" : ": " + cell(task.changes.joined(separator: "; "))) + " | "
                    + cell(task.rerun ?? "no") + " | \(estimate) | \(cost) |\n"
            }
            out += "\n"
        }
        if !diff.edgesAdded.isEmpty || !diff.edgesRemoved.isEmpty {
            out += "**Graph:** " + edges(diff).joined(separator: ", ") + "\n\n"
        }
        for entry in diff.entries {
            out +=
                "- \(entry.kind) \(code(entry.name)): \(entry.status.rawValue)"
                + (entry.changes.isEmpty ? "" : " (" + entry.changes.joined(separator: "; ") + ")") + "\n"
        }
        if !diff.entries.isEmpty { out += "\n" }
        for task in diff.tasks where !task.promptDiff.isEmpty {
            out +=
                "<details><summary>Prompt of \(code(task.name))</summary>\n\n```diff\n"
                + task.promptDiff.replacingOccurrences(of: "```", with: "'''") + "```\n\n</details>\n\n"
        }
        return out
    }

    private func text(_ diff: PlanDiff) -> String {
        var out = "crew diff \(TerminalText.escape(diff.old)) → \(TerminalText.escape(diff.new))\n"
        guard !diff.isEmpty else { return out + "no change to the crew's plan\n" }
        out += summaryLine(diff) + "\n"
        for task in diff.tasks where task.status != .unchanged || task.rerun != nil {
            out +=
                "  \(task.status.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)) "
                + TerminalText.escape(task.name)
                + (task.changes.isEmpty ? "" : ": " + TerminalText.escape(task.changes.joined(separator: "; ")))
                + (task.rerun.map { " — runs again (\($0))" } ?? "") + "\n"
        }
        if !diff.edgesAdded.isEmpty || !diff.edgesRemoved.isEmpty {
            out += "  graph: " + edges(diff).joined(separator: ", ") + "\n"
        }
        for entry in diff.entries {
            out +=
                "  \(entry.kind) \(TerminalText.escape(entry.name)): \(entry.status.rawValue)"
                + (entry.changes.isEmpty ? "" : " (" + TerminalText.escape(entry.changes.joined(separator: "; ")) + ")")
                + "\n"
        }
        for task in diff.tasks where !task.promptDiff.isEmpty {
            let lines = task.promptDiff.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
            out +=
                "\nprompt of \(TerminalText.escape(task.name)):\n"
                + lines.map { TerminalText.escape(String($0)) + "\n" }.joined()
        }
        return out
    }

    private func summaryLine(_ diff: PlanDiff) -> String {
        let counts = [PlanDiff.Status.added, .removed, .changed].compactMap { status -> String? in
            let n = diff.tasks.filter { $0.status == status }.count
            return n > 0 ? "\(n) \(status.rawValue)" : nil
        }
        let rerun = diff.rerun
        var line = "Tasks: " + (counts.isEmpty ? "none changed" : counts.joined(separator: ", ")) + ". "
        line +=
            rerun.isEmpty
            ? "A cached run executes no task again."
            : "A cached run executes \(plural(rerun.count, "task")) again, about "
                + "\(diff.total.inputTokens + diff.total.outputTokens) tokens"
                + (diff.total.costUSD.map { ", \(Summary.money($0))" } ?? "")
                + (diff.total.unpriced.isEmpty
                    ? "" : " (no price for model \(diff.total.unpriced.sorted().joined(separator: ", ")))")
                + "."
        return line
    }

    private func edges(_ diff: PlanDiff) -> [String] {
        diff.edgesAdded.map { "+ \($0.from) → \($0.to)" } + diff.edgesRemoved.map { "- \($0.from) → \($0.to)" }
    }
}
