import CrewCore
import CrewDocuments
import Foundation

/// Writes a run's record as the run goes (specs/run-record.md): events appended one whole line per `write`,
/// every other file written atomically, so `kill -9` at any moment leaves a record that `--resume` can read.
public final class RunRecorder: RunObserver, @unchecked Sendable {
    /// The run folder's path, as shown.
    public let folder: String
    public let runID: String
    /// Every record file is written below this folder, through no link (a crew's `.crew` may be one).
    let files: ConfinedFolder
    private let lock = NSLock()
    private let events: Int32
    /// `tasks`, opened once.
    private let tasks: ConfinedFolder
    /// The folders of running tasks, opened once: a task's messages, output and result are written with no walk.
    /// The executor releases a task's folder when the task ends, so open descriptors follow the tasks in flight.
    private var taskFolders: [String: ConfinedFolder] = [:]
    /// The messages.json each running task last wrote: the same messages are not written again (a task of one
    /// turn writes them before its request and would write them again unchanged when it ends).
    private var writtenMessages: [String: String] = [:]

    /// Opens (or, for a resumed run, reopens) the run folder `runID` under `runs`. `events` is where event lines go:
    /// `events.jsonl`, or, for one task run on its own (`RunSession.step`), `tasks/<task>/events.jsonl`.
    public init(runs: ConfinedPath, runID: String, events eventsFile: String = "events.jsonl") throws(PathFailure) {
        guard Names.isRunID(runID) else { throw PathFailure(runID, .leaves, hint: "not a run id") }
        let files = try ConfinedFolder.open(runs.appending(runID), create: true)
        tasks = try files.folder("tasks", create: true)
        if let folder = eventsFile.split(separator: "/").dropLast().joined(separator: "/").nilIfEmpty {
            _ = try files.folder(folder, create: true)
        }
        events = try files.openForAppend(eventsFile)
        self.files = files
        self.folder = files.path
        self.runID = runID
    }

    deinit {
        close(events)
    }

    public struct RecordError: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    public func handle(_ event: RunEvent) {
        let line = Array((event.json.serialized() + "\n").utf8)
        lock.withLock {
            line.withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let written = write(events, buffer.baseAddress! + offset, buffer.count - offset)
                    if written <= 0 { break }
                    offset += written
                }
            }
        }
    }

    /// Takes the run folder's lock for this process (see `RunLock`); `owner` says who holds it when it is taken.
    func lock(owner: () -> RunOwner? = { nil }) throws -> RunLock {
        try RunLock(files, runID: runID, owner: owner)
    }

    public func writeRun(_ run: RunRecord) throws(PathFailure) {
        try files.write(run.json.serialized(pretty: true) + "\n", to: "run.json")
    }

    public func writePlan(_ plan: PlanDocument) throws(PathFailure) {
        try files.write(plan.fileText, to: "plan.json")
    }

    /// The messages exactly as sent, before the request goes out.
    public func writeMessages(task: String, _ messages: JSONValue) throws(PathFailure) {
        let text = messages.serialized(pretty: true) + "\n"
        guard lock.withLock({ writtenMessages[task] != text }) else { return }
        try taskFolder(task).write(text, to: "messages.json")
        lock.withLock { writtenMessages[task] = text }
    }

    /// The output first, then the result that says it is complete: a crash in between leaves the task unfinished.
    public func writeResult(task: String, output: String, result: TaskResult) throws(PathFailure) {
        let folder = try taskFolder(task)
        try folder.write(output, to: (result.outputFormat ?? .markdown).fileName)
        try folder.write(result.json.serialized(pretty: true) + "\n", to: "result.json")
    }

    public func writeFailure(task: String, result: TaskResult) throws(PathFailure) {
        try taskFolder(task).write(result.json.serialized(pretty: true) + "\n", to: "result.json")
    }

    /// Closes a task's folder; a later write opens it again.
    public func release(task: String) {
        lock.withLock {
            taskFolders[task] = nil
            writtenMessages[task] = nil
        }
    }

    /// `tasks/<task>`, for a task whose name passes the name rule only: a name is never a path.
    func taskFolder(_ task: String) throws(PathFailure) -> ConfinedFolder {
        guard Names.isValid(task) else {
            throw PathFailure(task, .leaves, hint: "a task's name must use \(Names.rule)")
        }
        if let open = lock.withLock({ taskFolders[task] }) { return open }
        let opened = try tasks.folder(task, create: true)
        return lock.withLock {
            if let raced = taskFolders[task] { return raced }
            taskFolders[task] = opened
            return opened
        }
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
        stamp + "-" + String(format: "%04x", UInt16.random(in: 0...UInt16.max))
    }

    /// `yyyyMMdd-HHmmss` in UTC: the part of a run id that sorts by start.
    static func secondStamp(_ now: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        return formatter.string(from: now)
    }
}

extension String {
    fileprivate var nilIfEmpty: String? { isEmpty ? nil : self }
}
