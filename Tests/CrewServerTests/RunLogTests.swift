import CrewCore
import CrewDocuments
import Foundation
import Logging
import Testing

@testable import CrewServer

/// What `crew serve` logs of a run: start, end, and each failed or skipped task, with `run_id` and `task` fields.
@Suite struct RunLogTests {
    final class Captured: @unchecked Sendable {
        private let lock = NSLock()
        private var entries: [(Logger.Level, String, Logger.Metadata)] = []
        func append(_ entry: (Logger.Level, String, Logger.Metadata)) { lock.withLock { entries.append(entry) } }
        var all: [(level: Logger.Level, message: String, metadata: Logger.Metadata)] { lock.withLock { entries } }
    }

    struct Handler: LogHandler {
        let captured: Captured
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .info
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            captured.append((event.level, event.message.description, event.metadata ?? [:]))
        }
    }

    @Test func aRunsCourseIsLoggedWithItsRunAndTask() {
        let captured = Captured()
        let log = RunLog(logger: Logger(label: "test") { _ in Handler(captured: captured) }, runID: "r-1")
        log.handle(RunEvent(.runStarted, fields: ["run_id": .string("r-1")]))
        log.handle(RunEvent(.taskFinished, task: "fine"))
        log.handle(RunEvent(.taskFailed, task: "broken", fields: ["error": .string("model `m`: HTTP 500")]))
        log.handle(RunEvent(.taskSkipped, task: "after", fields: ["reason": .string("upstream task `broken` failed")]))
        log.handle(RunEvent(.runFinished, fields: ["status": .string("failed"), "duration_ms": .int(42)]))
        let entries = captured.all
        #expect(
            entries.map(\.message) == [
                "run r-1 started", "run r-1: task broken failed", "run r-1: task after skipped", "run r-1 failed",
            ], "a finished task is a debug line, below the server's level")
        #expect(entries.allSatisfy { $0.metadata["run_id"] == "r-1" })
        let failed = entries[1]
        #expect(failed.level == .warning && failed.metadata["task"] == "broken")
        #expect(failed.metadata["error"] == "model `m`: HTTP 500")
        #expect(entries[3].metadata["status"] == "failed" && entries[3].metadata["duration_ms"] == "42")
    }
}
