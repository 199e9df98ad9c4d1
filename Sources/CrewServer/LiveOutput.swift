import CrewDocuments
import CrewRuntime
import Foundation

/// The answers a run's models are streaming now, per task, for the live view: not in the record (the finished output
/// is), bounded per task, and dropped when the task ends. A `request` event starts a new answer (a retry, or the next
/// turn of an agent loop), so a stream shows the answer being written, never two run together.
final class LiveOutput: @unchecked Sendable {
    struct Answer: Sendable {
        /// Bumped for each new answer, so a stream knows to start over.
        var generation = 0
        var text = ""
        var truncated = false
    }

    /// The most text kept per answer (UTF-16 units, as the page counts them).
    static let limit = 256 << 10

    private let lock = NSLock()
    private var answers: [String: Answer] = [:]

    func append(task: String, piece: String) {
        lock.withLock {
            var answer = answers[task] ?? Answer()
            guard !answer.truncated else { return }
            if answer.text.utf16.count + piece.utf16.count > Self.limit {
                answer.truncated = true
            } else {
                answer.text += piece
            }
            answers[task] = answer
        }
    }

    func restart(task: String) {
        lock.withLock {
            let generation = (answers[task]?.generation ?? 0) + 1
            answers[task] = Answer(generation: generation)
        }
    }

    func finish(task: String) {
        lock.withLock { answers[task] = nil }
    }

    var snapshot: [String: Answer] { lock.withLock { answers } }
}

/// Feeds a run's streamed answers to its `LiveOutput` and wakes its event streams.
struct LiveOutputObserver: RunObserver {
    let pulse: EventPulse

    func handle(_ event: RunEvent) {
        guard let task = event.task else { return }
        switch event.kind {
        case .request: pulse.output.restart(task: task)
        case .taskFinished, .taskFailed, .taskSkipped: pulse.output.finish(task: task)
        default: return
        }
    }

    var followsStreamedText: Bool { true }

    func output(task: String, piece: String) {
        pulse.output.append(task: task, piece: piece)
        pulse.signal()
    }
}
