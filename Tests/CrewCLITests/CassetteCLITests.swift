import CrewCore
import CrewTestSupport
import Foundation
import Testing

/// `crew run --record` and `--replay` through the binary (specs/cassette.md): a recorded run replayed with no
/// provider and no key, a stable file, a request that is not in the cassette, and a cassette that cannot be read.
@Suite struct CassetteCLITests {
    let cli = CLITests()
    static let key = "sk-canary-cassette-7a90"

    /// `look` reads a note through a file tool (one tool turn), `write` uses what `look` found.
    static func crew(_ folder: TemporaryFolder, baseURL: String, writeDescription: String = "WRITE the brief") {
        folder.write("crew/notes/tides.md", "Spring tides come twice a month.\n")
        folder.write(
            "crew/crew.yaml",
            """
            version: 1
            name: taped
            models:
              m: { provider: openai, model: gpt-test, base_url: "\(baseURL)/v1", api_key: "${env:CREW_TEST_KEY}", temperature: 0, max_retries: 0 }
            tools:
              notes: { type: file, root: notes }
            agents:
              a: { role: Researcher, goal: Find, tools: [notes] }
            tasks:
              look: { agent: a, description: LOOK at the notes }
              write: { agent: a, description: "\(writeDescription)", context: [look] }

            """)
    }

    static func provider() async throws -> ProviderTestServer {
        try await ProviderTestServer.start { request in
            let text = request.lastUserText
            if text.hasPrefix("LOOK"), request.toolResults.isEmpty {
                return .toolCalls([
                    ScriptedToolCall(id: "c1", name: "notes", arguments: #"{"operation":"read","path":"tides.md"}"#)
                ])
            }
            if text.hasPrefix("LOOK") { return .reply(text: "found: twice a month", inputTokens: 30, outputTokens: 5) }
            return .reply(text: "brief about \(text.count) chars", inputTokens: 50, outputTokens: 9)
        }
    }

    /// The outputs of the newest run (by its run.json's start time: two ids of one second do not sort by time).
    func outputs(_ folder: TemporaryFolder) throws -> [String: String] {
        let runs = folder.path + "/crew/.crew/runs"
        let ids = try FileManager.default.contentsOfDirectory(atPath: runs)
        let newest = try #require(
            ids.max { a, b in
                func started(_ id: String) -> String {
                    let data = FileManager.default.contents(atPath: "\(runs)/\(id)/run.json") ?? Data()
                    return (try? JSONParser.parse(Array(data)))?["started_at"]?.stringValue ?? ""
                }
                return started(a) < started(b)
            })
        var outputs: [String: String] = [:]
        for task in ["look", "write"] {
            outputs[task] = try String(contentsOfFile: "\(runs)/\(newest)/tasks/\(task)/output.md", encoding: .utf8)
        }
        return outputs
    }

    @Test func aRecordedRunReplaysWithNoProviderAndNoKey() async throws {
        let provider = try await Self.provider()
        let folder = TemporaryFolder(prefix: "crew-cassette")
        Self.crew(folder, baseURL: provider.baseURL)
        let tape = folder.path + "/brief.cassette.json"
        let recorded = try await cli.crew(
            ["run", folder.path + "/crew", "--record", tape], environment: ["CREW_TEST_KEY": Self.key])
        #expect(recorded.status == 0, "\(recorded.stderr)")
        let expected = try outputs(folder)
        let text = try String(contentsOfFile: tape, encoding: .utf8)
        #expect(!text.contains(Self.key), "the key is in the cassette")
        let cassette = try JSONParser.parse(Array(text.utf8))
        let exchanges = try #require(cassette["exchanges"]?.arrayValue)
        #expect(
            exchanges.map { "\($0["task"]?.stringValue ?? "")#\($0["sequence"]?.intValue ?? 0)" }
                == ["look#1", "look#2", "write#1"])
        #expect(exchanges[0]["response"]?["tool_calls"]?.arrayValue?.first?["name"]?.stringValue == "notes")
        #expect(exchanges[1]["request"]?["messages"]?.arrayValue?.last?["tool_call_id"]?.stringValue == "c1")
        #expect(exchanges.allSatisfy { $0["request_sha256"]?.stringValue?.count == 64 })
        #expect(exchanges[2]["response"]?["usage"]?["output_tokens"]?.intValue == 9)

