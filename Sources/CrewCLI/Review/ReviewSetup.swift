import CrewCore
import CrewDocuments
import CrewRuntime
import Foundation

/// Who reviews the drafts of `human_review` tasks in `crew run`, decided before anything runs.
enum ReviewSetup {
    enum Choice {
        case none
        case fixed(any Reviewer)
        /// Needs the run's view, to pause it while asking.
        case terminal
    }

    /// No way to review, or an answers file that cannot be used.
    struct Problem: CodedFailure {
        var code: FailureCode { .r517 }
        var description: String
    }

    static func choose(plan: ExecutionPlan, approveAll: Bool, answers: String?) throws(Problem) -> Choice {
        if approveAll { return .fixed(ApproveAll()) }
        if let answers {
            do {
                return .fixed(try AnswersFile.load(answers, plan: plan))
            } catch {
                throw Problem(description: error.description)
            }
        }
        let reviewed = plan.tasks.filter(\.humanReview).map(\.name)
        guard !reviewed.isEmpty else { return .none }
        guard isatty(0) == 1, isatty(1) == 1 else {
            let noun = reviewed.count == 1 ? "task" : "tasks"
            throw Problem(
                description: "\(noun) \(AnswersFile.list(reviewed)) need a human review, and this is not a terminal "
                    + "to ask on; pass --approve-all to approve every draft, or --answers FILE to answer from a file")
        }
        return .terminal
    }

    static func reviewer(_ choice: Choice, view: RunView, json: Bool) -> (any Reviewer)? {
        switch choice {
        case .none: return nil
        case .fixed(let reviewer): return reviewer
        // With --json, stdout carries events only; the questions go to stderr.
        case .terminal: return TerminalReviewer(view: view, toStandardError: json)
        }
    }
}
