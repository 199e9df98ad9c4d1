import CrewCore
import CrewDocuments
import CrewProviders
import CrewRuntime
import CrewTestSupport
import Foundation
import Testing

/// A small crew against each provider's real wire format, streamed and not.
@Suite struct ProviderRunTests {
    static let cases: [(String, Bool)] = [
        ("openai", true), ("openai", false), ("anthropic", true), ("anthropic", false), ("gemini", true),
        ("gemini", false),
    ]

    @Test(arguments: cases)
    func twoTasksRunAndPassContext(provider: String, stream: Bool) async throws {
        let harness = try await RunHarness.start { request in
            request.lastUserText.contains("FIRST")
                ? .reply(text: "alpha beta gamma", inputTokens: 11, outputTokens: 3) : .reply()
        }
        defer { Task { try? await harness.server.shutdown() } }
        let yaml = crew(
            harness.model(provider, extra: ", price: { input_per_million: 1.0, output_per_million: 2.0 }"),
            tasks: """
                  first: { agent: a, description: "FIRST task about {topic}", expected_output: Three words. }
                  second: { agent: a, description: SECOND task, context: [first], output: { file: out/second.md } }
                """, inputs: "inputs: { topic: { type: string, default: tides } }\n")
        let run = try await harness.run(yaml, stream: stream)
        #expect(run.outcome.status == .succeeded)
        #expect(run.output("first") == "alpha beta gamma")
        let first = try #require(harness.server.requests.first { $0.lastUserText.contains("FIRST") })
        #expect(first.provider.rawValue == provider)
        #expect(first.streaming == stream)
        #expect(first.lastUserText.contains("FIRST task about tides"))
        #expect(first.lastUserText.contains("Expected output: Three words."))
        #expect(first.systemText?.contains("You are Tester.") == true)
        let second = try #require(harness.server.requests.first { $0.lastUserText.contains("SECOND") })
        #expect(second.lastUserText.contains("## first\n\nalpha beta gamma"))
        #expect(run.result("first")?["input_tokens"]?.intValue == 11)
        #expect(run.result("first")?["output_tokens"]?.intValue == 3)
        #expect(run.result("first")?["cost_usd"]?.doubleValue == 0.000017)
        let written = try String(contentsOfFile: harness.folder.path + "/crew/out/second.md", encoding: .utf8)
        #expect(written.hasPrefix("echo: "))
        let messages = try #require(run.store.messages(run.outcome.runID, task: "second"))
        #expect(messages.last?["content"]?.stringValue?.contains("alpha beta gamma") == true)
    }

    @Test func keysGoInHeadersOnly() async throws {
        let harness = try await RunHarness.start()
        defer { Task { try? await harness.server.shutdown() } }
        for provider in ["openai", "anthropic", "gemini"] {
            _ = try await harness.run(crew(harness.model(provider), tasks: "  t: { agent: a, description: D }\n"))
        }
        let requests = harness.server.requests
        #expect(requests.count == 3)
        #expect(requests[0].header("authorization") == "Bearer test-key-123")
        #expect(requests[1].header("x-api-key") == "test-key-123")
        #expect(requests[1].header("anthropic-version") == "2023-06-01")
        #expect(requests[2].header("x-goog-api-key") == "test-key-123")
        #expect(requests.allSatisfy { !$0.path.contains("test-key-123") })
    }

    @Test func streamedTextReachesOnlyTheObserversThatFollowIt() async throws {
        let harness = try await RunHarness.start { _ in .reply(text: "alpha beta gamma delta", outputTokens: 4) }
        defer { Task { try? await harness.server.shutdown() } }
        let follower = TextLog(follows: true)
        let bystander = TextLog(follows: false)
        let run = try await harness.run(
            crew(harness.model(), tasks: "  t: { agent: a, description: D }\n"), observers: [follower, bystander])
        #expect(run.outcome.status == .succeeded)
        #expect(follower.pieces.joined() == "alpha beta gamma delta")
        #expect(follower.lastTokens == 6, "22 characters are about 6 tokens, counted as the pieces come")
        #expect(bystander.pieces.isEmpty && bystander.lastTokens == nil)
    }
}

/// What an observer was told of a task's streamed text.
final class TextLog: RunObserver, @unchecked Sendable {
    let followsStreamedText: Bool
    private let lock = NSLock()
    private var received: [String] = []
    private var tokens: Int?

    init(follows: Bool) { followsStreamedText = follows }

    var pieces: [String] { lock.withLock { received } }
    var lastTokens: Int? { lock.withLock { tokens } }

    func handle(_ event: RunEvent) {}
    func progress(task: String, outputTokens: Int) { lock.withLock { tokens = outputTokens } }
    func output(task: String, piece: String) { lock.withLock { received.append(piece) } }
}
