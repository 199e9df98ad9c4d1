import CrewCore
import CrewTestSupport
import Foundation
import Testing

/// `crew run ARTIFACT --task NAME --state DIR` (specs/argo.md): one task on its own, as a workflow step runs it.
@Suite struct StepCommandTests {
    let cli = CLITests()

    /// `look` → `write`; the server fails requests whose prompt starts with FAIL500 (retryable) or FAIL400 (not).
    static func artifact(_ folder: TemporaryFolder, _ server: ProviderTestServer, look: String = "LOOK up tides")
        async throws -> String
    {
        folder.write(
            "crew/crew.yaml",
            """
            version: 1
            name: stepped
            models:
              m: { provider: openai, model: gpt-test, base_url: "\(server.baseURL)/v1", api_key: "${env:CREW_TEST_KEY}", max_retries: 0 }
            agents:
              a: { role: Researcher, goal: Find }
            tasks:
              look: { agent: a, description: "\(look)" }
              write: { agent: a, description: WRITE it up, context: [look] }

            """)
        let built = try await CLITests().crew(["build", folder.path + "/crew", "-o", folder.path + "/artifact"])
        #expect(built.status == 0, "\(built.stderr)")
        return folder.path + "/artifact"
    }

    static func server() async throws -> ProviderTestServer {
        try await ProviderTestServer.start { request in
            let text = request.lastUserText
            if text.hasPrefix("FAIL500") { return .status(500) }
            if text.hasPrefix("FAIL400") { return .status(400) }
            return .reply(text: text.hasPrefix("LOOK") ? "found it" : "written up")
        }
    }

    @Test func stepsRunInOrderFromTheStateFolderAndNeverTwice() async throws {
        let server = try await Self.server()
        defer { Task { try? await server.shutdown() } }
        let folder = TemporaryFolder(prefix: "crew-step")
        let artifact = try await Self.artifact(folder, server)
        let state = folder.path + "/state/wf-abc12"
        let key = ["CREW_TEST_KEY": "k"]
        // `write` before `look`: the engine gave it no upstream output; a usage error, not a retry.
        let early = try await cli.crew(["run", artifact, "--task", "write", "--state", state], environment: key)
        #expect(early.status == 2 && early.stderr.contains("needs the output of `look`"), "\(early.stderr)")
        #expect(
            try await cli.crew(["run", artifact, "--task", "look", "--state", state], environment: key).status == 0)
        let requests = server.requests.count
        let again = try await cli.crew(["run", artifact, "--task", "look", "--state", state], environment: key)
        #expect(again.status == 0 && again.stdout.contains("already finished"))
        #expect(server.requests.count == requests, "a finished step is not run again")
        #expect(
            try await cli.crew(["run", artifact, "--task", "write", "--state", state], environment: key).status == 0)
        let sent = try #require(server.requests.last?.lastUserText)
        #expect(sent.contains("found it"), "the upstream output read from the state folder is in the prompt")
        for file in ["output.md", "messages.jsonl", "events.jsonl"] {
            #expect(FileManager.default.fileExists(atPath: "\(state)/tasks/write/\(file)"), "\(file)")
        }
        let unknown = try await cli.crew(["run", artifact, "--task", "nope", "--state", state], environment: key)
        #expect(unknown.status == 2)
    }

    @Test func aRetryableFailureExits75AndAPermanentOne1() async throws {
        let server = try await Self.server()
        defer { Task { try? await server.shutdown() } }
        let key = ["CREW_TEST_KEY": "k"]
        for (prompt, code) in [("FAIL500 look", Int32(75)), ("FAIL400 look", Int32(1))] {
            let folder = TemporaryFolder(prefix: "crew-step-fail")
            let artifact = try await Self.artifact(folder, server, look: prompt)
            let state = folder.path + "/state/wf-x"
            let run = try await cli.crew(["run", artifact, "--task", "look", "--state", state], environment: key)
            #expect(run.status == code, "\(prompt): \(run.stderr)")
            let events = try String(contentsOfFile: "\(state)/tasks/look/events.jsonl", encoding: .utf8)
            #expect(events.contains("\"type\":\"task_failed\""))
        }
        let folder = TemporaryFolder(prefix: "crew-step-usage")
        let artifact = try await Self.artifact(folder, server)
        let lonely = try await cli.crew(["run", artifact, "--task", "look"], environment: key)
        #expect(lonely.status == 2 && lonely.stderr.contains("--task and --state go together"))
    }
}
