import CrewCore
import CrewDocuments
import CrewRuntime
import Foundation

/// On a terminal: a line per running task (spinner, elapsed time, tokens so far, the tool call it waits for),
/// redrawn ten times a second; finished, failed and skipped tasks scroll above it as permanent lines.
final class LiveView: RunObserver, @unchecked Sendable {
    private struct Running {
        var name: String
        var agent: String
        var started: Date
        var tokens = 0
        /// Calls in flight (id, as shown), the latest last.
        var calls: [(id: String, text: String)] = []
        /// Agents asked for help and still answering, the latest last.
        var asked: [String] = []

        var activity: String? {
            if let call = calls.last { return call.text }
            return asked.last.map { "waiting for \($0)" }
        }
    }

    private let queue = DispatchQueue(label: "crew.live-view")
    private var running: [Running] = []
    private var drawnLines = 0
    private var frame = 0
    private var timer: (any DispatchSourceTimer)?
    /// While a review question is on screen, lines wait here and nothing is redrawn.
    private var held: [String]?
    private let color: Bool
    private static let spinner = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]
    private static let activityWidth = 60

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
            track(event)
            if shownAsLine(event), let text = EventText.line(event) {
                emit(paint(event.kind, text) + "\n")
            }
            redraw()
        }
    }

    var followsStreamedText: Bool { true }

    func progress(task: String, outputTokens: Int) {
        queue.async { [self] in
            if let index = running.firstIndex(where: { $0.name == task }) { running[index].tokens = outputTokens }
        }
    }

    func stop() {
        queue.sync {
            timer?.cancel()
            timer = nil
            clear()
            flushHeld()
        }
    }

    /// Clears the running lines and holds new ones until `resume`.
    func pause() {
        queue.sync {
            clear()
            if held == nil { held = [] }
        }
    }

    func resume() {
        queue.sync {
            flushHeld()
            redraw()
        }
    }

    private func flushHeld() {
        guard let lines = held else { return }
        held = nil
        for line in lines { FileHandle.standardOutput.write(Data(line.utf8)) }
    }

    private func emit(_ line: String) {
        if held != nil {
            held?.append(line)
            return
        }
        clear()
        FileHandle.standardOutput.write(Data(line.utf8))
    }

    /// Tool calls show in the running line while they last; only failed ones leave a permanent line.
    private func shownAsLine(_ event: RunEvent) -> Bool {
        switch event.kind {
        case .taskStarted, .toolCall: return false
        case .toolResult: return event.fields["error"]?.boolValue == true
        default: return true
        }
    }

    private func track(_ event: RunEvent) {
        let f = event.fields
        if event.kind == .taskStarted {
            running.append(
                Running(name: event.task ?? "", agent: f["agent"]?.stringValue ?? "", started: event.time))
            return
        }
        guard let index = running.firstIndex(where: { $0.name == event.task }) else { return }
        let callID = f["call_id"]?.stringValue ?? ""
        switch event.kind {
        case .taskFinished, .taskFailed: running.remove(at: index)
        case .toolCall:
            let who = f["agent"]?.stringValue ?? running[index].agent
            let call = ToolText.call(
                f["tool"]?.stringValue ?? "", arguments: f["arguments"]?.stringValue ?? "", limit: Self.activityWidth)
            running[index].calls.append((callID, "\(who): \(call)"))
        case .toolResult: running[index].calls.removeAll { $0.id == callID }
        case .delegationStarted: running[index].asked.append(f["agent"]?.stringValue ?? "")
        case .delegationFinished:
            if let last = running[index].asked.lastIndex(of: f["agent"]?.stringValue ?? "") {
                running[index].asked.remove(at: last)
            }
        default: break
        }
    }

    /// Event text holds names and tool arguments from the crew and the model: escaped before any colour is added.
    private func paint(_ kind: RunEvent.Kind, _ raw: String) -> String {
        let text = TerminalText.escape(raw)
        guard color else { return text }
        switch kind {
        case .taskFinished: return "\u{1B}[32m✓\u{1B}[0m " + text
        case .taskFailed: return "\u{1B}[31m✗\u{1B}[0m " + text
        case .taskSkipped: return "\u{1B}[33m-\u{1B}[0m " + text
        case .toolResult: return "\u{1B}[33m!\u{1B}[0m " + text
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
        guard timer != nil, held == nil else { return }
        clear()
        frame += 1
        var out = ""
        for task in running.prefix(20) {
            let elapsed = Date().timeIntervalSince(task.started)
            let spin = Self.spinner[frame % Self.spinner.count]
            out +=
                "\(spin) \(TerminalText.escape(task.name))  \(String(format: "%.1fs", elapsed))  ~\(task.tokens) tokens"
            out += task.activity.map { "  \(dim(TerminalText.escape($0)))\n" } ?? "\n"
        }
        if running.count > 20 { out += "  ... and \(running.count - 20) more\n" }
        drawnLines = running.prefix(20).count + (running.count > 20 ? 1 : 0)
        FileHandle.standardOutput.write(Data(out.utf8))
    }

    private func dim(_ text: String) -> String {
        color ? "\u{1B}[2m\(text)\u{1B}[0m" : text
    }
}
