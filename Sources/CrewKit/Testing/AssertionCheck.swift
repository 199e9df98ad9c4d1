import CrewCore
import CrewDocuments
import CrewRuntime
import CrewSpec
import Foundation

/// Checks assertions against a finished run's record: outputs, figures, tool calls. A rubric is judged elsewhere
/// (`RubricJudge`): it needs a model.
struct AssertionCheck {
    let store: RunStore
    let runID: String
    let events: [RunEvent]

    init(store: RunStore, runID: String) {
        self.store = store
        self.runID = runID
        events = store.events(runID)
    }

    func output(_ task: String) -> String? { store.finishedOutputs(runID)[task] }

    /// Nil for a rubric, which this cannot check.
    func verdict(_ assertion: TestAssertion) -> TestResult.Verdict? {
        let task = assertion.task
        func verdict(_ passed: Bool, _ detail: @autoclosure () -> String) -> TestResult.Verdict {
            TestResult.Verdict(assertion: assertion, passed: passed, detail: passed ? nil : detail())
        }
        if case .rubric = assertion.check { return nil }
        if case .toolCalled(let tool, let arguments) = assertion.check {
            let calls = events.filter {
                $0.kind == .toolCall && $0.task == task && $0.fields["tool"]?.stringValue == tool
            }
            let matching = calls.filter { Self.holds($0.fields["arguments"]?.stringValue, arguments) }
            return verdict(
                !matching.isEmpty,
                calls.isEmpty
                    ? "`\(task)` never called `\(tool)`"
                    : "`\(task)` called `\(tool)` \(calls.count) time(s), never with those arguments; first: "
                        + Self.clip(calls[0].fields["arguments"]?.stringValue ?? ""))
        }
        let figures = store.taskResult(runID, task: task)?.figures
        switch assertion.check {
        case .maxTokens(let limit):
            let used = (figures?.inputTokens ?? 0) + (figures?.outputTokens ?? 0)
            return verdict(figures != nil && used <= limit, "`\(task)` used \(used) tokens")
        case .maxCostUSD(let limit):
            let cost = figures?.costUSD ?? 0
            return verdict(figures != nil && cost <= limit, "`\(task)` cost $\(cost)")
        default: break
        }
        guard let output = output(task) else {
            return verdict(false, "`\(task)` has no output: it did not succeed")
        }
        switch assertion.check {
        case .contains(let text): return verdict(output.contains(text), "not in: " + Self.clip(output))
        case .notContains(let text): return verdict(!output.contains(text), "found in: " + Self.clip(output))
        case .regex(let pattern):
            let expression = try? NSRegularExpression(pattern: pattern)
            let range = NSRange(output.startIndex..., in: output)
            return verdict(
                expression?.firstMatch(in: output, range: range) != nil, "no match in: " + Self.clip(output))
        case .schema(let schema):
            guard let json = try? JSONParser.parse(output) else { return verdict(false, "the output is not JSON") }
            let errors = SchemaValidator.errors(json, against: schema)
            return verdict(errors.isEmpty, errors.prefix(5).joined(separator: "; "))
        case .jsonPath(let path, let expected):
            guard let json = try? JSONParser.parse(output) else { return verdict(false, "the output is not JSON") }
            let found = JSONPath(path)?.value(in: json)
            return verdict(
                found.map { Self.equal($0, expected) } ?? false,
                found.map { "found \($0.serialized())" } ?? "nothing at \(path)")
        default: return nil
        }
    }

    /// Whether arguments (the model's JSON text) hold every member of `wanted`.
    static func holds(_ text: String?, _ wanted: [String: JSONValue]?) -> Bool {
        guard let wanted else { return true }
        guard let text, let given = try? JSONParser.parse(text) else { return false }
        return wanted.allSatisfy { key, value in given[key].map { equal($0, value) } ?? false }
    }

    /// JSON equality where 2 and 2.0 are the same number.
    static func equal(_ a: JSONValue, _ b: JSONValue) -> Bool {
        if let x = a.doubleValue, let y = b.doubleValue { return x == y }
        return a == b
    }

    static func clip(_ text: String) -> String {
        let line = text.replacingOccurrences(of: "\n", with: " ")
        return line.count > 160 ? String(line.prefix(159)) + "…" : line
    }
}
