import CrewCore
import CrewDocuments
import CrewProviders
import CrewTools
import Foundation

/// Token counts and calls of agents asked for help, added to the asking task's figures when it ends.
final class Tally: @unchecked Sendable {
    private let lock = NSLock()
    private var usage = TokenUsage.zero
    private var calls = 0
    private var requests = 0

    func add(_ report: TaskReport) {
        lock.withLock {
            usage.input += report.usage.input
            usage.output += report.usage.output
            calls += report.toolCalls
            requests += report.requests
        }
    }

    func merge(into report: inout TaskReport) {
        lock.withLock {
            report.usage.input += usage.input
            report.usage.output += usage.output
            report.toolCalls += calls
            report.requests += requests
        }
    }
}

extension Executor {
    public static let delegationToolName = "ask_agent"

    /// How `ask_agent` looks to an agent that may ask `colleagues` (also what `crew tools` shows).
    public static func delegationDescriptor(
        colleagues: [String], plan: ExecutionPlan, inputs: [String: String]
    ) -> ToolDescriptor {
        let list = colleagues.compactMap { name in
            plan.agents[name].map {
                "- \(name): \($0.role.rendered(inputs: inputs)); \($0.goal.rendered(inputs: inputs))"
            }
        }.joined(separator: "\n")
        return ToolDescriptor(
            name: delegationToolName,
            description: "Ask a colleague to do a piece of work or answer a question; they reply in text. "
                + "Give them everything they need: they cannot see your conversation.\nColleagues:\n\(list)",
            inputSchema: .object([
                "type": .string("object"),
                "properties": .object([
                    "agent": .object(["type": .string("string"), "enum": .strings(colleagues)]),
                    "question": .object([
                        "type": .string("string"), "description": .string("The work or question, in full."),
                    ]),
                    "context": .object([
                        "type": .string("string"), "description": .string("What you know that they need."),
                    ]),
                ]),
                "required": .strings(["agent", "question"]),
                "additionalProperties": .bool(false),
            ]))
    }

    /// `ask_agent`: puts a question to one of the agents in `delegate_to`, who answers with its own model and tools.
    func delegationTool(_ task: TaskDefinition, _ speaker: Speaker, _ colleagues: [String]) -> ToolInvoker.Offered {
        let descriptor = Self.delegationDescriptor(colleagues: colleagues, plan: plan, inputs: inputs)
        return ToolInvoker.Offered(
            descriptor: descriptor, timeout: task.timeout ?? plan.taskTimeout ?? 3600,
            maxResultChars: ToolInvoker.defaultMaxResultChars,
            run: { [self] arguments throws(ToolFailure) in
                try await delegate(
                    task, from: speaker, to: arguments["agent"]?.stringValue ?? "",
                    question: arguments["question"]?.stringValue ?? "", context: arguments["context"]?.stringValue)
            })
    }

    /// The colleague's answer; its turns and tool calls are recorded as a nested step of `task`.
    func delegate(
        _ task: TaskDefinition, from asker: Speaker, to name: String, question: String, context: String?
    ) async throws(ToolFailure) -> String {
        guard let agent = plan.agents[name], let model = plan.models[agent.model] else {
            throw ToolFailure("there is no agent `\(name)` to ask")
        }
        let depth = asker.depth + 1
        emit(
            RunEvent(
                .delegationStarted, task: task.name,
                fields: [
                    "agent": .string(name), "from": .string(asker.agent.name), "depth": .int(depth),
                    "question": .string(String(question.prefix(ToolInvoker.recordedArgumentChars))),
                ]))
        var messages = [
            ChatMessage(.system, PromptBuilder.system(agent, inputs)),
            ChatMessage(.user, PromptBuilder.delegation(from: asker.agent.name, question: question, context: context)),
        ]
        let speaker = Speaker(
            agent: agent, model: model, client: clients.client(model: model.name, task: task.name), depth: depth,
            tally: asker.tally)
        var report = TaskReport()
        let started = Date()
        let result: Result<ChatResponse, LoopFailure>
        do {
            result = .success(
                try await converse(task, speaker, messages: &messages, schema: nil, report: &report, deadline: nil))
        } catch {
            result = .failure(error)
        }
        asker.tally.add(report)
        var fields = Self.figures(report).fields
        fields["agent"] = .string(name)
        fields["depth"] = .int(depth)
        fields["latency_ms"] = .int(Self.milliseconds(since: started))
        switch result {
        case .success(let response):
            fields["answer_chars"] = .int(response.text.count)
            emit(RunEvent(.delegationFinished, task: task.name, fields: fields))
            return response.text
        case .failure(let failure):
            let message = describe(failure, model: model)
            fields["error"] = .string(message)
            emit(RunEvent(.delegationFinished, task: task.name, fields: fields))
            throw ToolFailure("`\(name)` could not answer: \(message)")
        }
    }

    /// What to say when a conversation ends without an answer.
    func describe(_ failure: LoopFailure, model: ModelDefinition) -> String {
        switch failure {
        case .provider(let error):
            return FailureText.describe(
                error, model: model, endpoint: clients.endpoint(model: model.name), secrets: clients.secrets)
        case .outOfTurns(let turns):
            return "the agent used all \(turns) of its turns (max_iterations) without a final answer; raise "
                + "`max_iterations`, or set `on_max_iterations: answer` to get its best answer instead"
        }
    }
}
