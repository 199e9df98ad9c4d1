import CrewCore
import CrewDocuments
import CrewRuntime
import CrewTestSupport
import Foundation
import Testing

/// Record version 2 (specs/run-record.md): a task adds one file, its output; its result is its last event and its
/// messages are lines of messages.jsonl that only carry what changed. Older records still read.
@Suite struct RecordLayoutTests {
    static let runID = "20261205-120000-abcd"

    static func message(_ role: String, _ content: String) -> JSONValue {
        .object(["role": .string(role), "content": .string(content)])
    }

    @Test func aTaskLeavesOnlyItsOutputInItsFolder() async throws {
        let harness = try await RunHarness.start()
        defer { Task { try? await harness.server.shutdown() } }
        let run = try await harness.run(
            crew(harness.model(), tasks: firstThenSecond))
        #expect(run.outcome.status == .succeeded)
        for task in ["first", "second"] {
            let files = try FileManager.default.contentsOfDirectory(atPath: run.outcome.folder + "/tasks/" + task)
            #expect(files == ["output.md"], "\(files)")
            #expect(run.store.taskResult(run.outcome.runID, task: task)?.status == .succeeded)
        }
        let top = try FileManager.default.contentsOfDirectory(atPath: run.outcome.folder).sorted()
        #expect(top == ["events.jsonl", "lock", "messages.jsonl", "plan.json", "run.json", "tasks"], "\(top)")
        #expect(run.store.record(run.outcome.runID)?.recordVersion == 2)
        let sent = try #require(run.store.messages(run.outcome.runID, task: "second"))
        #expect(sent.first?["role"]?.stringValue == "system" && sent.count == 2)
        #expect(sent.last?["content"]?.stringValue?.contains("SECOND") == true)
    }

    @Test func messagesAreAppendedAsWhatChanged() throws {
        let folder = TemporaryFolder(prefix: "crew-record-messages")
        let runs = ConfinedPath(base: folder.path)
        let recorder = try RunRecorder(runs: runs, runID: Self.runID)
        let (system, user) = (Self.message("system", "S"), Self.message("user", "U"))
        let turns: [[JSONValue]] = [
            [system, user],
            [system, user],  // unchanged: nothing is written
            [system, user, Self.message("assistant", "A"), Self.message("tool", "T")],
            [system, Self.message("user", "U2")],  // an earlier message changed: kept from there
        ]
        let store = RunStore(runs)
        for turn in turns {
            try recorder.writeMessages(task: "t", turn)
            try recorder.writeMessages(task: "other", [user])
            #expect(store.messages(Self.runID, task: "t") == turn)
        }
        let lines = try String(contentsOfFile: folder.path + "/" + Self.runID + "/messages.jsonl", encoding: .utf8)
            .split(separator: "\n").compactMap { try? JSONParser.parse(Array($0.utf8)) }
        #expect(lines.map { $0["from"]?.intValue } == [0, 0, 2, 1])
        #expect(lines.map { $0["messages"]?.arrayValue?.count } == [2, 1, 2, 1])
        #expect(store.messages(Self.runID, task: "other") == [user])
        #expect(store.messages(Self.runID, task: "never") == nil)
    }

