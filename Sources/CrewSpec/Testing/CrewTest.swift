import CrewCore

/// One test of a crew (specs/testing.md): the inputs of a run, where its answers come from, and what must hold of it
/// afterwards. Tests live in the crew's folder, in `tests/*.yaml` or under `tests:` in crew.yaml.
public struct CrewTest: Sendable {
    public var name: Located<String>
    public var description: String?
    /// Input values as text, checked against the crew's inputs when the test runs.
    public var inputs: [String: String] = [:]
    public var answers: Answers
    public var assertions: [TestAssertion] = []
    /// The file it is declared in, relative to the crew's folder.
    public var file: String

    public enum Answers: Sendable, Equatable {
        /// A cassette, relative to the crew's folder: deterministic, no key.
        case cassette(String)
        /// The crew's models, as configured.
        case live
    }
}

/// One thing that must hold of a task after the test's run.
public struct TestAssertion: Sendable {
    public var task: String
    public var check: Check
    public var location: SourceLocation

    public enum Check: Sendable {
        case contains(String)
        case notContains(String)
        /// An ICU regular expression that must match somewhere in the output.
        case regex(String)
        /// The output, as JSON, validates against this schema.
        case schema(JSONValue)
        /// The output, as JSON, has this value at this path (`$.a.b[0]`).
        case jsonPath(String, equals: JSONValue)
        case maxTokens(Int)
        case maxCostUSD(Double)
        /// The task called this tool, with arguments holding these members (when given).
        case toolCalled(String, arguments: [String: JSONValue]?)
        /// A model of the crew judges the output against the rubric and answers PASS or FAIL.
        case rubric(String, judge: String)
    }

    /// The assertion as a person reads it in a report.
    public var summary: String {
        switch check {
        case .contains(let text): return "`\(task)` contains \"\(text)\""
        case .notContains(let text): return "`\(task)` does not contain \"\(text)\""
        case .regex(let pattern): return "`\(task)` matches /\(pattern)/"
        case .schema: return "`\(task)` matches its JSON Schema"
        case .jsonPath(let path, let value): return "`\(task)` has \(value.serialized()) at \(path)"
        case .maxTokens(let limit): return "`\(task)` uses at most \(limit) tokens"
        case .maxCostUSD(let limit): return "`\(task)` costs at most $\(limit)"
        case .toolCalled(let tool, let arguments):
            return "`\(task)` calls `\(tool)`" + (arguments.map { " with \(JSONValue.object($0).serialized())" } ?? "")
        case .rubric(_, let judge): return "`\(task)` passes its rubric (judged by `\(judge)`)"
        }
    }
}
