import CrewCore
import CrewDocuments
import CrewProviders
import CrewRuntime
import CrewTestSupport
import Foundation
import Testing

/// Each fault the test server can script, and what the run does about it.
@Suite struct FaultTests {
    /// Fails the first `count` requests with `fault`, then answers normally.
    static func failing(_ count: Int, with fault: Behavior) -> @Sendable (RecordedRequest) -> Behavior {
        { request in request.index < count ? fault : .reply(text: "recovered") }
    }

    func single(_ harness: RunHarness, stream: Bool = true) async throws -> RunHarness.Run {
        try await harness.run(crew(harness.model(), tasks: "  t: { agent: a, description: D }\n"), stream: stream)
    }

    @Test func rateLimitedThenRetriedHonouringRetryAfter() async throws {
        let harness = try await RunHarness.start(Self.failing(1, with: .status(429, retryAfter: "1")))
        defer { Task { try? await harness.server.shutdown() } }
        let started = Date()
        let run = try await single(harness)
        #expect(run.outcome.status == .succeeded)
        #expect(Date().timeIntervalSince(started) >= 1.0)
        let retry = try #require(run.events(.retry).first)
        #expect(retry.fields["delay_ms"]?.intValue ?? 0 >= 1000)
        #expect(retry.fields["error"]?.stringValue?.contains("429") == true)
        #expect(run.result("t")?["requests"]?.intValue == 2)
    }

    @Test func serverErrorsAreRetried() async throws {
        let harness = try await RunHarness.start(Self.failing(2, with: .status(500)))
        defer { Task { try? await harness.server.shutdown() } }
        let run = try await single(harness)
        #expect(run.outcome.status == .succeeded)
        #expect(run.events(.retry).count == 2)
        #expect(run.output("t") == "recovered")
    }

    @Test func rejectedKeyIsNotRetriedAndSaysWhatToFix() async throws {
        let harness = try await RunHarness.start { _ in
            .status(401, message: "Incorrect API key provided: test-key-123")
        }
        defer { Task { try? await harness.server.shutdown() } }
        let run = try await single(harness)
        #expect(run.outcome.status == .failed)
        #expect(harness.server.requests.count == 1)
        let error = try #require(run.events(.taskFailed).first?.fields["error"]?.stringValue)
        #expect(error.contains("model `m`: the key in CREW_TEST_KEY was rejected (401)"))
        #expect(!error.contains("test-key-123"))
    }

    @Test func unknownModelSaysSo() async throws {
        let harness = try await RunHarness.start { _ in .status(404, message: "The model `test-model` does not exist") }
        defer { Task { try? await harness.server.shutdown() } }
        let run = try await single(harness)
        let error = try #require(run.events(.taskFailed).first?.fields["error"]?.stringValue)
        #expect(error.contains("does not know model `test-model` (404)"))
    }

    @Test func hangingServerTimesOutThenFails() async throws {
        let harness = try await RunHarness.start { _ in .hang }
        defer { Task { try? await harness.server.shutdown() } }
        let yaml = crew(
            harness.model().replacing("timeout: 2s", with: "timeout: 300ms").replacing(
                "max_retries: 3", with: "max_retries: 1"),
            tasks: "  t: { agent: a, description: D }\n")
        let run = try await harness.run(yaml)
        #expect(run.outcome.status == .failed)
        #expect(harness.server.requests.count == 2)
        #expect(run.events(.taskFailed).first?.fields["error"]?.stringValue?.contains("timeout") == true)
    }

    @Test(arguments: [true, false])
    func cutStreamIsRetried(stream: Bool) async throws {
        let harness = try await RunHarness.start(Self.failing(1, with: .cutStream(afterChunks: 2)))
        defer { Task { try? await harness.server.shutdown() } }
        let run = try await single(harness, stream: stream)
        #expect(run.outcome.status == .succeeded)
        #expect(run.output("t") == "recovered")
        #expect(run.events(.retry).count == 1)
    }

    @Test func malformedJSONIsRetriedThenFails() async throws {
        let harness = try await RunHarness.start { _ in .malformedJSON }
        defer { Task { try? await harness.server.shutdown() } }
        let run = try await single(harness, stream: false)
        #expect(run.outcome.status == .failed)
        #expect(harness.server.requests.count == 4)  // the first attempt and 3 retries
        #expect(run.events(.taskFailed).first?.fields["error"]?.stringValue?.contains("could not be read") == true)
    }

    @Test func droppedConnectionIsRetried() async throws {
        let harness = try await RunHarness.start(Self.failing(1, with: .closeConnection))
        defer { Task { try? await harness.server.shutdown() } }
        #expect(try await single(harness).outcome.status == .succeeded)
    }

    @Test func answerThatBreaksTheSchemaIsRepaired() async throws {
        let harness = try await RunHarness.start { request in
            request.lastUserText.contains("does not match the required JSON Schema")
                ? .replyJSON(.object(["count": .int(3)])) : .replyJSON(.object(["count": .string("three")]))
        }
        defer { Task { try? await harness.server.shutdown() } }
        let schema = "{ type: object, properties: { count: { type: integer } }, required: [count] }"
        for provider in ["openai", "anthropic", "gemini"] {
            let run = try await harness.run(
                crew(
                    harness.model(provider), tasks: "  t: { agent: a, description: D, output: { schema: \(schema) } }\n"
                ))
            #expect(run.outcome.status == .succeeded, "\(provider)")
            #expect(run.output("t") == "{\n  \"count\": 3\n}\n")
            #expect(run.result("t")?["repairs"]?.intValue == 1)
        }
        let repair = harness.server.requests[1]
        #expect(repair.lastUserText.contains("$.count: expected integer, found string"))
    }

    @Test func answerThatNeverFitsFailsAfterItsRepairs() async throws {
        let harness = try await RunHarness.start { _ in .reply(text: "not json at all") }
        defer { Task { try? await harness.server.shutdown() } }
        let schema = "{ type: object }"
        let run = try await harness.run(
            crew(
                harness.model(),
                tasks: "  t: { agent: a, description: D, output: { schema: \(schema), max_repairs: 1 } }\n"))
        #expect(run.outcome.status == .failed)
        #expect(harness.server.requests.count == 2)
        #expect(run.events(.taskFailed).first?.fields["error"]?.stringValue?.contains("after 1 repairs") == true)
    }

    @Test func missingKeyIsReportedBeforeAnythingRuns() async throws {
        let harness = try await RunHarness.start()
        defer { Task { try? await harness.server.shutdown() } }
        let yaml = crew(
            "models:\n  m: { provider: anthropic, model: x, base_url: \"\(harness.server.baseURL)\", api_key: \"${env:NOT_SET_ANYWHERE}\" }\n",
            tasks: "  t: { agent: a, description: D }\n")
        await #expect(throws: ModelClients.SetupError.self) { try await harness.run(yaml) }
        #expect(harness.server.requests.isEmpty)
    }

    @Test func aTaskTimeoutEndsASlowTask() async throws {
        let harness = try await RunHarness.start { _ in
            .paced(seconds: 0.2, then: .reply(text: "one two three four five six"))
        }
        defer { Task { try? await harness.server.shutdown() } }
        // The stream never stalls long enough for the idle timeout, but the whole task takes too long.
        let run = try await harness.run(
            crew(harness.model(), tasks: "  t: { agent: a, description: D, timeout: 500ms }\n"))
        #expect(run.outcome.status == .failed)
        #expect(run.events(.taskFailed).first?.fields["error"]?.stringValue?.contains("timeout") == true)
    }
}