    @Test func aResultIsTheTasksLastEndingAndATornLineIsNone() throws {
        let folder = TemporaryFolder(prefix: "crew-record-results")
        let runs = ConfinedPath(base: folder.path)
        let recorder = try RunRecorder(runs: runs, runID: Self.runID)
        try recorder.append(RunEvent(.taskFailed, task: "t", fields: ["error": .string("boom"), "requests": .int(1)]))
        try recorder.writeOutput(task: "t", "the answer", format: .markdown)
        try recorder.append(
            RunEvent(
                .taskFinished, task: "t",
                fields: ["output_format": .string("markdown"), "input_tokens": .int(7), "cached": .bool(true)]))
        // A result line whose task name is a path names nothing.
        try recorder.append(RunEvent(.taskFinished, task: "../../elsewhere", fields: [:]))
        let store = RunStore(runs)
        #expect(store.events(Self.runID).contains { $0.task == "../../elsewhere" })
        #expect(store.taskResults(Self.runID).keys.sorted() == ["t"])
        let result = try #require(store.taskResult(Self.runID, task: "t"))
        #expect(result.status == .succeeded && result.figures.inputTokens == 7 && result.cached)
        #expect(store.finishedOutputs(Self.runID) == ["t": "the answer"])
        // A crash mid-line leaves a line that does not parse: it is no result.
        let events = folder.path + "/" + Self.runID + "/events.jsonl"
        let handle = try #require(FileHandle(forWritingAtPath: events))
        handle.seekToEndOfFile()
        handle.write(Data(#"{"ts":"2026-12-05T12:00:01.000Z","type":"task_failed","task":"t","err"#.utf8))
        try handle.close()
        #expect(store.taskResult(Self.runID, task: "t")?.status == .succeeded)
        // An output without its task_finished (killed in between) is no finished output.
        try recorder.writeOutput(task: "u", "half", format: .markdown)
        #expect(store.finishedOutputs(Self.runID)["u"] == nil)
    }

    @Test func aVersionOneRecordStillReads() throws {
        let folder = TemporaryFolder(prefix: "crew-record-v1")
        let task = folder.path + "/" + Self.runID + "/tasks/old"
        folder.write(Self.runID + "/tasks/old/output.md", "from before")
        folder.write(
            Self.runID + "/tasks/old/result.json",
            #"{"status": "succeeded", "output_format": "markdown", "input_tokens": 3}"#)
        folder.write(Self.runID + "/tasks/old/messages.json", #"[{"role": "user", "content": "hi"}]"#)
        #expect(FileManager.default.fileExists(atPath: task + "/result.json"))
        let store = RunStore(ConfinedPath(base: folder.path))
        #expect(store.taskResult(Self.runID, task: "old")?.figures.inputTokens == 3)
        #expect(store.finishedOutputs(Self.runID) == ["old": "from before"])
        #expect(store.messages(Self.runID, task: "old") == [Self.message("user", "hi")])
        // Version 1 wrote task_finished lines too, without `output_format`: a JSON output is still found.
        folder.write(Self.runID + "/tasks/shaped/output.json", #"{"a": 1}"#)
        folder.write(
            Self.runID + "/events.jsonl",
            #"{"ts":"2026-12-05T12:00:00.000Z","type":"task_finished","task":"shaped","output":"tasks/shaped/output.json","input_tokens":2}"#
                + "\n")
        #expect(store.taskResult(Self.runID, task: "shaped")?.outputFormat == .json)
        #expect(store.finishedOutputs(Self.runID) == ["old": "from before", "shaped": #"{"a": 1}"#])
    }

    /// Reading only some kinds of event gives what reading them all and keeping those kinds gives, whatever the
    /// lines hold: key order, escaped keys, a repeated `type` (the last counts), other types, broken lines.
    @Test func readingSomeKindsIsReadingAllAndFiltering() throws {
        let folder = TemporaryFolder()
        let lines = [
            #"{"ts":"2026-12-05T12:00:00.000Z","type":"task_started","task":"a"}"#,
            #"{"type":"task_finished","task":"a","input_tokens":2,"ts":"2026-12-05T12:00:01.000Z"}"#,
            #"{"ty\u0070e":"task_failed","task":"b","error":"boom"}"#,
            #"{"type":"request","type":"task_skipped","task":"c"}"#,
            #"{"type":"task_finished","type":"request","task":"d"}"#,
            #"{"task":"e","nested":{"type":"task_finished"},"type":"response"}"#,
            #"{"type":"future_kind","task":"f"}"#, #"{"type":7}"#, "[1]", "not json",
            #"{"type":"task_finished","task":"g","x":[1,{"y":"z"}]} trailing"#,
            #"{"type":"task_finished","task":"h""#,
        ]
        folder.write(Self.runID + "/events.jsonl", lines.joined(separator: "\n") + "\n")
        let store = RunStore(ConfinedPath(base: folder.path))
        let kinds = RunStore.endingKinds
        let some = store.events(Self.runID, kinds: kinds)
        let all = store.events(Self.runID).filter { kinds.contains($0.kind) }
        #expect(some.map(\.task) == all.map(\.task))
        #expect(some.map(\.kind) == all.map(\.kind))
        #expect(some.map(\.task) == ["a", "b", "c"])
        #expect(store.events(Self.runID).count == 6)
    }
}
