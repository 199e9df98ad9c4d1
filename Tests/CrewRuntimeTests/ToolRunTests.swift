import CrewCore
import CrewDocuments
import CrewProviders
import CrewRuntime
import CrewTestSupport
import Foundation
import Testing

/// Built-in tools inside a real run: the agent loop, the tools, the record.
@Suite struct ToolRunTests {
    func toolCrew(_ models: String, tools: String, agentTools: String, extra: String = "") -> String {
        """
        version: 1
        name: tools
        \(models)tools:
        \(tools)agents:
          a: { role: Tester, goal: Test tools, tools: [\(agentTools)]\(extra) }
        tasks:
          t: { agent: a, description: Use the tools. }

        """
    }

    /// Calls `calls` on the first turn, then answers with every tool result joined.
    func callsThenEcho(_ calls: [ScriptedToolCall]) -> @Sendable (RecordedRequest) -> Behavior {
        { request in
            let results = Conversation.toolResults(request)
            return results.isEmpty ? .toolCalls(calls) : .reply(text: results.joined(separator: "\n---\n"))
        }
    }

    @Test func theFileToolReadsInsideItsRootAndRefusesToClimbOut() async throws {
        let harness = try await RunHarness.start(
            callsThenEcho([
                ScriptedToolCall(id: "1", name: "notes", arguments: #"{"operation":"read","path":"tides.md"}"#),
                ScriptedToolCall(id: "2", name: "notes", arguments: #"{"operation":"read","path":"../secret.txt"}"#),
            ]))
        harness.folder.write("crew/notes/tides.md", "Spring tides follow the new and full moon.\n")
        harness.folder.write("crew/secret.txt", "do not read me")
        let run = try await harness.run(
            toolCrew(harness.model(), tools: "  notes: { type: file, root: notes }\n", agentTools: "notes"))
        let output = try #require(run.output("t"))
        #expect(output.contains("Spring tides follow the new and full moon."))
        #expect(!output.contains("do not read me"))
        let results = run.events(.toolResult)
        #expect(results.count == 2)
        #expect(results.contains { $0.fields["error"]?.boolValue == true })
    }

    @Test func anHTTPToolSendsItsSecretHeaderButNoResultOrRecordShowsIt() async throws {
        let web = try await WebTestServer.start { request in
            .text("you sent: \(request.header("authorization") ?? "nothing")")
        }
        defer { Task { await web.shutdown() } }
        let harness = try await RunHarness.start(
            callsThenEcho([ScriptedToolCall(id: "1", name: "api", arguments: #"{"url":"\#(web.baseURL)/status"}"#)]))
        let tools = """
              api:
                type: http
                allow: ["http://127.0.0.1:\(web.port)/*"]
                headers: { Authorization: "Bearer ${env:API_TOKEN}" }

            """
        let token = "canary-token-7f3a9c"
        let run = try await harness.run(
            toolCrew(harness.model(), tools: tools, agentTools: "api"), environment: ["API_TOKEN": token])
        #expect(web.requests.first?.header("authorization") == "Bearer \(token)")
        let output = try #require(run.output("t"))
        #expect(output.contains("you sent: ") && !output.contains(token))
        for (path, text) in harness.allFiles() {
            #expect(!text.contains(token), "the token is in \(path)")
        }
        for request in harness.server.requests {
            #expect(!String(decoding: request.body, as: UTF8.self).contains(token), "the token went to the model")
        }
    }

    @Test func anHTTPToolRefusesLoopbackTheCrewDidNotAllow() async throws {
        let harness = try await RunHarness.start(
            callsThenEcho([
                ScriptedToolCall(
                    id: "1", name: "api", arguments: #"{"url":"http://169.254.169.254/latest/meta-data"}"#),
                ScriptedToolCall(id: "2", name: "api", arguments: #"{"url":"https://example.org.evil.test/x"}"#),
            ]))
        let run = try await harness.run(
            toolCrew(
                harness.model(), tools: "  api: { type: http, allow: [\"https://*.example.org/*\"] }\n",
                agentTools: "api"))
        #expect(run.outcome.status == .succeeded)
        #expect(run.events(.toolResult).allSatisfy { $0.fields["error"]?.boolValue == true })
    }

    @Test func aSlowToolTimesOutAndTheModelIsTold() async throws {
        let web = try await WebTestServer.start { _ in .hanging }
        defer { Task { await web.shutdown() } }
        let harness = try await RunHarness.start(
            callsThenEcho([ScriptedToolCall(id: "1", name: "api", arguments: #"{"url":"\#(web.baseURL)/slow"}"#)]))
        let tools = "  api: { type: http, allow: [\"http://127.0.0.1:\(web.port)/*\"], timeout: 0.5 }\n"
        let started = Date()
        let run = try await harness.run(toolCrew(harness.model(), tools: tools, agentTools: "api"))
        #expect(Date().timeIntervalSince(started) < 5)
        #expect(run.output("t")?.contains("took longer than 0.5 s") == true)
    }

    @Test func aHugeResultIsCappedAndItsFullSizeRecorded() async throws {
        let web = try await WebTestServer.start { _ in .text(String(repeating: "x", count: 50_000)) }
        defer { Task { await web.shutdown() } }
        let harness = try await RunHarness.start(
            callsThenEcho([ScriptedToolCall(id: "1", name: "api", arguments: #"{"url":"\#(web.baseURL)/big"}"#)]))
        let tools = "  api: { type: http, allow: [\"http://127.0.0.1:\(web.port)/*\"], max_result_chars: 1000 }\n"
        let run = try await harness.run(toolCrew(harness.model(), tools: tools, agentTools: "api"))
        let result = try #require(run.events(.toolResult).first)
        #expect((result.fields["result_chars"]?.intValue ?? 0) > 50_000)
        #expect((result.fields["result"]?.stringValue?.count ?? 0) < 1200)
        #expect(run.output("t")?.contains("[truncated: the first 1000 of") == true)
    }

    @Test func theCommandToolPassesTheModelsTextAsOneArgumentWithoutAShell() async throws {
        let harness = try await RunHarness.start(
            callsThenEcho([ScriptedToolCall(id: "1", name: "say", arguments: #"{"text":"hi; touch pwned $(id)"}"#)]))
        let tools = """
              say:
                type: command
                program: echo
                args: ["{text}"]
                input_schema: { type: object, required: [text], properties: { text: { type: string } } }

            """
        let run = try await harness.run(toolCrew(harness.model(), tools: tools, agentTools: "say"))
        #expect(run.output("t")?.contains("hi; touch pwned $(id)") == true)
        #expect(!FileManager.default.fileExists(atPath: harness.folder.path + "/crew/pwned"))
    }

    @Test func anUnsetHeaderVariableStopsTheRunBeforeAnyRequest() async throws {
        let harness = try await RunHarness.start()
        let tools =
            "  api: { type: http, allow: [\"https://example.org/*\"], headers: { X-Key: \"${env:NOPE_KEY}\" } }\n"
        await #expect(throws: (any Error).self) {
            _ = try await harness.run(toolCrew(harness.model(), tools: tools, agentTools: "api"))
        }
        #expect(harness.server.requests.isEmpty)
    }
}
