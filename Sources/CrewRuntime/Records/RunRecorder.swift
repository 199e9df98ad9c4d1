import CrewCore
import CrewDocuments
import Foundation

/// Writes a run's record as the run goes (specs/run-record.md, record version 2): events and messages appended one
/// whole line per `write`, each output written before the line that declares it whole, every other file atomically,
/// so `kill -9` at any moment leaves a record that `--resume` can read. A task adds one file to the record, its
/// output: its messages and its result are lines of the run's two logs, because creating files is what a fast run
/// spent most of its system time on.
public final class RunRecorder: RunObserver, @unchecked Sendable {
    /// The run folder's path, as shown.
    public let folder: String
    public let runID: String
    /// Every record file is written below this folder, through no link (a crew's `.crew` may be one).
    let files: ConfinedFolder
    private let lock = NSLock()
    private let events: Int32
    private let messages: Int32
    /// `tasks`, opened once.
    private let tasks: ConfinedFolder
    /// The conversation each running task last recorded: a request sends it again with a few messages more, and only
    /// those are appended.
    private var sentMessages: [String: [JSONValue]] = [:]

    /// Opens (or, for a resumed run, reopens) the run folder `runID` under `runs`. `logs` is the folder, inside the
    /// run's, of `events.jsonl` and `messages.jsonl`: the run folder itself, or, for one task run on its own
    /// (`RunSession.step`), `tasks/<task>`.
    public init(runs: ConfinedPath, runID: String, logs: String = "") throws(PathFailure) {
        guard Names.isRunID(runID) else { throw PathFailure(runID, .leaves, hint: "not a run id") }
        let files = try ConfinedFolder.open(runs.appending(runID), create: true)
        tasks = try files.folder("tasks", create: true)
        let prefix = logs.isEmpty ? "" : logs + "/"
        if !logs.isEmpty { _ = try files.folder(logs, create: true) }
        events = try files.openForAppend(prefix + "events.jsonl")
        do {
            messages = try files.openForAppend(prefix + "messages.jsonl")
        } catch {
            close(events)
            throw error
        }
        self.files = files
        self.folder = files.path
        self.runID = runID
    }

    deinit {
        close(events)
        close(messages)
    }

    public func handle(_ event: RunEvent) {
        try? append(event)
    }

    /// Appends `event` to events.jsonl, failing when it could not be written whole: a task's ending is its result,
    /// and a result that is not on disk must fail the task.
    public func append(_ event: RunEvent) throws(PathFailure) {
        try appendLine(event.line, to: events, file: "events.jsonl")
    }

    /// Writes `line` (its end included) with one `write(2)`.
    private func appendLine(_ line: [UInt8], to fd: Int32, file: String) throws(PathFailure) {
        let failure = lock.withLock { ConfinedFolder.writeAll(fd, line) }
        if let failure { throw PathFailure(files.display(file), .system(failure)) }
    }

    /// Takes the run folder's lock for this process (see `RunLock`); `owner` says who holds it when it is taken.
    func lock(owner: () -> RunOwner? = { nil }) throws -> RunLock {
        try RunLock(files, runID: runID, owner: owner)
    }

    public func writeRun(_ run: RunRecord) throws(PathFailure) {
        try files.write(run.json.serialized(pretty: true) + "\n", to: "run.json")
    }

    public func writePlan(_ plan: ExecutionPlan) throws(PathFailure) {
        try files.write(plan.fileData, to: "plan.json")
    }

    /// The messages exactly as sent, before the request goes out: a line of messages.jsonl with the messages that
    /// differ from what the task recorded last (`from` says how many of those it keeps).
    public func writeMessages(task: String, _ conversation: [JSONValue]) throws(PathFailure) {
        try Self.check(task)
        let from: Int? = lock.withLock {
            let sent = sentMessages[task]
            guard let sent else { return 0 }
            let kept = zip(sent, conversation).prefix { $0 == $1 }.count
            return kept == sent.count && kept == conversation.count ? nil : kept
        }
        guard let from else { return }
        let line = JSONValue.object([
            "task": .string(task), "from": .int(from), "messages": .array(Array(conversation[from...])),
        ])
        var bytes: [UInt8] = []
        line.append(to: &bytes)
        bytes.append(UInt8(ascii: "\n"))
        try appendLine(bytes, to: messages, file: "messages.jsonl")
        lock.withLock { sentMessages[task] = conversation }
    }

    /// A task's output, in its folder: written in place, before the `task_finished` event that says it is whole. An
    /// output cut short by a crash has no such event, so it is nobody's result, and a resume writes it anew.
    public func writeOutput(task: String, _ output: String, format: TaskResult.OutputFormat) throws(PathFailure) {
        try Self.check(task)
        try tasks.writeInPlace(Array(output.utf8), to: task + "/" + format.fileName)
    }

    /// A task's name passes the name rule, or nothing of it is recorded: a name is never a path.
    private static func check(_ task: String) throws(PathFailure) {
        guard Names.isValid(task) else {
            throw PathFailure(task, .leaves, hint: "a task's name must use \(Names.rule)")
        }
    }

    /// Forgets what a task sent; it ended.
    public func release(task: String) {
        lock.withLock { sentMessages[task] = nil }
    }

    /// Claims a new run's folder under `runs`: a fresh id whose folder this call created, so no other run (in this
    /// process or another) has it. Ids of one second differ in 4 random hex digits; a taken one is drawn again.
    public static func reserve(runs: ConfinedPath, now: Date = Date()) throws -> String {
        let folder = try ConfinedFolder.open(runs, create: true)
        let stamp = secondStamp(now)
        for _ in 0..<64 {
            let id = newRunID(stamp: stamp)
            if try folder.createNewFolder(id) { return id }
        }
        throw CrewFailure(.r509, "no free run id in \(folder.path) for this second", hint: "try again")
    }

    /// Claims the folder of run `id`, which the caller chose; a run with that id is refused.
    public static func claim(_ id: String, runs: ConfinedPath) throws {
        guard Names.isRunID(id) else { throw PathFailure(id, .leaves, hint: "not a run id") }
        let folder = try ConfinedFolder.open(runs, create: true)
        guard try folder.createNewFolder(id) else {
            throw CrewFailure(
                .r509, "a run `\(id)` already exists in \(folder.path)", hint: "choose another id, or resume that run")
        }
    }

    /// A candidate run id: UTC time to the second (so ids sort by start) and 4 random hex digits. `reserve` makes one
    /// yours.
    static func newRunID(stamp: String) -> String {
        let hex = String(UInt16.random(in: 0...UInt16.max), radix: 16)
        return stamp + "-" + String(repeating: "0", count: 4 - hex.count) + hex
    }

    /// `yyyyMMdd-HHmmss` in UTC: the part of a run id that sorts by start. Cut from the record's own timestamp: a
    /// Foundation date formatter would load ICU, megabytes of memory for one string per run.
    static func secondStamp(_ now: Date) -> String {
        let whole = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
        let bytes = Array(Timestamp.iso8601(whole).utf8)  // 2026-11-26T11:52:14.000Z
        let date = bytes[0..<4] + bytes[5..<7] + bytes[8..<10]
        let time = bytes[11..<13] + bytes[14..<16] + bytes[17..<19]
        return String(decoding: date, as: UTF8.self) + "-" + String(decoding: time, as: UTF8.self)
    }
}
