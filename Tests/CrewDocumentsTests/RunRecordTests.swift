import CrewCore
import CrewDocuments
import CrewTestSupport
import Foundation
import Testing

/// run.json and result.json: committed records (as specs/run-record.md shows them) read into typed values and write
/// back byte for byte; what the recorder writes reads back the same.
@Suite struct RunRecordTests {
    static let folder = Fixtures.root + "/records"

    static func json(_ name: String) throws -> (String, JSONValue) {
        let data = try #require(FileManager.default.contents(atPath: folder + "/" + name))
        return (String(decoding: data, as: UTF8.self), try JSONParser.parse(Array(data)))
    }

    static func pretty(_ json: JSONValue) -> String { json.serialized(pretty: true) + "\n" }

    @Test func aFinishedRunReadsAndWritesBack() throws {
        let (text, json) = try Self.json("run.json")
        let record = try RunRecord.decode(json)
        #expect(record.id == "20261126-115214-7f3a" && record.crew == "research" && record.status == .failed)
        #expect(record.attempts == 2 && record.inputs == ["topic": "tides"] && record.tasks == ["gather", "write"])
        #expect(record.durationMS == 83_125 && record.owner == nil)
        #expect(record.totals?.reused == 1 && record.totals?.failed == 1 && record.totals?.costUSD == 0.001234)
        #expect(Timestamp.iso8601(record.startedAt) == "2026-11-26T11:52:14.812Z")
        #expect(Self.pretty(record.json) == text)
    }

    @Test func aRunningRunKeepsItsOwner() throws {
        let (text, json) = try Self.json("running.json")
        let record = try RunRecord.decode(json)
        #expect(
            record.status == .running
                && record.owner == RunOwner(pid: 4242, host: "build-7", since: "2026-11-26T11:52:14.001Z"))
        #expect(record.finishedAt == nil && record.durationMS == nil && record.totals == nil)
        #expect(Self.pretty(record.json) == text)
        #expect(record.recordVersion == RunRecord.currentVersion)
        // A record written before the key existed is version 1 (results and messages in files of each task).
        var older = try #require(json.objectValue)
        older["record_version"] = nil
        #expect(try RunRecord.decode(.object(older)).recordVersion == 1)
        // An ended run drops its owner.
        var ended = record
        ended.status = .interrupted
        #expect(ended.json["owner"] == nil)
    }

    @Test(arguments: ["result-succeeded.json", "result-failed.json"])
    func aTaskResultReadsAndWritesBack(_ name: String) throws {
        let (text, json) = try Self.json(name)
        let result = try TaskResult.decode(json)
        #expect(Self.pretty(result.json) == text)
        if result.status == .succeeded {
            #expect(result.outputFormat == .markdown && result.outputFormat?.fileName == "output.md")
            #expect(
                result.figures.toolCalls == 3 && result.figures.reviews == 1 && result.outputFile == "out/report.md")
        } else {
            #expect(result.error?.contains("timeout") == true && result.outputFormat == nil)
        }
    }

    @Test func aRecordMadeInMemoryRoundTrips() throws {
        var totals = RunTotals()
        totals.succeeded = 3
        totals.costUSD = 0.12345678
        let record = RunRecord(
            id: "20261204-000000-abcd", crew: "c", artifactSHA256: "h", inputs: ["a": "1"], status: .succeeded,
            startedAt: Date(timeIntervalSince1970: 1_764_800_000.25),
            finishedAt: Date(timeIntervalSince1970: 1_764_800_001.5), attempts: 1, tasks: ["x"], totals: totals)
        let back = try RunRecord.decode(try JSONParser.parse(Array(record.json.serialized().utf8)))
        #expect(back.json == record.json)
        #expect(back.totals?.costUSD == 0.123457)
        #expect(back.durationMS == 1250)
    }

    @Test(arguments: [
        (#"{"id": "x"}"#, "`crew` is missing"),
        (
            #"{"id": "x", "crew": "c", "artifact_sha256": "h", "status": "done", "started_at": "2026-11-26T11:52:14.812Z"}"#,
            "`status` must be one of"
        ),
        (
            #"{"id": "x", "crew": "c", "artifact_sha256": "h", "status": "failed", "started_at": "yesterday"}"#,
            "`started_at` must be a UTC time"
        ),
        (
            #"{"id": "x", "crew": "c", "artifact_sha256": "h", "status": "failed", "started_at": "2026-11-26T11:52:14.812Z", "inputs": {"a": 1}}"#,
            "`inputs.a` must be a string"
        ),
    ])
    func aBrokenRecordSaysWhatAndWhere(_ json: String, _ expected: String) throws {
        let parsed = try JSONParser.parse(Array(json.utf8))
        do throws(DocumentFormatError) {
            _ = try RunRecord.decode(parsed)
            Issue.record("read: \(json)")
        } catch {
            #expect(error.description.contains(expected), "\(error.description)")
            #expect(error.code == .r503)
        }
    }

    @Test(arguments: [
        RunEvent(
            .taskFinished, task: "draft", fields: ["output_tokens": .int(12), "note": .string("é \u{202E} \"q\"")]),
        RunEvent(.runStarted, fields: ["inputs": .object(["b": .int(1), "a": .array([.null, .bool(true)])])]),
        RunEvent(.retry, task: "t", fields: ["type": .string("x"), "ts": .int(1), "task": .string("other")]),
        RunEvent(.request, fields: ["task": .string("kept without a task"), "Z": .double(1.5), "a": .string("")]),
        RunEvent(.taskStarted, task: "t"),
    ])
    func anEventsLineIsItsJSONSerialised(event: RunEvent) {
        #expect(event.line == Array((event.json.serialized() + "\n").utf8))
    }
}
