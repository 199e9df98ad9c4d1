import ArgumentParser
import CrewCore
import CrewRuntime
import Foundation

/// Where run records are: `--runs-dir`, else `.crew/runs` under the crew folder given (default: here).
struct RunsFolderOptions: ParsableArguments {
    @Option(help: "The runs folder (default: .crew/runs in the current folder).", completion: .directory)
    var runsDir: String = ".crew/runs"

    /// The folder the user named is trusted as given; what is below it is read through no link.
    var store: RunStore { RunStore(ConfinedPath(base: runsDir)) }
}

/// `crew runs`: the recorded runs, newest first.
struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "runs", abstract: "List recorded runs.")

    @OptionGroup var folder: RunsFolderOptions

    func run() throws {
        let store = folder.store
        let ids = store.runIDs()
        guard !ids.isEmpty else {
            Terminal.out("no runs in \(folder.runsDir)\n")
            return
        }
        var rows = [["id", "crew", "status", "started", "duration", "tokens", "cost"]]
        for id in ids {
            guard let run = store.runJSON(id) else { continue }
            let totals = run["totals"]
            let tokens = (totals?["input_tokens"]?.intValue ?? 0) + (totals?["output_tokens"]?.intValue ?? 0)
            rows.append([
                id, TerminalText.escape(run["crew"]?.stringValue ?? ""), store.shownStatus(id, run: run),
                run["started_at"]?.stringValue ?? "", run["duration_ms"]?.intValue.map(Summary.duration) ?? "",
                totals == nil ? "" : String(tokens), totals?["cost_usd"]?.doubleValue.map(Summary.money) ?? "",
            ])
        }
        Terminal.out(Summary.render(rows, leftColumns: 4))
    }
}

/// `crew show RUN_ID`: a run's tasks and their outputs.
struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show a run's tasks and outputs.")

    @Argument(help: "A run id, a prefix of one, or `last`.")
    var runID: String

    @OptionGroup var folder: RunsFolderOptions

    func run() throws {
        let store = folder.store
        let id = try lookup(store, runID)
        Terminal.out(Summary.table(runID: id, store: store))
        guard let run = store.runJSON(id) else { return }
        let outputs = store.finishedOutputs(id)
        let events = Dictionary(grouping: store.events(id).filter { $0.task != nil }) { $0.task ?? "" }
        for task in (run["tasks"]?.arrayValue ?? []).compactMap(\.stringValue) {
            guard let result = store.taskResult(id, task: task) else { continue }
            Terminal.out(
                "\n=== \(TerminalText.escape(task)) (\(TerminalText.escape(result["status"]?.stringValue ?? "")))\n")
            Terminal.out(ActivityReport.text(result: result, events: events[task] ?? []))
            if let error = result["error"]?.stringValue {
                Terminal.out("error: \(error)\n")
            } else if let output = outputs[task] {
                Terminal.out(output.hasSuffix("\n") ? output : output + "\n")
            }
        }
    }
}

/// `crew logs RUN_ID [--follow]`: a run's events; `--follow` waits for new ones until the run ends.
struct LogsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "logs", abstract: "Print a run's events.")

    @Argument(help: "A run id, a prefix of one, or `last`.")
    var runID: String

    @OptionGroup var folder: RunsFolderOptions

    @Flag(name: .shortAndLong, help: "Keep printing new events until the run finishes.")
    var follow = false

    @Flag(help: "Print the events as JSON lines.")
    var json = false

    func run() async throws {
        let store = folder.store
        let id = try lookup(store, runID)
        var printed = 0
        while true {
            let events = store.events(id)
            for event in events.dropFirst(printed) {
                if json {
                    Terminal.outRaw(event.json.serialized() + "\n")
                } else if let text = EventText.line(event) {
                    Terminal.out("\(Timestamp.iso8601(event.time)) \(text)\n")
                }
            }
            printed = events.count
            let finished = events.last?.kind == .runFinished
            if !follow || finished { return }
            // A process killed mid-run never writes its last event; its released lock says it is gone.
            if store.isCrashed(id) {
                Terminal.err("run \(id) is interrupted (crashed): its process ended without finishing it\n")
                throw ExitCode(1)
            }
            try await Task.sleep(nanoseconds: 200_000_000)
        }
    }
}

func lookup(_ store: RunStore, _ id: String) throws -> String {
    do {
        return try store.find(id)
    } catch {
        Terminal.err("error: \(error)\n")
        throw ExitCode(1)
    }
}
