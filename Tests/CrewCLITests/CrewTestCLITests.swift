import CrewCore
import CrewTestSupport
import Foundation
import Testing

/// `crew test` through the binary (specs/testing.md): recorded once against the provider test server, then replayed
/// with no provider and no key, with every kind of assertion, a judged rubric, JUnit XML and GitHub annotations.
@Suite struct CrewTestCLITests {
    let cli = CLITests()
    static let key = ["CREW_TEST_KEY": "sk-canary-crewtest-22e1"]

    static func provider() async throws -> ProviderTestServer {
        try await ProviderTestServer.start { request in
            let system = request.json?["messages"]?.arrayValue?.first?["content"]?.stringValue ?? ""
            if system.hasPrefix("You judge") {
                let passes = request.lastUserText.contains("PASSME")
                return .reply(text: #"{"pass": \#(passes), "reason": "judged by the test server"}"#)
            }
            let text = request.lastUserText
            if text.hasPrefix("LOOK"), request.toolResults.isEmpty {
                return .toolCalls([
                    ScriptedToolCall(id: "c1", name: "notes", arguments: #"{"operation":"read","path":"tides.md"}"#)
                ])
            }
            if text.hasPrefix("LOOK") { return .reply(text: #"{"count": 2, "unit": "month"}"#) }
            return .reply(text: "Spring tides come twice a month.", inputTokens: 40, outputTokens: 8)
        }
    }

    static func crew(_ folder: TemporaryFolder, baseURL: String, brief: String = "BRIEF on {topic}") {
        folder.write("crew/notes/tides.md", "Spring tides come twice a month.\n")
        folder.write(
            "crew/crew.yaml",
            """
            version: 1
            name: tested
            inputs:
              topic: { type: string }
            models:
              m: { provider: openai, model: gpt-test, base_url: "\(baseURL)/v1", api_key: "${env:CREW_TEST_KEY}", temperature: 0, max_retries: 0 }
            tools:
              notes: { type: file, root: notes }
            agents:
              a: { role: Researcher, goal: Find, tools: [notes] }
            tasks:
              look: { agent: a, description: "LOOK up {topic}", output: { schema: { type: object } } }
              brief: { agent: a, description: "\(brief)", context: [look] }

            """)
    }

    static func tests(_ folder: TemporaryFolder, extra: String = "") {
        folder.write(
            "crew/tests/brief.yaml",
            """
            tests:
              brief:
                inputs: { topic: tides }
                cassette: tests/brief.cassette.json
                assert:
                  - { task: brief, contains: twice a month }
                  - { task: brief, not_contains: weekly }
                  - { task: brief, regex: "(?i)^spring" }
                  - { task: look, schema: { type: object, required: [count] } }
                  - { task: look, json_path: $.count, equals: 2 }
                  - { task: look, tool_called: notes, with: { path: tides.md } }
                  - { task: brief, max_tokens: 100 }
                  - { task: brief, rubric: "PASSME: it says how often spring tides come", judge: m }
            \(extra)
            """)
    }

    @Test func recordedOnceThenReplayedWithNoProviderAndNoKey() async throws {
        let provider = try await Self.provider()
        let folder = TemporaryFolder(prefix: "crew-test")
        Self.crew(folder, baseURL: provider.baseURL)
        Self.tests(folder)
        let crew = folder.path + "/crew"
        let recorded = try await cli.crew(["test", crew, "--record"], environment: Self.key)
        #expect(recorded.status == 0, "\(recorded.stdout)\(recorded.stderr)")
        #expect(recorded.stdout.contains("PASS brief (8 assertions"))
        let tape = try String(contentsOfFile: crew + "/tests/brief.cassette.json", encoding: .utf8)
        #expect(tape.contains("\"task\": \"judge:brief\""), "the judge's exchange is in the cassette")
        #expect(!tape.contains("sk-canary-crewtest"))

        try await provider.shutdown()
        let junit = folder.path + "/junit.xml"
        let replayed = try await cli.crew(["test", crew, "--junit", junit], environment: ["CREW_TEST_KEY": ""])
        #expect(replayed.status == 0, "\(replayed.stdout)\(replayed.stderr)")
        #expect(replayed.stdout.contains("1 test of `tested`: 1 passed, 0 failed"))
        let xml = try String(contentsOfFile: junit, encoding: .utf8)
        #expect(xml.contains(#"<testsuite name="tested" tests="1" failures="0" errors="0""#))
        #expect(xml.contains(#"<testcase name="brief" classname="tested" file="tests/brief.yaml""#))
        #expect(!FileManager.default.fileExists(atPath: crew + "/.crew/runs"), "test runs are kept apart")

        // A failing assertion and a failing rubric: exit 1, a line each, and GitHub annotations at their lines.
        Self.tests(
            folder,
            extra: """
                  wrong:
                    inputs: { topic: tides }
                    cassette: tests/brief.cassette.json
                    assert:
                      - { task: brief, contains: weekly }
                      - { task: brief, rubric: "it is in French", judge: m }
                """)
        let failing = try await cli.crew(
            ["test", crew, "--format", "github", "--junit", junit], environment: ["CREW_TEST_KEY": ""])
        #expect(failing.status == 1, "\(failing.stdout)\(failing.stderr)")
        #expect(failing.stdout.contains("FAIL wrong"))
        #expect(failing.stdout.contains("✗ `brief` contains \"weekly\": not in: Spring tides come twice a month."))
        #expect(failing.stdout.contains(#"::error file=\#(crew)/tests/brief.yaml,line=18,col=9::test `wrong`"#))
        #expect(try String(contentsOfFile: junit, encoding: .utf8).contains(#"failures="1""#))
    }

    @Test func aChangedCrewOrAMissingCassetteFailsTheTestClearly() async throws {
        let provider = try await Self.provider()
        defer { Task { try? await provider.shutdown() } }
        let folder = TemporaryFolder(prefix: "crew-test-drift")
        Self.crew(folder, baseURL: provider.baseURL)
        Self.tests(folder)
        let crew = folder.path + "/crew"
        #expect(try await cli.crew(["test", crew, "--record"], environment: Self.key).status == 0)
        // The prompt changed since the cassette was recorded: the replay says which request is missing.
        Self.crew(folder, baseURL: provider.baseURL, brief: "BRIEF on {topic}, in two lines")
        let before = provider.requests.count
        let drifted = try await cli.crew(["test", crew], environment: [:])
        #expect(drifted.status == 1 && provider.requests.count == before)
        #expect(drifted.stdout.contains("FAIL brief"), "\(drifted.stdout)")
        #expect(drifted.stdout.contains("is not in the cassette tests/brief.cassette.json"), "\(drifted.stdout)")
        #expect(drifted.stdout.contains("record the cassette again: crew test --record --test brief"))
        // No cassette at all: the test is an error that says how to make one.
        try FileManager.default.removeItem(atPath: crew + "/tests/brief.cassette.json")
        let missing = try await cli.crew(["test", crew], environment: [:])
        #expect(missing.status == 1)
        #expect(missing.stdout.contains("ERROR brief: ") && missing.stdout.contains("crew test --record"))
        // A test file with errors is reported as crew validate reports a crew.
        folder.write(
            "crew/tests/bad.yaml", "tests:\n  bad:\n    live: true\n    assert:\n      - { task: nope, contains: x }\n")
        let bad = try await cli.crew(["test", crew], environment: [:])
        #expect(bad.status == 1)
        #expect(
            bad.stdout.contains("tests/bad.yaml:5:17: error[E202]: an assertion names task `nope`"), "\(bad.stdout)")
        try FileManager.default.removeItem(atPath: crew + "/tests/bad.yaml")
        let unknown = try await cli.crew(["test", crew, "--test", "nothing"], environment: [:])
        #expect(unknown.status == 2 && unknown.stderr.contains("no test named `nothing`"))
    }
}
