import CrewCore
import CrewDocuments
import CrewRuntime
import Foundation

/// How a run shows on the terminal: a live view on a terminal, timestamped lines otherwise, JSON lines with
/// `--json`, nothing but the verdict with `--quiet`.
final class RunView: Sendable {
    let observers: [any RunObserver]
    private let live: LiveView?
    private let showSummary: Bool
    private let quiet: Bool
    /// The plan's tasks in order: the last one that finished is the run's answer, printed at the end.
    private let tasks: [String]

    private init(observers: [any RunObserver], live: LiveView?, showSummary: Bool, quiet: Bool, tasks: [String]) {
        self.observers = observers
        self.live = live
        self.showSummary = showSummary
        self.quiet = quiet
        self.tasks = tasks
    }

    static func make(json: Bool, quiet: Bool, plan: ExecutionPlan, runs: ConfinedPath) -> RunView {
        let tasks = plan.tasks.map(\.name)
        if json {
            return RunView(
                observers: [JSONLines(runs: runs)], live: nil, showSummary: false, quiet: false, tasks: tasks)
        }
        if quiet { return RunView(observers: [], live: nil, showSummary: false, quiet: true, tasks: tasks) }
        if Terminal.useColor(fileDescriptor: 1) || isatty(1) == 1 {
            let live = LiveView(color: Terminal.useColor(fileDescriptor: 1))
            return RunView(observers: [live], live: live, showSummary: true, quiet: false, tasks: tasks)
        }
        return RunView(observers: [PlainLines()], live: nil, showSummary: true, quiet: false, tasks: tasks)
    }

    func stop() {
        live?.stop()
    }

    /// Makes room for a review question; the live view holds its lines until `resume`.
    func pause() {
        live?.pause()
    }

    func resume() {
        live?.resume()
    }

    func finish(_ outcome: RunSession.Outcome, store: RunStore) {
        live?.stop()
        if showSummary {
            // The record is read back once: a long run's events.jsonl is most of what ending a run costs.
            let events = store.events(outcome.runID, kinds: RunStore.endingKinds)
            let results = store.taskResults(outcome.runID, events: events)
            finalOutput(outcome, store: store, results: results)
            Terminal.out(Summary.table(runID: outcome.runID, store: store, events: events, results: results))
            Terminal.out("run \(outcome.runID): \(outcome.status.rawValue); record in \(outcome.folder)\n")
        } else if quiet {
            // Errors and the final status, as --quiet promises: the status on stdout, why on stderr.
            Terminal.out("run \(outcome.runID): \(outcome.status.rawValue)\n")
            if outcome.status != .succeeded {
                Terminal.err("`crew show \(outcome.runID)` says why\n")
            }
        }
    }
}

extension RunView {
    /// Terminal output is cut here; the whole answer stays in the run's record.
    static let finalOutputLimit = 64 << 10

    /// The answer of the last task (in plan order) that finished, before the summary: what the user ran the crew for.
    private func finalOutput(_ outcome: RunSession.Outcome, store: RunStore, results: [String: TaskResult]) {
        let answered = tasks.lazy.reversed().compactMap { task in
            results[task].flatMap { store.output(outcome.runID, task: task, result: $0) }.map { (task, $0) }
        }
        guard let (task, text) = answered.first else { return }
        let cut = text.utf8.count > Self.finalOutputLimit
        let shown = cut ? String(decoding: text.utf8.prefix(Self.finalOutputLimit), as: UTF8.self) : text
        Terminal.out("\n── output of `\(task)` ──\n\(shown)\(shown.hasSuffix("\n") ? "" : "\n")")
        if cut { Terminal.out("… (cut at 64 KiB; the whole answer is in \(outcome.folder)/tasks/\(task)/)\n") }
        Terminal.out("\n")
    }
}

/// `--json`: each event as one JSON line on stdout, as in events.jsonl, with one addition: `task_finished` also
/// carries the task's answer as `output_text` (read back from the run's record, at most 16 MiB), so a script needs
/// no second read.
final class JSONLines: RunObserver, @unchecked Sendable {
    private let runs: ConfinedPath
    private let lock = NSLock()
    private var runID: String?

    static let outputLimit = 16 << 20

    init(runs: ConfinedPath) {
        self.runs = runs
    }

    func handle(_ event: RunEvent) {
        var json = event.json
        if event.kind == .runStarted, let id = event.fields["run_id"]?.stringValue { lock.withLock { runID = id } }
        if event.kind == .taskFinished, let text = outputText(event), case .object(var members) = json {
            members["output_text"] = .string(text)
            json = .object(members)
        }
        Terminal.outRaw(json.serialized() + "\n")
    }

