import CrewCore
import CrewTestSupport
import Foundation
import Testing

/// `crew run` with `human_review` tasks: `--approve-all`, `--answers FILE`, and no reviewer off a terminal.
@Suite struct ReviewTests {
    let cli = CLITests()

    func crewFolder(_ server: ProviderTestServer) -> TemporaryFolder {
        let folder = TemporaryFolder(prefix: "crew-cli-review")
        folder.write(
            "crew.yaml",
            """
            version: 1
            name: cli-review
            models:
              m: { provider: openai, model: test-model, base_url: "\(server.baseURL)/v1", api_key: "${env:CREW_TEST_KEY}", max_retries: 0, timeout: 10s }
            agents:
              w: { role: Writer, goal: Write }
            tasks:
              brief: { agent: w, description: BRIEF, human_review: true }
              notes: { agent: w, description: NOTES }
            """)
        return folder
    }

    /// Each draft says which request it answered, so a test can tell the drafts apart.
    func draftServer() async throws -> ProviderTestServer {
        let count = Counter()
        return try await ProviderTestServer.start { _ in .reply(text: "draft \(count.next())") }
    }

    func run(_ folder: TemporaryFolder, _ extra: [String]) async throws -> CLITests.Output {
        try await cli.crew(["run", folder.path] + extra, environment: ["CREW_TEST_KEY": "k"])
    }

    func events(_ folder: TemporaryFolder) throws -> [JSONValue] {
        let runs = folder.path + "/.crew/runs"
        let id = try #require(try FileManager.default.contentsOfDirectory(atPath: runs).first)
        let data = try #require(FileManager.default.contents(atPath: runs + "/" + id + "/events.jsonl"))
        return String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap {
            try? JSONParser.parse(String($0))
        }
    }

    @Test func approveAllRunsAReviewedTask() async throws {
        let server = try await draftServer()
        defer { Task { try? await server.shutdown() } }
        let folder = crewFolder(server)
        let out = try await run(folder, ["--approve-all"])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.contains("review of `brief`, draft 1: approved"))
        let reviews = try events(folder).filter { $0["type"]?.stringValue == "review" }
        #expect(reviews.count == 1)
        #expect(reviews.first?["decision"]?.stringValue == "approved")
        #expect(server.requests.count == 2)
    }

    @Test func feedbackFromTheAnswersFileGoesBackToTheAgent() async throws {
        let server = try await draftServer()
        defer { Task { try? await server.shutdown() } }
        let folder = crewFolder(server)
        folder.write("answers.yaml", "brief:\n  - Make it shorter, please.\n  - approve\n")
        let out = try await run(folder, ["--answers", folder.path + "/answers.yaml"])
        #expect(out.status == 0, "\(out.stderr)")
        let briefs = server.requests.filter { $0.json?.serialized().contains("BRIEF") == true }
        #expect(briefs.count == 2)
        #expect(briefs.last?.lastUserText.contains("Make it shorter, please.") == true)
        #expect(briefs.first?.lastUserText.contains("Make it shorter") == false)
        let decisions = try events(folder).filter { $0["type"]?.stringValue == "review" }
            .compactMap { $0["decision"]?.stringValue }
        #expect(decisions == ["revise", "approved"])
        let show = try await cli.crew(["show", "last", "--runs-dir", folder.path + "/.crew/runs"])
        #expect(show.stdout.contains("review 1: sent back: Make it shorter, please."))
    }

    @Test func aRejectFromTheAnswersFileFailsTheTask() async throws {
        let server = try await draftServer()
        defer { Task { try? await server.shutdown() } }
        let folder = crewFolder(server)
        folder.write("answers.json", #"{"brief": "reject: off topic"}"#)
        let out = try await run(folder, ["--answers", folder.path + "/answers.json"])
        #expect(out.status == 1)
        #expect(out.stdout.contains("FAILED `brief`: the reviewer rejected the output: off topic"))
    }

    @Test func runningOutOfAnswersFailsTheTaskNamingTheFile() async throws {
        let server = try await draftServer()
        defer { Task { try? await server.shutdown() } }
        let folder = crewFolder(server)
        folder.write("answers.yaml", "brief: more detail\n")
        let out = try await run(folder, ["--answers", folder.path + "/answers.yaml"])
        #expect(out.status == 1)
        #expect(out.stdout.contains("answers.yaml has no answer for draft 2 of task `brief`"))
    }

    @Test func offATerminalWithoutAFlagNothingRuns() async throws {
        let server = try await draftServer()
        defer { Task { try? await server.shutdown() } }
        let folder = crewFolder(server)
        let out = try await run(folder, [])
        #expect(out.status == 2)
        #expect(out.stderr.contains("task `brief` need"))
        #expect(out.stderr.contains("--approve-all") && out.stderr.contains("--answers FILE"))
        #expect(server.requests.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/.crew/runs"))
        let dry = try await run(folder, ["--dry-run"])
        #expect(dry.status == 0)
    }

    @Test func aBadAnswersFileStopsBeforeAnythingRuns() async throws {
        let server = try await draftServer()
        defer { Task { try? await server.shutdown() } }
        let folder = crewFolder(server)
        let cases: [(String, String)] = [
            ("{\"brief\": [", "is not valid JSON or YAML: line"),
            ("- approve\n", "must map task names to answers"),
            ("breif: approve\n", "names task `breif`, which the crew does not have"),
            ("notes: approve\n", "answers task `notes`, which has no `human_review: true`"),
            ("brief: [\"\"]\n", "an answer for task `brief` is empty"),
        ]
        for (text, message) in cases {
            folder.write("answers.yaml", text)
            let out = try await run(folder, ["--answers", folder.path + "/answers.yaml"])
            #expect(out.status == 2, "\(text)")
            #expect(out.stderr.contains(message), "\(out.stderr)")
        }
        let missing = try await run(folder, ["--answers", folder.path + "/nope.yaml"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("cannot read the answers file"))
        #expect(try await run(folder, ["--approve-all", "--answers", "x"]).status == 2)
        #expect(server.requests.isEmpty)
    }
}

/// Numbers requests from 1, across the server's threads.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    func next() -> Int {
        lock.withLock {
            value += 1
            return value
        }
    }
}
