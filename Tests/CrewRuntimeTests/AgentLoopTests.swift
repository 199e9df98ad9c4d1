import CrewCore
import CrewDocuments
import CrewProviders
import CrewRuntime
import CrewTestSupport
import Foundation
import Testing

/// What a request carries, whatever the provider: its system text and the tool results sent back so far.
enum Conversation {
    static func system(_ request: RecordedRequest) -> String {
        guard let json = request.json else { return "" }
        if let text = json["system"]?.stringValue { return text }
        if let parts = json["systemInstruction"]?["parts"]?.arrayValue {
            return parts.compactMap { $0["text"]?.stringValue }.joined()
        }
        return json["messages"]?.arrayValue?.first { $0["role"]?.stringValue == "system" }?["content"]?.stringValue
            ?? ""
    }

    /// The text of every tool result in the request, in order.
    static func toolResults(_ request: RecordedRequest) -> [String] {
        guard let json = request.json else { return [] }
        var results: [String] = []
        for message in json["messages"]?.arrayValue ?? json["contents"]?.arrayValue ?? [] {
            if message["role"]?.stringValue == "tool" { results.append(message["content"]?.stringValue ?? "") }
            for block in message["content"]?.arrayValue ?? [] where block["type"]?.stringValue == "tool_result" {
                results.append(block["content"]?.stringValue ?? block["content"]?.serialized() ?? "")
            }
            for part in message["parts"]?.arrayValue ?? [] {
                if let response = part["functionResponse"]?["response"] { results.append(response.serialized()) }
            }
        }
        return results
    }

    static func lastUserText(_ request: RecordedRequest) -> String {
        guard let json = request.json else { return "" }
        let messages = json["messages"]?.arrayValue ?? json["contents"]?.arrayValue ?? []
        guard let last = messages.last else { return "" }
        if let text = last["content"]?.stringValue { return text }
        let blocks = last["content"]?.arrayValue ?? last["parts"]?.arrayValue ?? []
        return blocks.compactMap { $0["text"]?.stringValue }.joined()
    }
}

/// A crew where `lead` may ask `expert`, and `expert` answers from its own model.
func delegationCrew(_ models: String, lead: String = "", task: String = "") -> String {
    """
    version: 1
    name: loop
    \(models)agents:
      lead: { role: Lead, goal: Answer questions, delegate_to: [expert]\(lead) }
      expert: { role: Expert on tides, goal: Know tides }
    tasks:
      t:
        agent: lead
        description: What causes spring tides?\(task)

    """
}

