import CrewCore
import CrewDocuments
import CrewRuntime
import Foundation

/// `crew show`: what a task did besides answering — its tool calls (duration, result size, failures), the agents
/// it asked for help (their calls indented under them) and its reviews.
enum ActivityReport {
    /// `events` are the task's; only its latest attempt counts (a resumed run may have started it before).
    static func text(result: TaskResult, events: [RunEvent]) -> String {
        let latest = events.lastIndex { $0.kind == .taskStarted }.map { Array(events[$0...]) } ?? events
        let relevant = latest.filter { kinds.contains($0.kind) }
        guard !relevant.isEmpty else { return "" }
        var lines = [headline(result: result, events: relevant)]
        var depths: [String: Int] = [:]
        for event in relevant {
            if let line = line(event, depths: &depths) { lines.append(line) }
        }
        return lines.joined(separator: "\n") + "\n\n"
    }

    private static let kinds: Set<RunEvent.Kind> = [.toolResult, .delegationStarted, .delegationFinished, .review]

    /// `tool calls: 3, delegations: 1, reviews: 2`: the result's figures, counted from the events when absent.
    private static func headline(result: TaskResult, events: [RunEvent]) -> String {
        let counted = events.filter { $0.kind == .toolResult }.count
        let calls = result.figures.toolCalls > 0 ? result.figures.toolCalls : counted
        let delegations = events.filter { $0.kind == .delegationStarted }.count
        let reviews = events.filter { $0.kind == .review }.count
        var parts: [String] = []
        if calls > 0 { parts.append("tool calls: \(calls)") }
        if delegations > 0 { parts.append("delegations: \(delegations)") }
        if reviews > 0 { parts.append("reviews: \(reviews)") }
        return parts.joined(separator: ", ")
    }

    /// `depths` holds the depth of each agent answering a question, so its calls are indented under it.
    private static func line(_ event: RunEvent, depths: inout [String: Int]) -> String? {
        let f = event.fields
        let agent = f["agent"]?.stringValue ?? ""
        switch event.kind {
        case .toolResult:
            let depth = f["agent"] == nil ? 0 : depths[agent] ?? 1
            return indent(depth) + call(f)
        case .delegationStarted:
            let depth = f["depth"]?.intValue ?? 1
            depths[agent] = depth
            let question = ToolText.flat(f["question"]?.stringValue ?? "", limit: 60)
            return indent(depth - 1) + "→ \(agent), asked by \(f["from"]?.stringValue ?? ""): \"\(question)\""
        case .delegationFinished:
            let depth = f["depth"]?.intValue ?? depths[agent] ?? 1
            depths[agent] = nil
            return indent(depth - 1) + "← " + EventText.delegationOutcome(f)
        case .review:
            return indent(0) + "review \(f["round"]?.intValue ?? 0): \(EventText.reviewOutcome(f))"
        default: return nil
        }
    }

    /// `search_notes  120ms  1.2k chars  error`.
    private static func call(_ f: [String: JSONValue]) -> String {
        let tool = f["tool"]?.stringValue ?? ""
        let padded = tool.count < 20 ? tool.padding(toLength: 20, withPad: " ", startingAt: 0) : tool
        let duration = Summary.duration(f["duration_ms"]?.intValue ?? 0)
        let size = ToolText.size(f["result_chars"]?.intValue ?? 0)
        let error = f["error"]?.boolValue == true ? "  error" : ""
        return "\(padded)  \(duration.leftPad(7))  \(size.leftPad(12))\(error)"
    }

    private static func indent(_ depth: Int) -> String {
        String(repeating: "  ", count: max(0, depth) + 1)
    }
}

extension String {
    fileprivate func leftPad(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
