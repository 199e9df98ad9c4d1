import CrewCore
import CrewDocuments
import CrewKit
import CrewProviders
import CrewRuntime
import CrewTelemetry
import CrewTestSupport
import Foundation
import InMemoryTracing
import Testing
import Tracing

/// A real run against the provider test server, traced into an in-memory tracer: the tree, the GenAI attributes,
/// the token counts, a retry and a failure, and no content unless asked for.
@Suite struct RunSpansTests {
    static let key = "sk-canary-telemetry-4d1f"

    static func crew(_ baseURL: String) -> String {
        """
        version: 1
        name: traced
        models:
          m: { provider: openai, model: gpt-test, base_url: "\(baseURL)/v1", api_key: "${env:KEY}", max_retries: 1, temperature: 0 }
        tools:
          notes: { type: file, root: notes }
        agents:
          a: { role: Researcher, goal: Find, model: m, tools: [notes] }
        tasks:
          look: { agent: a, description: LOOK }
          write: { agent: a, description: WRITE, context: [look] }
          broken: { agent: a, description: BROKEN }

        """
    }

    struct Traced {
        var spans: [FinishedInMemorySpan]
        var runID: String

        func named(_ name: String) -> [FinishedInMemorySpan] { spans.filter { $0.operationName == name } }
        func children(of span: FinishedInMemorySpan) -> [FinishedInMemorySpan] {
            spans.filter { $0.parentSpanID == span.spanID }
        }
        func task(_ name: String) throws -> FinishedInMemorySpan {
            try #require(
                spans.first {
                    $0.attributes[CrewAttribute.task]?.toSpanAttribute() == .string(name)
                        && $0.operationName.hasPrefix("invoke_agent")
                })
        }
    }

    static func traced(captureContent: Bool = false) async throws -> Traced {
        let provider = try await ProviderTestServer.start { request in
            let messages = request.json?["messages"]?.arrayValue ?? []
            let afterTool = messages.last?["role"]?.stringValue == "tool"
            if request.lastUserText.hasPrefix("BROKEN") { return .status(500) }
            if request.lastUserText.hasPrefix("LOOK"), !afterTool {
                return .toolCalls([
                    ScriptedToolCall(id: "c1", name: "notes", arguments: #"{"operation":"read","path":"tides.md"}"#)
                ])
            }
            return .reply(text: "done", inputTokens: 11, outputTokens: 7)
        }
        let engine = CrewEngine(
            configuration: CrewEngine.Configuration(
                environment: ["KEY": key], retry: RetryPolicy(maxRetries: 1, baseDelay: 0.01, maxDelay: 0.05)))
        let folder = TemporaryFolder(prefix: "crew-telemetry")
        defer {
            Task {
                await engine.shutdown()
                try? await provider.shutdown()
            }
        }
        folder.write("crew/notes/tides.md", "Spring tides follow the new moon.\n")
        let compiled = engine.compile(path: folder.write("crew/crew.yaml", crew(provider.baseURL)))
        let runnable = try await engine.runnable(compiled)
        let tracer = InMemoryTracer()
        var options = RunOptions()
        let spans = RunSpans(
            tracer: tracer, plan: runnable.document, captureContent: captureContent,
            records: ConfinedPath(base: folder.path + "/crew", below: ".crew/runs")
        ) { $0.inMemorySpanContext?.traceID }
        options.observers = [spans]
        options.traceID = spans.traceID
        let handle = try engine.start(runnable, inputs: [:], options: options)
        _ = try await handle.result()
        let store = RunStore(ConfinedPath(base: folder.path + "/crew", below: ".crew/runs"))
        let record = try #require(store.record(handle.runID))
        #expect(record.traceID != nil && record.traceID == spans.traceID, "run.json names the trace")
        return Traced(spans: tracer.finishedSpans, runID: handle.runID)
    }

    @Test func aRunIsOneTraceWithATaskSpanPerTaskAndItsWorkBelow() async throws {
        let trace = try await Self.traced()
        let root = try #require(trace.named("invoke_workflow traced").first)
        #expect(root.parentSpanID == nil && trace.spans.allSatisfy { $0.traceID == root.traceID })
        #expect(root.attributes["crew.run.id"]?.toSpanAttribute() == .string(trace.runID))
        #expect(root.attributes["gen_ai.operation.name"]?.toSpanAttribute() == .string("invoke_workflow"))
        #expect(root.attributes["crew.run.status"]?.toSpanAttribute() == .string("failed"))
        #expect(root.status?.code == .error)

        let tasks = trace.children(of: root)
        #expect(Set(tasks.map(\.operationName)) == ["invoke_agent a"] && tasks.count == 3)
        let look = try trace.task("look")
        #expect(look.attributes["gen_ai.agent.name"]?.toSpanAttribute() == .string("a"))
        #expect(look.attributes["gen_ai.provider.name"]?.toSpanAttribute() == .string("openai"))
        #expect(look.attributes["gen_ai.request.model"]?.toSpanAttribute() == .string("gpt-test"))
        #expect(look.status == nil)

        // look: an answer asking for the tool, the tool call, the final answer.
        let below = trace.children(of: look).sorted {
            $0.startInstant.nanosecondsSinceEpoch < $1.startInstant.nanosecondsSinceEpoch
        }
        #expect(below.map(\.operationName) == ["chat gpt-test", "execute_tool notes", "chat gpt-test"])
        #expect(
            below[0].kind == .client && below[0].attributes["crew.response.tool_calls"]?.toSpanAttribute() == .int64(1))
        #expect(below[1].attributes["gen_ai.tool.name"]?.toSpanAttribute() == .string("notes"))
        #expect(below[1].attributes["gen_ai.tool.call.id"]?.toSpanAttribute() == .string("c1"))
        #expect(below[2].attributes["gen_ai.usage.input_tokens"]?.toSpanAttribute() == .int64(11))
        #expect(below[2].attributes["gen_ai.usage.output_tokens"]?.toSpanAttribute() == .int64(7))
        #expect(below[2].attributes["gen_ai.response.finish_reasons"]?.toSpanAttribute() == .stringArray(["stop"]))
        // The task's usage is the sum of its answers'.
        let answers = below.filter { $0.operationName.hasPrefix("chat") }
        let summed = answers.compactMap { span -> Int64? in
            if case .int64(let n) = span.attributes["gen_ai.usage.output_tokens"]?.toSpanAttribute() { return n }
            return nil
        }.reduce(0, +)
        #expect(look.attributes["gen_ai.usage.output_tokens"]?.toSpanAttribute() == .int64(summed))
        // Children start and end inside their parents.
        for span in trace.spans {
            guard let parent = trace.spans.first(where: { $0.spanID == span.parentSpanID }) else { continue }
            #expect(span.startInstant.nanosecondsSinceEpoch >= parent.startInstant.nanosecondsSinceEpoch)
            #expect(span.endInstant.nanosecondsSinceEpoch <= parent.endInstant.nanosecondsSinceEpoch)
        }
    }

    @Test func aFailedAnswerIsAnErrorWithItsRetryAsAnEvent() async throws {
        let trace = try await Self.traced()
        let broken = try trace.task("broken")
        #expect(broken.status?.code == .error && !broken.errors.isEmpty)
        let chat = try #require(trace.children(of: broken).first { $0.operationName.hasPrefix("chat") })
        #expect(chat.status?.code == .error)
        #expect(chat.events.filter { $0.name == "retry" }.count == 1)
        #expect(chat.events.first?.attributes["crew.retry.attempt"]?.toSpanAttribute() == .int64(1))
        // The task after it still ran.
        #expect(try trace.task("write").status == nil)
    }

    @Test func contentStaysOutUnlessAskedForAndSecretsAlways() async throws {
        let plain = try await Self.traced()
        let tool = try #require(plain.named("execute_tool notes").first)
        #expect(
            tool.attributes["gen_ai.tool.call.arguments"] == nil && tool.attributes["gen_ai.tool.call.result"] == nil)
        let rich = try await Self.traced(captureContent: true)
        let richTool = try #require(rich.named("execute_tool notes").first)
        #expect(
            richTool.attributes["gen_ai.tool.call.arguments"]?.toSpanAttribute()
                == .string(#"{"operation":"read","path":"tides.md"}"#))
        guard case .string(let result) = richTool.attributes["gen_ai.tool.call.result"]?.toSpanAttribute() else {
            Issue.record("no result captured")
            return
        }
        #expect(result.contains("Spring tides"))
        // Prompts and outputs, in the conventions' message shape, only when asked for.
        #expect(plain.spans.allSatisfy { $0.attributes["gen_ai.input.messages"] == nil })
        #expect(plain.spans.allSatisfy { $0.attributes["gen_ai.output.messages"] == nil })
        let write = try rich.task("write")
        let asked = try #require(rich.children(of: write).first { $0.operationName.hasPrefix("chat") })
        guard case .string(let sent) = asked.attributes["gen_ai.input.messages"]?.toSpanAttribute(),
            case .string(let output) = write.attributes["gen_ai.output.messages"]?.toSpanAttribute()
        else {
            Issue.record("no messages captured")
            return
        }
        let messages = try JSONParser.parse(Array(sent.utf8)).arrayValue ?? []
        #expect(messages.last?["role"]?.stringValue == "user")
        #expect(messages.last?["parts"]?.arrayValue?.first?["content"]?.stringValue?.contains("WRITE") == true)
        #expect(output == #"[{"parts":[{"content":"done","type":"text"}],"role":"assistant"}]"#)
        for span in plain.spans + rich.spans {
            #expect(!"\(span.attributes) \(span.events) \(span.errors.map { "\($0.error)" })".contains(Self.key))
        }
    }
}