func ask(_ question: String = "why?", id: String? = nil, agent: String = "expert") -> ScriptedToolCall {
    ScriptedToolCall(id: id, name: "ask_agent", arguments: #"{"agent":"\#(agent)","question":"\#(question)"}"#)
}

@Suite struct AgentLoopTests {
    @Test(arguments: ["openai", "anthropic", "gemini"])
    func aToolCallRunsAndItsResultGoesBack(provider: String) async throws {
        let harness = try await RunHarness.start { request in
            if Conversation.system(request).contains("Expert") { return .reply(text: "The Moon and the Sun align.") }
            let results = Conversation.toolResults(request)
            return results.isEmpty
                ? .toolCalls([ask("what causes them?")], text: "Let me ask.")
                : .reply(text: "Final: " + results[0])
        }
        let run = try await harness.run(delegationCrew(harness.model(provider)))
        #expect(run.outcome.status == .succeeded)
        let output = try #require(run.output("t"))
        #expect(output.contains("Final:") && output.contains("The Moon and the Sun align."))
        #expect(harness.server.requests.count == 3)
        #expect(run.events(.toolCall).first?.fields["tool"]?.stringValue == "ask_agent")
        #expect(run.events(.toolResult).first?.fields["error"] == nil)
        #expect(run.events(.delegationStarted).first?.fields["agent"]?.stringValue == "expert")
        #expect(run.events(.delegationFinished).first?.fields["error"] == nil)
        let result = try #require(run.result("t"))
        #expect(result["tool_calls"]?.intValue == 1)
        #expect(result["requests"]?.intValue == 3)
    }

    @Test func callsOfOneTurnRunConcurrentlyAndResultsKeepTheirOrder() async throws {
        let harness = try await RunHarness.start { request in
            let system = Conversation.system(request)
            if system.contains("Expert") {
                let question = Conversation.lastUserText(request)
                let slow = question.contains("first")
                return .delay(seconds: slow ? 0.6 : 0.1, then: .reply(text: slow ? "answer one" : "answer two"))
            }
            let results = Conversation.toolResults(request)
            return results.isEmpty
                ? .toolCalls([ask("first", id: "c1"), ask("second", id: "c2")])
                : .reply(text: results.joined(separator: " | "))
        }
        let run = try await harness.run(delegationCrew(harness.model()))
        #expect(run.output("t") == "answer one | answer two")
        // Both questions reach the expert's model before either answer comes back.
        #expect(harness.server.maxInFlight == 2)
        #expect(run.events(.toolResult).count == 2)
    }

    @Test func badCallsBecomeErrorResultsAndTheTaskGoesOn() async throws {
        let harness = try await RunHarness.start { request in
            let results = Conversation.toolResults(request)
            guard results.isEmpty else { return .reply(text: results.joined(separator: "\n---\n")) }
            return .toolCalls([
                ScriptedToolCall(id: "a", name: "web_search", arguments: #"{"q":"x"}"#),
                ScriptedToolCall(id: "b", name: "ask_agent", arguments: #"{"agent": "expert", "question": "#),
                ScriptedToolCall(id: "c", name: "ask_agent", arguments: #"{"agent":"nobody","question":"hi"}"#),
            ])
        }
        let run = try await harness.run(delegationCrew(harness.model()))
        #expect(run.outcome.status == .succeeded)
        let output = try #require(run.output("t"))
        #expect(output.contains("There is no tool `web_search`. The tools you can call are: `ask_agent`."))
        #expect(output.contains("The arguments are not valid JSON"))
        #expect(output.contains("do not match the tool's input schema"))
        #expect(run.events(.toolResult).allSatisfy { $0.fields["error"]?.boolValue == true })
    }

    @Test func aLoopThatNeverEndsFailsAtMaxIterations() async throws {
        let harness = try await RunHarness.start { request in
            Conversation.system(request).contains("Expert") ? .reply(text: "more") : .toolCalls([ask()])
        }
        let run = try await harness.run(delegationCrew(harness.model(), lead: ", max_iterations: 3"))
        #expect(run.outcome.status == .failed)
        let error = run.events(.taskFailed).first?.fields["error"]?.stringValue ?? ""
        #expect(error.contains("used all 3 of its turns"))
        #expect(run.events(.toolCall).count == 3)
    }

    @Test(arguments: ["openai", "anthropic", "gemini"])
    func onMaxIterationsAnswerAsksForAFinalAnswerWithoutTools(provider: String) async throws {
        let harness = try await RunHarness.start { request in
            if Conversation.system(request).contains("Expert") { return .reply(text: "more") }
            if Conversation.lastUserText(request).contains("used all the steps") { return .reply(text: "best so far") }
            return .toolCalls([ask()])
        }
        let run = try await harness.run(
            delegationCrew(harness.model(provider), lead: ", max_iterations: 2, on_max_iterations: answer"))
        #expect(run.output("t") == "best so far")
        let last = try #require(harness.server.requests.last?.json)
        let choice =
            last["tool_choice"]?.stringValue ?? last["tool_choice"]?["type"]?.stringValue
            ?? last["toolConfig"]?["functionCallingConfig"]?["mode"]?.stringValue
        #expect(choice?.lowercased() == "none")
    }

    @Test func aStructuredTaskWithToolsIsAskedForItsJSONAfterTheTools() async throws {
        let harness = try await RunHarness.start { request in
            if Conversation.system(request).contains("Expert") { return .reply(text: "spring tides: Moon+Sun") }
            if request.json?["response_format"] != nil { return .replyJSON(.object(["cause": .string("Moon+Sun")])) }
            return Conversation.toolResults(request).isEmpty ? .toolCalls([ask()]) : .reply(text: "It is the Moon.")
        }
        let schema =
            "\n    output: { schema: { type: object, required: [cause], properties: { cause: { type: string } } } }"
        let run = try await harness.run(delegationCrew(harness.model(), task: schema))
        #expect(run.outcome.status == .succeeded)
        let output = try #require(run.output("t"))
        #expect(output.contains("\"cause\": \"Moon+Sun\""))
        #expect(harness.server.requests.last?.json?["tool_choice"]?.stringValue == "none")
    }

    @Test func delegationUsageCountsTowardTheAskingTask() async throws {
        let harness = try await RunHarness.start { request in
            if Conversation.system(request).contains("Expert") {
                return .reply(text: "an answer", inputTokens: 100, outputTokens: 50)
            }
            return Conversation.toolResults(request).isEmpty
                ? .toolCalls([ask()]) : .reply(text: "done", inputTokens: 10, outputTokens: 5)
        }
        let run = try await harness.run(delegationCrew(harness.model()))
        let result = try #require(run.result("t"))
        #expect((result["input_tokens"]?.intValue ?? 0) >= 110)
        #expect((result["output_tokens"]?.intValue ?? 0) >= 55)
        let finished = try #require(run.events(.delegationFinished).first)
        #expect(finished.fields["input_tokens"]?.intValue == 100)
    }
}

/// Answers reviews from a list, in order.
final class ListReviewer: Reviewer, @unchecked Sendable {
    private let lock = NSLock()
    private var decisions: [ReviewDecision]
    private(set) var drafts: [String] = []

    init(_ decisions: [ReviewDecision]) {
        self.decisions = decisions
    }

    func review(task: String, agent: String, draft: String, round: Int) async -> ReviewDecision {
        lock.withLock {
            drafts.append(draft)
            return decisions.isEmpty ? .approve : decisions.removeFirst()
        }
    }
}

@Suite struct HumanReviewTests {
    let yaml = { (models: String) in
        crew(models, tasks: "  t: { agent: a, description: Write a haiku, human_review: true }\n")
    }

    @Test func feedbackGoesBackToTheAgentUntilApproved() async throws {
        let harness = try await RunHarness.start { request in
            Conversation.lastUserText(request).contains("asks for changes")
                ? .reply(text: "draft two") : .reply(text: "draft one")
        }
        let reviewer = ListReviewer([.revise("Shorter, please."), .approve])
        let run = try await harness.run(yaml(harness.model()), reviewer: reviewer)
        #expect(run.output("t") == "draft two")
        #expect(reviewer.drafts == ["draft one", "draft two"])
        #expect(Conversation.lastUserText(harness.server.requests[1]).contains("Shorter, please."))
        #expect(run.events(.review).map { $0.fields["decision"]?.stringValue } == ["revise", "approved"])
        #expect(run.result("t")?["reviews"]?.intValue == 1)
    }

    @Test func aRejectionFailsTheTask() async throws {
        let harness = try await RunHarness.start { _ in .reply(text: "draft") }
        let run = try await harness.run(yaml(harness.model()), reviewer: ListReviewer([.reject("off topic")]))
        #expect(run.outcome.status == .failed)
        #expect(run.events(.taskFailed).first?.fields["error"]?.stringValue?.contains("off topic") == true)
    }

    @Test func withoutAReviewerTheTaskFailsClearly() async throws {
        let harness = try await RunHarness.start { _ in .reply(text: "draft") }
        let run = try await harness.run(yaml(harness.model()))
        #expect(run.outcome.status == .failed)
        #expect(run.events(.taskFailed).first?.fields["error"]?.stringValue?.contains("--approve-all") == true)
    }
}
