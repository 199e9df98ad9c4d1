import CrewCore
import CrewDocuments
import Foundation

/// The runs under a runs folder (default `.crew/runs`): listing, finding by id or prefix, and reading a record back,
/// tolerating a last line cut by a crash. Records are read below the folder through no link, regular files only.
public struct RunStore: Sendable {
    public let location: ConfinedPath
    /// The runs folder's path, as shown.
    public var folder: String { location.description }

    /// The largest record file read back: a run's events, a task's output.
    public static let maxRecordBytes = 256 << 20

    /// The runs folder opened once, for a reader that lives long (a server); nil opens it on every read.
    private let held: ConfinedFolder?

    public init(_ location: ConfinedPath) {
        self.location = location
        held = nil
    }

    /// A store that opens its runs folder now (making it when missing) and reads below that descriptor from then
    /// on, instead of walking the folder's path again for every file.
    public init(holding location: ConfinedPath) throws(PathFailure) {
        self.location = location
        held = try ConfinedFolder.open(location, create: true)
    }

    private func runs() -> ConfinedFolder? {
        held ?? (try? ConfinedFolder.open(location))
    }

    /// Run ids, newest first.
    public func runIDs() -> [String] {
        guard let runs = runs(), let entries = try? runs.entries() else { return [] }
        return entries.filter { $0.kind == .folder && Names.isRunID($0.name) }.map(\.name)
            .filter { runs.kind(of: $0 + "/run.json") == .file }.sorted(by: >)
    }

    public enum LookupError: CodedFailure {
        case notFound(String, String)
        case ambiguous(String, [String])

        public var code: FailureCode {
            switch self {
            case .notFound: return .r504
            case .ambiguous: return .r505
            }
        }

        public var description: String {
            switch self {
            case .notFound(let id, let folder):
                return "no run `\(TerminalText.escape(id))` in \(folder); `crew runs` lists them"
            case .ambiguous(let id, let matches):
                return "`\(TerminalText.escape(id))` matches several runs: \(matches.prefix(5).joined(separator: ", "))"
            }
        }
    }

    /// The run whose id is `id` or starts with it; `last` names the newest run.
    public func find(_ id: String) throws(LookupError) -> String {
        let ids = runIDs()
        if id == "last", let newest = ids.first { return newest }
        if ids.contains(id) { return id }
        let matches = ids.filter { $0.hasPrefix(id) }
        if matches.count == 1 { return matches[0] }
        throw matches.isEmpty ? .notFound(id, folder) : .ambiguous(id, matches)
    }

    /// A run's run.json; nil when it is missing or cannot be read (`recordOrError` says why).
    public func record(_ id: String) -> RunRecord? {
        try? recordOrError(id)
    }

    public func recordOrError(_ id: String) throws(DocumentFormatError) -> RunRecord {
        guard let json = json(id, "run.json") else {
            throw DocumentFormatError("run.json", "run `\(TerminalText.escape(id))` has no readable run.json")
        }
        return try RunRecord.decode(json)
    }

    /// The plan a run runs, as its folder recorded it when it started.
    public func plan(_ id: String) throws(DocumentFormatError) -> PlanDocument {
        guard let json = json(id, "plan.json") else {
            throw DocumentFormatError("plan.json", "run `\(TerminalText.escape(id))` has no readable plan.json")
        }
        return try PlanDocument.decode(json)
    }

    /// A run recorded as `running` whose process is gone (`kill -9`, a power cut): no process holds its lock.
    /// `run` is its run.json when the caller has read it already.
    public func isCrashed(_ id: String, run: RunRecord? = nil) -> Bool {
        guard (run ?? record(id))?.status == .running, Names.isRunID(id), let run = try? runs()?.folder(id)
        else { return false }
        return RunLock.isHeld(in: run) == false
    }

    /// The status to show: `interrupted (crashed)` for a run whose process died while it was running.
    public func shownStatus(_ id: String, run: RunRecord) -> String {
        isCrashed(id, run: run) ? "interrupted (crashed)" : run.status.rawValue
    }

    /// Every complete event line; a partial last line (a crash mid-write) is skipped. `kinds`: only events of these
    /// kinds; the others are recognised by their `type` without building their tree (most of a run's lines are
    /// requests and responses, which a summary does not read).
    public func events(_ id: String, file: String = "events.jsonl", kinds: Set<RunEvent.Kind>? = nil) -> [RunEvent] {
        guard let bytes = bytes(id, file) else { return [] }
        return bytes.split(separator: 0x0A).compactMap { piece in
            let line = Array(piece)
            if let kinds, let kind = Self.kind(of: line), !kinds.contains(kind) { return nil }
            return (try? JSONParser.parse(line)).flatMap(RunEvent.init(json:))
        }
    }

    /// The kinds of event `taskResults` and a run's summary read: how tasks ended.
    public static let endingKinds: Set<RunEvent.Kind> = [.taskFinished, .taskFailed, .taskSkipped]

