import CrewCore
import CrewDocuments
import CrewProviders
import CrewTestSupport
import Foundation
import Testing

@testable import CrewRuntime

@Suite struct SchemaValidatorTests {
    let schema = try! JSONParser.parse(
        #"{"type":"object","required":["title","items"],"additionalProperties":false,"properties":{"#
            + #""title":{"type":"string","minLength":2},"items":{"type":"array","maxItems":2,"items":{"type":"integer","minimum":0}},"#
            + #""kind":{"enum":["a","b"]}}}"#)

    @Test func aMatchingValuePasses() throws {
        let value = try JSONParser.parse(#"{"title":"ok","items":[1,2],"kind":"a"}"#)
        #expect(SchemaValidator.errors(value, against: schema).isEmpty)
    }

    @Test func everyProblemIsNamedWithItsPath() throws {
        let value = try JSONParser.parse(#"{"title":"x","items":[1,-2,3.5],"kind":"c","extra":true}"#)
        #expect(
            SchemaValidator.errors(value, against: schema) == [
                "$: property `extra` is not allowed", "$.items: more than 2 items", "$.items[1]: must be ≥ 0.0",
                "$.items[2]: expected integer, found number", "$.kind: must be one of [\"a\",\"b\"]",
                "$.title: shorter than 2 characters",
            ])
        #expect(SchemaValidator.errors(.array([]), against: schema) == ["$: expected object, found array"])
        #expect(SchemaValidator.errors(.object([:]), against: schema).count == 2)
    }

    @Test func fencedAnswersAreAccepted() {
        #expect(StructuredAnswer.unfenced("```json\n{\"a\": 1}\n```") == "{\"a\": 1}")
        if case .failure(let errors) = StructuredAnswer.check("not json", schema: .object([:])) {
            #expect(errors.errors.first?.hasPrefix("the answer is not valid JSON") == true)
        } else {
            Issue.record("plain text passed as JSON")
        }
    }

    @Test func mockAnswersFitTheirSchema() {
        #expect(SchemaValidator.errors(SchemaExample.minimal(schema), against: schema).isEmpty)
    }
}

@Suite struct PromptAndInputTests {
    func template(_ text: String) -> Template {
        TemplateParser.parse(text, at: .file("t"), inputs: true).0
    }

    @Test func messagesFollowTheSpec() {
        let agent = AgentDefinition(
            name: "a", role: template("Analyst of {topic}"), goal: template("Find {topic}"),
            backstory: template("Old hand."), model: "m")
        var task = TaskDefinition(
            name: "t", agent: "a", model: "m", description: template("Study {topic}. JSON: {\"x\": 1}"))
        task.expectedOutput = template("Bullets.")
        task.context = ["up"]
        let messages = PromptBuilder.messages(
            task: task, agent: agent, inputs: ["topic": "tides"], contextOutputs: [("up", "UP")])
        #expect(messages.map(\.role) == [.system, .user])
        #expect(messages[0].content == "You are Analyst of tides.\n\nYour goal: Find tides\n\nOld hand.")
        #expect(
            messages[1].content
                == "Study tides. JSON: {\"x\": 1}\n\nExpected output: Bullets.\n\n# Context\n\nThe outputs of earlier tasks:\n\n## up\n\nUP"
        )
    }

    @Test func inputsAreTypedAndDefaulted() throws {
        let definitions = [
            InputDefinition(name: "n", type: .integer, defaultValue: .int(3), required: false),
            InputDefinition(name: "flag", type: .boolean, defaultValue: nil, required: true),
        ]
        #expect(try RunInputs.resolve(definitions, given: ["flag": "true"]).get() == ["n": "3", "flag": "true"])
        guard case .failure(let errors) = RunInputs.resolve(definitions, given: ["n": "x"]) else {
            Issue.record("bad inputs accepted")
            return
        }
        #expect(
            errors.messages == [
                "input `n` must be an integer, got `x`", "input `flag` (boolean) is required: pass --input flag=...",
            ])
    }

    @Test func failuresNeverCarryAKey() {
        let text = FailureText.scrub(
            "Incorrect API key provided: sk-proj-abcdefghijklmnop and sk-live-123", secrets: ["sk-live-123"])
        #expect(text == "Incorrect API key provided: *** and ***")
    }
}

/// Runs at once that use the same model share its rate limits; different models, keys or limits do not.
@Suite struct RateLimiterPoolTests {
    func model(_ name: String, rpm: Int?, model: String = "gpt") -> ModelDefinition {
        var definition = ModelDefinition(name: name, provider: .openai, model: model)
        definition.requestsPerMinute = rpm
        return definition
    }

    func endpoint(key: String = "sk-one") -> Endpoint {
        Endpoint(provider: .openai, baseURL: "https://api.openai.com/v1", apiKey: Secret(key), keySource: "KEY")
    }

    @Test func oneLimiterPerModelEndpoint() throws {
        let pool = RateLimiterPool()
        let first = try #require(pool.limiter(for: model("a", rpm: 60), endpoint: endpoint()))
        // Another crew's model of another name, same endpoint, model, key and limit: the same budget.
        #expect(pool.limiter(for: model("b", rpm: 60), endpoint: endpoint()) === first)
        #expect(pool.limiter(for: model("a", rpm: 30), endpoint: endpoint()) !== first)
        #expect(pool.limiter(for: model("a", rpm: 60, model: "other"), endpoint: endpoint()) !== first)
        // The same variable holding another key (another tenant of a server) is another budget.
        #expect(pool.limiter(for: model("a", rpm: 60), endpoint: endpoint(key: "sk-two")) !== first)
        #expect(pool.limiter(for: model("a", rpm: nil), endpoint: endpoint()) == nil)
    }
}

/// Run ids are claimed by creating their folder: many runs started in one second never share one.
@Suite struct RunIDTests {
    @Test func idsOfOneSecondAreAllDistinctAndClaimed() throws {
        let folder = TemporaryFolder(prefix: "crew-run-ids")
        let runs = ConfinedPath(base: folder.path + "/runs")
        let now = Date()
        // 1,000 in one second: with 4 hex digits, some draws collide (the birthday bound), and are drawn again.
        let ids = try (0..<1000).map { _ in try RunRecorder.reserve(runs: runs, now: now) }
        #expect(Set(ids).count == 1000)
        #expect(ids.allSatisfy { FileManager.default.fileExists(atPath: folder.path + "/runs/" + $0) })
        #expect(throws: CrewFailure.self) { try RunRecorder.claim(ids[0], runs: runs) }
        try RunRecorder.claim("20991231-000000-beef", runs: runs)
        #expect(throws: PathFailure.self) { try RunRecorder.claim("../escape", runs: runs) }
    }
}