    private func outputText(_ event: RunEvent) -> String? {
        guard let id = lock.withLock({ runID }), let file = event.fields["output"]?.stringValue,
            let folder = try? ConfinedFolder.open(runs.appending(id)),
            let bytes = try? folder.read(file, limit: Self.outputLimit)
        else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// Not a terminal: one timestamped line per event worth reading.
struct PlainLines: RunObserver {
    func handle(_ event: RunEvent) {
        guard let text = EventText.line(event) else { return }
        let time = Timestamp.iso8601(event.time)
        Terminal.out("\(time) \(text)\n")
    }
}

/// Event descriptions shared by the plain lines, the live view and `crew logs`.
enum EventText {
    static func line(_ event: RunEvent) -> String? {
        let task = event.task.map { "`\($0)`" } ?? ""
        let f = event.fields
        switch event.kind {
        case .runStarted:
            return
                "run \(f["run_id"]?.stringValue ?? "") of `\(f["crew"]?.stringValue ?? "")`: \(f["tasks"]?.intValue ?? 0) tasks"
                + ((f["reused"]?.intValue ?? 0) > 0
                    ? ", \(f["reused"]?.intValue ?? 0) reused from the earlier attempt" : "")
        case .knowledgeHits:
            let count = f["hits"]?.arrayValue?.count ?? 0
            return "\(task) got \(count) passages from knowledge base `\(f["knowledge"]?.stringValue ?? "")`"
        case .taskStarted:
            return
                "started \(task) (agent `\(f["agent"]?.stringValue ?? "")`, model `\(f["model"]?.stringValue ?? "")`)"
        // Retries and the task's end say more; a line per request or answer would only be noise.
        case .request, .response: return nil
        case .retry:
            if f["reason"]?.stringValue == "schema" { return "re-asking \(task): the answer broke the output schema" }
            return
                "retrying \(task) (attempt \(f["attempt"]?.intValue ?? 0) in \(f["delay_ms"]?.intValue ?? 0) ms): \(f["error"]?.stringValue ?? "")"
        case .toolCall, .toolResult, .delegationStarted, .delegationFinished, .review:
            return activity(event, task: task)
        case .taskFinished:
            let calls = f["tool_calls"]?.intValue ?? 0
            if f["cached"] == .bool(true) { return "finished \(task) from the cache" }
            return "finished \(task) in \(Summary.duration(f["latency_ms"]?.intValue ?? 0)), "
                + "\(f["input_tokens"]?.intValue ?? 0)+\(f["output_tokens"]?.intValue ?? 0) tokens"
                + (f["cost_usd"]?.doubleValue.map { ", \(Summary.money($0))" } ?? "")
                + (calls > 0 ? ", \(calls) tool call\(calls == 1 ? "" : "s")" : "")
        case .taskFailed: return "FAILED \(task): \(f["error"]?.stringValue ?? "")"
        case .taskSkipped: return "skipped \(task): \(f["reason"]?.stringValue ?? "")"
        case .taskReused: return "reused \(task) from the earlier attempt"
        case .taskCached:
            let saved = (f["saved_input_tokens"]?.intValue ?? 0) + (f["saved_output_tokens"]?.intValue ?? 0)
            return "cached \(task): answered from the task cache, \(saved) tokens saved"
                + (f["saved_cost_usd"]?.doubleValue.map { " (\(Summary.money($0)))" } ?? "")
        case .runFinished:
            let cached = f["cached"]?.intValue ?? 0
            let saved = (f["saved_input_tokens"]?.intValue ?? 0) + (f["saved_output_tokens"]?.intValue ?? 0)
            return "run \(f["status"]?.stringValue ?? "") in \(Summary.duration(f["duration_ms"]?.intValue ?? 0))"
                + (cached > 0 ? "; \(cached) task\(cached == 1 ? "" : "s") from the cache, \(saved) tokens saved" : "")
        }
    }

    /// Tool calls, delegations and reviews. A call made by an agent asked for help names that agent.
    private static func activity(_ event: RunEvent, task: String) -> String? {
        let f = event.fields
        let tool = f["tool"]?.stringValue ?? ""
        let who = f["agent"]?.stringValue.map { "\(task) (\($0))" } ?? task
        let duration = Summary.duration(f["duration_ms"]?.intValue ?? 0)
        switch event.kind {
        case .toolCall:
            return "\(who) calls \(ToolText.call(tool, arguments: f["arguments"]?.stringValue ?? ""))"
        case .toolResult where f["error"]?.boolValue == true:
            return "\(who) \(tool) failed in \(duration): \(ToolText.excerpt(f["result"]?.stringValue ?? ""))"
        case .toolResult:
            return "\(who) \(tool) returned \(ToolText.size(f["result_chars"]?.intValue ?? 0)) in \(duration)"
        case .delegationStarted:
            let question = ToolText.flat(f["question"]?.stringValue ?? "", limit: 60)
            return "\(task): \(f["from"]?.stringValue ?? "") asks \(f["agent"]?.stringValue ?? ""): "
                + "\"\(question)\""
        case .delegationFinished:
            return "\(task): \(delegationOutcome(f))"
        case .review:
            return "review of \(task), draft \(f["round"]?.intValue ?? 0): \(reviewOutcome(f))"
        default: return nil
        }
    }

    static func delegationOutcome(_ f: [String: JSONValue]) -> String {
        let agent = f["agent"]?.stringValue ?? ""
        let time = Summary.duration(f["latency_ms"]?.intValue ?? 0)
        if let error = f["error"]?.stringValue { return "\(agent) could not answer after \(time): \(error)" }
        return "\(agent) answered in \(time), \(ToolText.size(f["answer_chars"]?.intValue ?? 0)), "
            + "\(f["input_tokens"]?.intValue ?? 0)+\(f["output_tokens"]?.intValue ?? 0) tokens"
    }

    static func reviewOutcome(_ f: [String: JSONValue]) -> String {
        let feedback = ToolText.excerpt(f["feedback"]?.stringValue ?? "")
        switch f["decision"]?.stringValue {
        case "approved": return "approved"
        case "rejected": return feedback.isEmpty ? "rejected" : "rejected: \(feedback)"
        default: return "sent back: \(feedback)"
        }
    }
}