    /// The kind a line's `type` names; nil for a line that is not a JSON object with a known `type`, which the full
    /// parse then refuses as before.
    static func kind(of line: [UInt8]) -> RunEvent.Kind? {
        var reader = JSONParser(reading: line)
        var type: String?
        do {
            try reader.readObject { (key, reader) throws(JSONParser.Error) in
                if key.matches("type") {
                    type = try reader.readValue().stringValue
                } else {
                    try reader.skipValue()
                }
            }
            try reader.readEnd()
        } catch {
            return nil
        }
        return type.flatMap(RunEvent.Kind.init(rawValue:))
    }

    /// Outputs of the tasks that finished: the result says succeeded and the output file is there.
    public func finishedOutputs(_ id: String) -> [String: String] {
        var outputs: [String: String] = [:]
        for (task, result) in taskResults(id) {
            if let output = output(id, task: task, result: result) { outputs[task] = output }
        }
        return outputs
    }

    /// One task's answer, given its result: nil unless the result says succeeded and the output file is there.
    public func output(_ id: String, task: String, result: TaskResult) -> String? {
        guard result.status == .succeeded, Names.isValid(task) else { return nil }
        let name = (result.outputFormat ?? .markdown).fileName
        return bytes(id, "tasks/" + task + "/" + name).map { String(decoding: $0, as: UTF8.self) }
    }

    /// How each task that ended last ended. A result is the task's latest `task_finished` or `task_failed` event:
    /// in the run's events.jsonl, or in the task's own (a task run on its own, specs/argo.md); a task with neither
    /// was recorded by an older crew, in its result.json (record version 1). A caller that has read the run's
    /// events already passes them, so that a long events.jsonl is parsed once.
    public func taskResults(_ id: String, events known: [RunEvent]? = nil) -> [String: TaskResult] {
        var results = Self.results(in: known ?? events(id, kinds: Self.endingKinds))
        guard Names.isRunID(id), let runs = runs(), let tasks = try? runs.entries(id + "/tasks") else {
            return results
        }
        for task in tasks where task.kind == .folder && Names.isValid(task.name) && results[task.name] == nil {
            results[task.name] =
                Self.results(in: events(id, file: "tasks/" + task.name + "/events.jsonl"))[task.name]
                ?? json(id, "tasks/" + task.name + "/result.json").flatMap { try? TaskResult.decode($0) }
        }
        return results
    }

    /// A task's result; nil when the task has not ended or its result cannot be read.
    public func taskResult(_ id: String, task: String) -> TaskResult? {
        guard Names.isValid(task) else { return nil }
        return taskResults(id)[task]
    }

    static func results(in events: [RunEvent]) -> [String: TaskResult] {
        var results: [String: TaskResult] = [:]
        // A name from a line of the record is never a path unless it passes the name rule.
        for event in events {
            if let task = event.task, Names.isValid(task), let result = TaskResult(event: event) {
                results[task] = result
            }
        }
        return results
    }

    /// The messages a task last sent, as its request carried them: rebuilt from messages.jsonl (the run's, or the
    /// task's own), or read from the messages.json of a record version 1.
    public func messages(_ id: String, task: String) -> [JSONValue]? {
        guard Names.isValid(task) else { return nil }
        for file in ["messages.jsonl", "tasks/" + task + "/messages.jsonl"] {
            if let messages = conversation(of: task, in: bytes(id, file) ?? []) { return messages }
        }
        return json(id, "tasks/" + task + "/messages.json")?.arrayValue
    }

    /// Each line keeps the first `from` messages of the task's previous line and adds its own.
    private func conversation(of task: String, in bytes: [UInt8]) -> [JSONValue]? {
        var messages: [JSONValue]?
        let marker = Array(JSONValue.string(task).serialized().utf8)
        for line in bytes.split(separator: 0x0A) where line.firstRange(of: marker) != nil {
            guard let object = (try? JSONParser.parse(Array(line)))?.objectValue,
                object["task"]?.stringValue == task, let from = object["from"]?.intValue,
                let added = object["messages"]?.arrayValue
            else { continue }
            let kept = messages ?? []
            messages = Array(kept.prefix(max(0, from))) + added
        }
        return messages
    }

    /// A text file of run `id` (a task's output), by its path inside the run folder.
    public func text(_ id: String, _ relative: String) -> String? {
        bytes(id, relative).map { String(decoding: $0, as: UTF8.self) }
    }

    /// A record file of run `id`, by its path inside the run folder.
    public func json(_ id: String, _ relative: String) -> JSONValue? {
        bytes(id, relative).flatMap { try? JSONParser.parse($0) }
    }

    func bytes(_ id: String, _ relative: String) -> [UInt8]? {
        guard Names.isRunID(id), let runs = runs() else { return nil }
        return try? runs.read(id + "/" + relative, limit: Self.maxRecordBytes)
    }
}
