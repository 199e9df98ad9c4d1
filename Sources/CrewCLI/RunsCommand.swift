import ArgumentParser
import CrewCore
import CrewDocuments
import CrewKit
import CrewRuntime
import Foundation

/// Where run records are: `--runs-dir`, else `.crew/runs` in the folder of the crew given (a crew folder, a crew
/// file's folder, a crewAI project), else in the current folder.
struct RunsFolderOptions: ParsableArguments {
    static let defaultRunsDir = ".crew/runs"

    @Option(
        help: "The runs folder (default: .crew/runs in the crew's folder, else in the current one).",
        completion: .directory)
    var runsDir: String?

    /// The folder the user named is trusted as given; what is below it is read through no link.
    func location(crew path: String? = nil) -> ConfinedPath {
        if let runsDir { return ConfinedPath(base: runsDir) }
        guard let path else { return ConfinedPath(base: Self.defaultRunsDir) }
        var isFolder: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isFolder)
        let base = exists && !isFolder.boolValue ? URL(fileURLWithPath: path).deletingLastPathComponent().path : path
        return ConfinedPath(base: base, below: ".crew/runs")
    }

    func store(crew path: String? = nil) -> RunStore { RunStore(location(crew: path)) }

    func check(crew path: String?) throws {
        if path != nil, runsDir != nil { throw ValidationError("give a crew folder or --runs-dir, not both") }
        if let path, !FileManager.default.fileExists(atPath: path) {
            throw ValidationError("no crew folder or file at `\(TerminalText.escape(path))`")
        }
    }
}

/// `[PATH] RUN`: a run id alone (runs of the current folder), or a crew's path and then a run id.
struct RunReference: ParsableArguments {
    @Argument(
        help: "A run id, a prefix of one, or `last`; or a crew's path (folder, crew file, crewAI project) and then one."
    )
    var words: [String] = []

    var crew: String? { words.count == 2 ? words[0] : nil }
    var runID: String { words.last ?? "" }

    func validate() throws {
        guard (1...2).contains(words.count) else {
            throw ValidationError("give a run id, or a crew's path and a run id")
        }
    }
}

/// `crew runs`: the recorded runs, newest first.
struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration.crew("runs", abstract: "List recorded runs.")

    @Argument(
        help: "A crew folder (or crew file, or crewAI project): its runs are in .crew/runs below it.",
        completion: .directory)
    var path: String?

    @OptionGroup var folder: RunsFolderOptions

    func validate() throws { try folder.check(crew: path) }

    func run() throws {
        let location = folder.location(crew: path)
        let listings = Engine.shared.runs(in: location)
        guard !listings.isEmpty else {
            Terminal.out("no runs in \(location)\n")
            return
        }
        var rows = [["id", "crew", "status", "started", "duration", "tokens", "cost"]]
        for listing in listings {
            let run = listing.record
            let totals = run.totals
            rows.append([
                listing.id, TerminalText.escape(run.crew),
                listing.crashed ? "interrupted (crashed)" : run.status.rawValue, Timestamp.iso8601(run.startedAt),
                run.durationMS.map(Summary.duration) ?? "",
                totals.map { String($0.inputTokens + $0.outputTokens) } ?? "", totals?.costUSD.map(Summary.money) ?? "",
            ])
        }
        Terminal.out(Summary.render(rows, leftColumns: 4))
    }
}

/// `crew show RUN_ID`: a run's tasks and their outputs.
struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration.crew("show", abstract: "Show a run's tasks and outputs.")

    @OptionGroup var reference: RunReference

    @OptionGroup var folder: RunsFolderOptions

    func validate() throws { try folder.check(crew: reference.crew) }

    func run() throws {
        let store = folder.store(crew: reference.crew)
        let id = try lookup(store, reference.runID)
        Terminal.out(Summary.table(runID: id, store: store))
        guard let run = store.record(id) else { return }
        let outputs = store.finishedOutputs(id)
        let events = Dictionary(grouping: store.events(id).filter { $0.task != nil }) { $0.task ?? "" }
        let results = store.taskResults(id)
        for task in run.tasks {
            guard let result = results[task] else { continue }
            Terminal.out("\n=== \(TerminalText.escape(task)) (\(result.status.rawValue))\n")
            Terminal.out(ActivityReport.text(result: result, events: events[task] ?? []))
            if let error = result.error {
                Terminal.out("error: \(error)\n")
            } else if let output = outputs[task] {
                Terminal.out(output.hasSuffix("\n") ? output : output + "\n")
            }
        }
    }
}

/// `crew logs RUN_ID [--follow]`: a run's events; `--follow` waits for new ones until the run ends.
struct LogsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration.crew("logs", abstract: "Print a run's events.")

    @OptionGroup var reference: RunReference

    @OptionGroup var folder: RunsFolderOptions

    @Flag(name: .shortAndLong, help: "Keep printing new events until the run finishes.")
    var follow = false

    @Flag(help: "Print the events as JSON lines.")
    var json = false

    func validate() throws { try folder.check(crew: reference.crew) }

    func run() async throws {
        let store = folder.store(crew: reference.crew)
        let id = try lookup(store, reference.runID)
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
        throw Engine.fail(error)
    }
}
