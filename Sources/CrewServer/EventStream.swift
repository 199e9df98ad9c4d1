import CrewCore
import CrewDocuments
import CrewRuntime
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads a run's `events.jsonl` as it grows, one complete line at a time, numbering lines from 1: the number is the
/// event's SSE id, so `Last-Event-ID` replays from the record itself, however long ago the event was.
final class EventTail: @unchecked Sendable {
    private let fd: Int32
    private var offset: off_t = 0
    private var pending: [UInt8] = []
    private(set) var lineNumber = 0

    /// The longest line kept: an event is far shorter; a longer line is a damaged record, skipped.
    static let maxLine = 8 << 20

    init(runs: ConfinedPath, runID: String) throws {
        guard Names.isRunID(runID) else { throw PathFailure(runID, .leaves, hint: "not a run id") }
        let folder = try ConfinedFolder.open(runs).folder(runID)
        fd = try folder.openFile("events.jsonl", flags: O_RDONLY)
    }

    deinit {
        close(fd)
    }

    /// The complete lines written since the last call, with their numbers.
    func read() -> [(number: Int, line: [UInt8])] {
        var lines: [(Int, [UInt8])] = []
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, offset) }
            guard count > 0 else { break }
            offset += off_t(count)
            pending += buffer[0..<count]
            while let newline = pending.firstIndex(of: 0x0A) {
                lineNumber += 1
                lines.append((lineNumber, Array(pending[..<newline])))
                pending.removeSubrange(...newline)
            }
            if pending.count > Self.maxLine { pending.removeAll() }
        }
        return lines
    }
}

/// `GET /v1/runs/{id}/events`: the record's events after `Last-Event-ID`, then the new ones as they are written,
/// until the run ends; a comment every 10 s keeps proxies from closing a quiet stream.
enum EventStream {
    static let heartbeat: Double = 10
    static let poll: Double = 0.05

    /// `pulse`, for a run this server runs, wakes the stream as soon as the run writes an event.
    static func response(
        runs: ConfinedPath, runID: String, after lastID: Int, pulse: EventPulse?,
        isLive: @escaping @Sendable () async -> Bool
    ) throws -> Response {
        let tail = try EventTail(runs: runs, runID: runID)
        let store = RunStore(runs)
        let body = ResponseBody { writer in
            var lastWrite = Date()
            var lastCheck = Date()
            var ended = false
            var finalPass = false
            var sent = OutputProgress()
            while true {
                let seen = pulse?.current ?? 0
                for (number, line) in tail.read() where number > lastID {
                    guard let json = try? JSONParser.parse(line), let event = RunEvent(json: json) else { continue }
                    try await writer.write(
                        ByteBuffer(string: frame(id: number, event: event.kind.rawValue, data: line)))
                    lastWrite = Date()
                    if event.kind == .runFinished { ended = true }
                    if let task = event.task, [.taskFinished, .taskFailed, .taskSkipped].contains(event.kind) {
                        sent.ended.insert(task)
                    } else if let task = event.task, event.kind == .taskStarted {
                        // A resumed run starts again a task an earlier attempt ended.
                        sent.ended.remove(task)
                    }
                }
                if let pulse, !ended {
                    for text in sent.frames(pulse.output.snapshot) { try await writer.write(ByteBuffer(string: text)) }
                }
                if ended || finalPass { break }
                // A run no process runs any more writes nothing else (killed mid-run, or ended in its setup): one
                // more read for what it wrote last, then the stream ends.
                if Date().timeIntervalSince(lastCheck) >= 1 {
                    lastCheck = Date()
                    if await !isLive(), store.record(runID)?.status != .running || store.isCrashed(runID) {
                        finalPass = true
                        continue
                    }
                }
                if Date().timeIntervalSince(lastWrite) >= heartbeat {
                    try await writer.write(ByteBuffer(string: ": heartbeat\n\n"))
                    lastWrite = Date()
                }
                if let pulse {
                    await pulse.wait(after: seen, timeout: .milliseconds(Int(poll * 1000)))
                } else {
                    try await Task.sleep(nanoseconds: UInt64(poll * 1e9))
                }
            }
            try await writer.finish(nil)
        }
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-cache"
        headers[HTTPField.Name("X-Accel-Buffering")!] = "no"
        return Response(status: .ok, headers: headers, body: body)
    }

    /// How much of each streaming answer a stream has sent: `output` frames (no `id`, so `Last-Event-ID` counts
    /// recorded events only) carry `{"task", "offset", "text"}`, where `offset` (UTF-16 units) is where `text` goes
    /// in the answer; 0 starts a new one.
    struct OutputProgress {
        var sent: [String: (generation: Int, count: Int)] = [:]
        var ended: Set<String> = []

        mutating func frames(_ answers: [String: LiveOutput.Answer]) -> [String] {
            var frames: [String] = []
            for (task, answer) in answers.sorted(by: { $0.key < $1.key }) where !ended.contains(task) {
                let known = sent[task].flatMap { $0.generation == answer.generation ? $0.count : nil } ?? 0
                let utf16 = answer.text.utf16
                guard utf16.count > known || sent[task]?.generation != answer.generation else { continue }
                let start = utf16.index(utf16.startIndex, offsetBy: known)
                let piece = String(answer.text[start...])
                sent[task] = (answer.generation, utf16.count)
                let data = JSONValue.object([
                    "task": .string(task), "offset": .int(known), "text": .string(piece),
                ]).serialized()
                frames.append("event: output\ndata: \(data)\n\n")
            }
            return frames
        }
    }

    /// One SSE event; the data is one JSON line, which holds no newline.
    static func frame(id: Int, event: String, data: [UInt8]) -> String {
        "id: \(id)\nevent: \(event)\ndata: \(String(decoding: data, as: UTF8.self))\n\n"
    }
}
