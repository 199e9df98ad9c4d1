import CrewCore
import CrewRuntime
import Foundation

/// On a terminal: a line per running task (spinner, elapsed time, tokens so far), redrawn ten times a second;
/// finished, failed and skipped tasks scroll above it as permanent lines.
final class LiveView: RunObserver, @unchecked Sendable {
    private struct Running {
        var started: Date
        var tokens: Int
    }

    private let queue = DispatchQueue(label: "crew.live-view")
    private var running: [(String, Running)] = []
    private var drawnLines = 0
    private var frame = 0
    private var timer: (any DispatchSourceTimer)?
    private let color: Bool
    private static let spinner = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]

    init(color: Bool) {
        self.color = color
        let timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now(), repeating: .milliseconds(100))
        timer.setEventHandler { [weak self] in self?.redraw() }
        timer.resume()
        self.timer = timer
    }

    func handle(_ event: RunEvent) {
        queue.async { [self] in
            switch event.kind {
            case .taskStarted: running.append((event.task ?? "", Running(started: event.time, tokens: 0)))
            case .taskFinished, .taskFailed: running.removeAll { $0.0 == event.task }
            default: break
            }
            if let text = EventText.line(event), event.kind != .taskStarted {
                clear()
                FileHandle.standardOutput.write(Data((paint(event.kind, text) + "\n").utf8))
            }
            redraw()
        }
    }

    func progress(task: String, outputTokens: Int) {
        queue.async { [self] in
            if let index = running.firstIndex(where: { $0.0 == task }) { running[index].1.tokens = outputTokens }
        }
    }

    func stop() {
        queue.sync {
            timer?.cancel()
            timer = nil
            clear()
        }
    }

    private func paint(_ kind: RunEvent.Kind, _ text: String) -> String {
        guard color else { return text }
        switch kind {
        case .taskFinished: return "\u{1B}[32m✓\u{1B}[0m " + text
        case .taskFailed: return "\u{1B}[31m✗\u{1B}[0m " + text
        case .taskSkipped: return "\u{1B}[33m-\u{1B}[0m " + text
        default: return "  " + text
        }
    }

    /// Erases the running-task lines drawn last time.
    private func clear() {
        guard drawnLines > 0 else { return }
        FileHandle.standardOutput.write(Data(String(repeating: "\u{1B}[1A\u{1B}[2K", count: drawnLines).utf8))
        drawnLines = 0
    }

    private func redraw() {
        guard timer != nil else { return }
        clear()
        frame += 1
        var out = ""
        for (name, task) in running.prefix(20) {
            let elapsed = Date().timeIntervalSince(task.started)
            let spin = Self.spinner[frame % Self.spinner.count]
            out += "\(spin) \(name)  \(String(format: "%.1fs", elapsed))  ~\(task.tokens) tokens\n"
        }
        if running.count > 20 { out += "  ... and \(running.count - 20) more\n" }
        drawnLines = running.prefix(20).count + (running.count > 20 ? 1 : 0)
        FileHandle.standardOutput.write(Data(out.utf8))
    }
}
