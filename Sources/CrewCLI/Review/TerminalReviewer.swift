import CrewCore
import CrewRuntime
import Foundation

/// A person at the terminal reviews each draft. Reviews are asked one at a time, even when tasks finish together,
/// and the live view is paused while a question is on screen so that it does not draw over the answer.
final class TerminalReviewer: Reviewer, @unchecked Sendable {
    /// Reading stdin blocks, so it happens on this queue rather than on a thread of the shared task pool; being
    /// serial, it is also what makes reviews take turns.
    private let queue = DispatchQueue(label: "crew.review")
    private let view: RunView
    private let write: @Sendable (String) -> Void
    private let color: Bool
    private let lock = NSLock()
    /// A question is on screen, waiting for its answer.
    private var asking = false

    init(view: RunView, toStandardError: Bool) {
        self.view = view
        // Raw: `ask` escapes the draft and names itself, then adds its own bold.
        self.write = toStandardError ? Terminal.errRaw : Terminal.outRaw
        self.color = Terminal.useColor(fileDescriptor: toStandardError ? 2 : 1)
    }

    func review(task: String, agent: String, draft: String, round: Int) async -> ReviewDecision {
        let once = Once<ReviewDecision>()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                once.set(continuation)
                queue.async { [self] in
                    // A run interrupted while this waited its turn asks nothing more.
                    guard !once.done else { return }
                    once.resume(ask(task: task, agent: agent, draft: draft, round: round))
                }
            }
        } onCancel: {
            // The question stays unanswered on screen; what follows starts on a line of its own.
            if lock.withLock({ asking }) { write("\n") }
            once.resume(.reject("the run was interrupted during the review"))
        }
    }

    private func ask(task: String, agent: String, draft: String, round: Int) -> ReviewDecision {
        view.pause()
        lock.withLock { asking = true }
        defer {
            lock.withLock { asking = false }
            view.resume()
        }
        let title = TerminalText.escape("review: task `\(task)` (agent `\(agent)`), draft \(round)")
        let body = TerminalText.escapeBlock(draft.hasSuffix("\n") ? draft : draft + "\n")
        write("\n" + bold("── \(title) ──") + "\n" + body + bold("──") + "\n")
        write("approve? [y] / feedback / r reason: ")
        guard let line = readLine(strippingNewline: true) else {
            write("\n")
            return .reject("stdin closed before the review of task `\(task)` was answered")
        }
        return ReviewAnswer.typed(line)
    }

    private func bold(_ text: String) -> String {
        color ? "\u{1B}[1m\(text)\u{1B}[0m" : text
    }
}

/// A continuation resumed once, by whichever comes first: the answer or the cancellation.
private final class Once<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<Value, Never>?
    private var early: Value?
    private var finished = false

    var done: Bool { lock.withLock { finished } }

    func set(_ continuation: CheckedContinuation<Value, Never>) {
        let value: Value? = lock.withLock {
            if let early { return early }
            self.continuation = continuation
            return nil
        }
        if let value { continuation.resume(returning: value) }
    }

    func resume(_ value: Value) {
        let waiting: CheckedContinuation<Value, Never>? = lock.withLock {
            guard !finished else { return nil }
            finished = true
            guard let continuation else {
                early = value
                return nil
            }
            self.continuation = nil
            return continuation
        }
        waiting?.resume(returning: value)
    }
}
