import CrewCore
import CrewDocuments
import CrewProviders
import CrewRuntime
import CrewSpec

/// A rubric assertion: a model of the crew reads the task's output and the rubric and answers whether it passes,
/// with a reason. Its request goes through the test's cassette like the run's, as task `judge:TASK`, so a recorded
/// test judges the same way again with no model call.
struct RubricJudge {
    let clients: ModelClients
    let plan: ExecutionPlan

    static let system = """
        You judge the output of a step of an automated workflow against a rubric. Judge only what the rubric asks, \
        strictly. Answer with JSON: {"pass": true or false, "reason": "one sentence"}.
        """

    static let schema = JSONValue.object([
        "type": .string("object"),
        "properties": .object([
            "pass": .object(["type": .string("boolean")]), "reason": .object(["type": .string("string")]),
        ]),
        "required": .strings(["pass", "reason"]),
    ])

    func verdict(_ assertion: TestAssertion, rubric: String, judge: String, output: String?) async
        -> TestResult.Verdict
    {
        func verdict(_ passed: Bool, _ detail: String) -> TestResult.Verdict {
            TestResult.Verdict(assertion: assertion, passed: passed, detail: detail)
        }
        guard let output else { return verdict(false, "`\(assertion.task)` has no output: it did not succeed") }
        guard let model = plan.models[judge] else { return verdict(false, "the judge `\(judge)` is not a model") }
        let request = ChatRequest(
            model: model.model,
            messages: [
                ChatMessage(.system, Self.system),
                ChatMessage(.user, "Rubric:\n\(rubric)\n\nOutput of `\(assertion.task)`:\n\(output)"),
            ],
            temperature: 0, maxTokens: 400, responseSchema: Self.schema, stream: false)
        let client = clients.client(model: judge, task: "judge:" + assertion.task)
        do {
            let answer = try await client.complete(request) { _ in }
            guard let json = try? JSONParser.parse(answer.text), let passed = json["pass"]?.boolValue else {
                return verdict(
                    false, "the judge's answer is not the JSON asked for: \(AssertionCheck.clip(answer.text))")
            }
            return verdict(passed, json["reason"]?.stringValue ?? "")
        } catch {
            let text = FailureText.describe(
                error, model: model, endpoint: clients.endpoint(model: judge), secrets: clients.secrets)
            return verdict(false, "the judge could not answer: \(text)")
        }
    }
}
