import CrewCore
import CrewDocuments
import CrewProviders

/// What a person decided about a draft of a `human_review` task.
public enum ReviewDecision: Sendable, Hashable {
    case approve
    /// Send the draft back to the agent with this feedback.
    case revise(String)
    /// Fail the task.
    case reject(String)
}

/// Whoever reviews drafts: a person at the terminal, `--approve-all`, or an `--answers` file.
public protocol Reviewer: Sendable {
    /// `round` is 1 for the first draft of `task`, 2 after the first feedback, and so on.
    func review(task: String, agent: String, draft: String, round: Int) async -> ReviewDecision
}

extension Executor {
    /// Drafts sent back more often than this fail the task, so a script that always gives feedback ends.
    static let maxReviewRounds = 10

    /// For a `human_review` task, the reviewer's decision on the output in `report`.
    func review(
        _ task: TaskDefinition, _ agent: AgentDefinition, _ messages: inout [ChatMessage], _ report: inout TaskReport
    ) async -> Next {
        guard task.humanReview else { return .done }
        guard let reviewer else {
            return .fail(
                "the task needs a human review, and this run has no reviewer (use a terminal, --approve-all or --answers)"
            )
        }
        let round = report.reviews + 1
        let decision = await reviewer.review(task: task.name, agent: agent.name, draft: report.output, round: round)
        // Ctrl-C while a person reads the draft: the task did not finish, it was not rejected.
        if Task.isCancelled { return .cancelled }
        var fields: [String: JSONValue] = ["round": .int(round)]
        switch decision {
        case .approve:
            fields["decision"] = .string("approved")
            emit(RunEvent(.review, task: task.name, fields: fields))
            return .done
        case .reject(let reason):
            fields["decision"] = .string("rejected")
            fields["feedback"] = .string(reason)
            emit(RunEvent(.review, task: task.name, fields: fields))
            return .fail("the reviewer rejected the output" + (reason.isEmpty ? "" : ": \(reason)"))
        case .revise(let feedback):
            fields["decision"] = .string("revise")
            fields["feedback"] = .string(feedback)
            emit(RunEvent(.review, task: task.name, fields: fields))
            guard round < Self.maxReviewRounds else {
                return .fail("the reviewer sent the output back \(round) times; giving up")
            }
            report.reviews = round
            messages += [ChatMessage(.assistant, report.output), PromptBuilder.feedback(feedback)]
            return .retry
        }
    }
}