        // Recording again gives the same file: exchanges in plan order, keys sorted.
        let again = folder.path + "/again.cassette.json"
        _ = try await cli.crew(
            ["run", folder.path + "/crew", "--record", again], environment: ["CREW_TEST_KEY": Self.key])
        #expect(try String(contentsOfFile: again, encoding: .utf8) == text)

        // The provider is gone and there is no key: the replay answers everything from the cassette.
        let seen = provider.requests.count
        try await provider.shutdown()
        let replayed = try await cli.crew(
            ["run", folder.path + "/crew", "--replay", tape, "--json"], environment: ["CREW_TEST_KEY": ""])
        #expect(replayed.status == 0, "\(replayed.stderr)")
        #expect(try outputs(folder) == expected)
        #expect(provider.requests.count == seen)
        let end = replayed.stdout.split(separator: "\n").compactMap { try? JSONParser.parse(Array($0.utf8)) }.last
        let recordedTokens = exchanges.compactMap { $0["response"]?["usage"]?["output_tokens"]?.intValue }.reduce(0, +)
        #expect(end?["output_tokens"]?.intValue == recordedTokens, "usage comes from the cassette")
    }

    @Test func aRequestNotInTheCassetteFailsItsTaskWithADiff() async throws {
        let provider = try await Self.provider()
        defer { Task { try? await provider.shutdown() } }
        let folder = TemporaryFolder(prefix: "crew-cassette-miss")
        Self.crew(folder, baseURL: provider.baseURL)
        let tape = folder.path + "/tape.json"
        #expect(
            try await cli.crew(
                ["run", folder.path + "/crew", "--record", tape], environment: ["CREW_TEST_KEY": Self.key]
            ).status == 0)
        Self.crew(folder, baseURL: provider.baseURL, writeDescription: "WRITE the brief in French")
        let before = provider.requests.count
        let replayed = try await cli.crew(
            ["run", folder.path + "/crew", "--replay", tape, "--json"], environment: [:])
        #expect(replayed.status == 1)
        #expect(provider.requests.count == before, "a replay calls no model")
        let said = replayed.stdout + replayed.stderr
        #expect(said.contains("this request of task `write` is not in the cassette \(tape)"), "\(said)")
        let runs = folder.path + "/crew/.crew/runs"
        let started = replayed.stdout.split(separator: "\n").first.flatMap { try? JSONParser.parse(Array($0.utf8)) }
        let newest = try #require(started?["run_id"]?.stringValue)
        let result = Record.result(runs, newest, "write")?["error"]?.stringValue ?? ""
        #expect(result.contains("-WRITE the brief") && result.contains("+WRITE the brief in French"), "\(result)")
        #expect(result.contains("crew run --record"))
        // `look` did not change: it was answered.
        #expect(FileManager.default.fileExists(atPath: "\(runs)/\(newest)/tasks/look/output.md"))
    }

    @Test func aCassetteThatCannotBeReadStopsTheRunBeforeItStarts() async throws {
        let folder = TemporaryFolder(prefix: "crew-cassette-bad")
        Self.crew(folder, baseURL: "http://127.0.0.1:9")
        let cases = [
            ("missing", nil), ("text", "not json"), ("other", #"{"format": "crew-plan", "format_version": 1}"#),
            ("broken", #"{"format": "crew-cassette", "format_version": 1, "crew": "x", "exchanges": [{"task": 1}]}"#),
        ]
        for (name, body) in cases {
            let path = folder.path + "/\(name).json"
            if let body { folder.write("\(name).json", body) }
            let run = try await cli.crew(["run", folder.path + "/crew", "--replay", path], environment: [:])
            #expect(run.status == 2 && run.stderr.contains("R522"), "\(name): \(run.stderr)")
            #expect(run.stderr.contains("cannot read the cassette \(path)"), "\(name): \(run.stderr)")
        }
        let fifo = folder.path + "/fifo.json"
        #expect(mkfifo(fifo, 0o644) == 0)
        let run = try await cli.crew(["run", folder.path + "/crew", "--replay", fifo], environment: [:])
        #expect(run.status == 2 && run.stderr.contains("R522"), "a FIFO is refused at once, never waited on")
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/crew/.crew/runs"), "no run was recorded")
        let both = try await cli.crew(
            ["run", folder.path + "/crew", "--replay", fifo, "--record", folder.path + "/x.json"], environment: [:])
        #expect(both.status != 0 && both.stderr.contains("--record and --replay exclude each other"))
    }
}
