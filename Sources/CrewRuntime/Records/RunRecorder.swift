import CrewCore
import Foundation

/// Writes a run's record as the run goes (specs/run-record.md): events appended one whole line per `write`,
/// every other file written atomically, so `kill -9` at any moment leaves a record that `--resume` can read.
public final class RunRecorder: RunObserver, @unchecked Sendable {
    public let folder: String
    public let runID: String
    private let lock = NSLock()
    private let events: Int32

    /// Opens (or, for a resumed run, reopens) the run folder.
    public init(folder: String, runID: String) throws {
        self.folder = folder
        self.runID = runID
        try FileManager.default.createDirectory(atPath: folder + "/tasks", withIntermediateDirectories: true)
        let fd = open(folder + "/events.jsonl", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw RecordError(message: "cannot write \(folder)/events.jsonl: \(String(cString: strerror(errno)))")
        }
        events = fd
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

    public func writeRun(_ run: JSONValue) throws {
        try FileSystem.writeAtomically(run.serialized(pretty: true) + "\n", to: folder + "/run.json")
    }

    public func writePlan(_ plan: JSONValue) throws {
        try FileSystem.writeAtomically(plan.serialized(pretty: true) + "\n", to: folder + "/plan.json")
    }

    /// The messages exactly as sent, before the request goes out.
    public func writeMessages(task: String, _ messages: JSONValue) throws {
        try FileSystem.writeAtomically(
            messages.serialized(pretty: true) + "\n", to: taskFolder(task) + "/messages.json")
    }

    /// The output first, then the result that says it is complete: a crash in between leaves the task unfinished.
    public func writeResult(task: String, output: String, isJSON: Bool, result: JSONValue) throws {
        try FileSystem.writeAtomically(output, to: taskFolder(task) + "/" + Self.outputName(isJSON: isJSON))
        try FileSystem.writeAtomically(result.serialized(pretty: true) + "\n", to: taskFolder(task) + "/result.json")
    }

    public func writeFailure(task: String, result: JSONValue) throws {
        try FileSystem.writeAtomically(result.serialized(pretty: true) + "\n", to: taskFolder(task) + "/result.json")
    }

    public func taskFolder(_ task: String) -> String { folder + "/tasks/" + task }

    public static func outputName(isJSON: Bool) -> String { isJSON ? "output.json" : "output.md" }

    /// A new run id: UTC time to the second (so ids sort by start) and 4 random hex digits.
    public static func newRunID(now: Date = Date()) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        return formatter.string(from: now) + "-" + String(format: "%04x", UInt16.random(in: 0...UInt16.max))
    }
}
