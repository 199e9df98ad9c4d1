import CrewCore
import CrewDocuments
import CrewRuntime
import CrewSpec
import Foundation

/// `--approve-all`: every draft is approved as it is.
struct ApproveAll: Reviewer {
    func review(task: String, agent: String, draft: String, round: Int) async -> ReviewDecision { .approve }
}

/// `--answers FILE`: the decisions for each task, used in order. A task that asks once more than the file
/// answers is rejected, so a script that runs short fails the task instead of approving by accident.
final class ScriptedReviewer: Reviewer, @unchecked Sendable {
    private let file: String
    private let lock = NSLock()
    private var remaining: [String: [ReviewDecision]]

    init(file: String, answers: [String: [ReviewDecision]]) {
        self.file = file
        self.remaining = answers
    }

    func review(task: String, agent: String, draft: String, round: Int) async -> ReviewDecision {
        lock.withLock {
            guard var queue = remaining[task], !queue.isEmpty else {
                return .reject(
                    "the answers file \(file) has no answer for draft \(round) of task `\(task)`; "
                        + "add one to its list")
            }
            let next = queue.removeFirst()
            remaining[task] = queue
            return next
        }
    }
}

/// Reading an answers file: a mapping of task name to one answer or a list of answers, in JSON or YAML.
enum AnswersFile {
    struct Problem: Error, CustomStringConvertible {
        var description: String
    }

    /// The decisions per task, checked against the plan: every name must be a task that has a human review.
    static func load(_ path: String, plan: ExecutionPlan) throws(Problem) -> ScriptedReviewer {
        // The one YAML loader, with its limits: size, regular files only, depth, alias bombs.
        let loaded = YAMLLoader().load(path: path, display: path, sources: SourceText())
        guard let node = loaded.node else {
            guard let problem = loaded.diagnostics.first else {
                throw Problem(description: "cannot read the answers file \(path)")
            }
            if [DiagnosticCode.e102, .e103, .e104].map(\.rawValue).contains(problem.code) {
                throw Problem(description: "cannot read the answers file \(path): \(problem.message)")
            }
            let place = problem.location.map { "line \($0.line), column \($0.column): " } ?? ""
            throw Problem(description: "the answers file \(path) is not valid JSON or YAML: \(place)\(problem.message)")
        }
        let answers = try parse(node, path: path)
        try check(answers, path: path, plan: plan)
        return ScriptedReviewer(file: path, answers: answers)
    }

    /// JSON is YAML, so one loader reads both. Scalars are taken as written, so `yes` stays an answer rather
    /// than becoming a boolean.
    static func parse(_ node: YAMLNode, path: String) throws(Problem) -> [String: [ReviewDecision]] {
        guard let mapping = node.pairs else {
            throw Problem(
                description: "the answers file \(path) must map task names to answers, e.g. `brief: [approve]`")
        }
        var answers: [String: [ReviewDecision]] = [:]
        for pair in mapping {
            guard let task = pair.key.scalar else {
                throw Problem(description: "\(pair.key.location): a task name must be a plain string")
            }
            answers[task] = try decisions(pair.value, task: task, path: path)
        }
        return answers
    }

    private static func decisions(_ node: YAMLNode, task: String, path: String) throws(Problem) -> [ReviewDecision] {
        let items = node.items ?? [node]
        var out: [ReviewDecision] = []
        for item in items {
            guard let text = answerText(item) else {
                throw Problem(
                    description: "\(item.location): an answer for task `\(task)` must be text: `approve`, "
                        + "`reject: reason`, or feedback")
            }
            guard let decision = ReviewAnswer.scripted(text) else {
                throw Problem(description: "\(item.location): an answer for task `\(task)` is empty")
            }
            out.append(decision)
        }
        return out
    }

    /// A scalar, or `reject: reason` that YAML read as a one-key mapping.
    private static func answerText(_ node: YAMLNode) -> String? {
        if let scalar = node.scalar { return scalar }
        guard let mapping = node.pairs, mapping.count == 1, let name = mapping[0].key.scalar,
            let reason = mapping[0].value.scalar
        else { return nil }
        return "\(name): \(reason)"
    }

    private static func check(_ answers: [String: [ReviewDecision]], path: String, plan: ExecutionPlan)
        throws(Problem)
    {
        var problems: [String] = []
        let reviewed = plan.tasks.filter(\.humanReview).map(\.name)
        for task in answers.keys.sorted() {
            if plan.task(named: task) == nil {
                let known = reviewed.isEmpty ? "no task has `human_review: true`" : "reviewed tasks: \(list(reviewed))"
                problems.append(
                    "the answers file \(path) names task `\(task)`, which the crew does not have (\(known))")
            } else if !reviewed.contains(task) {
                problems.append(
                    "the answers file \(path) answers task `\(task)`, which has no `human_review: true`; "
                        + "remove it or set human_review on the task")
            }
        }
        if !problems.isEmpty { throw Problem(description: problems.joined(separator: "\n")) }
    }

    static func list(_ names: [String]) -> String {
        names.map { "`\($0)`" }.joined(separator: ", ")
    }
}

/// How typed or scripted answers become decisions.
enum ReviewAnswer {
    /// An answers-file entry: `approve`/`approved`/`yes`, `reject` or `reject: reason`, else feedback.
    static func scripted(_ raw: String) -> ReviewDecision? {
        let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { return nil }
        let lower = text.lowercased()
        if ["approve", "approved", "yes"].contains(lower) { return .approve }
        if lower == "reject" { return .reject("") }
        if lower.hasPrefix("reject:") {
            return .reject(String(text.dropFirst("reject:".count)).trimmingCharacters(in: .whitespaces))
        }
        return .revise(text)
    }

    /// A line typed at the prompt: empty or `y` approves, `r reason` rejects, anything else is feedback.
    static func typed(_ raw: String) -> ReviewDecision {
        let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        let lower = text.lowercased()
        if ["", "y", "yes", "approve", "approved"].contains(lower) { return .approve }
        if lower == "r" { return .reject("") }
        if lower.hasPrefix("r ") { return .reject(String(text.dropFirst(2)).trimmingCharacters(in: .whitespaces)) }
        return scripted(text) ?? .approve
    }
}
