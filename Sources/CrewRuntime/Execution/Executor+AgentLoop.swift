import CrewCore
import CrewDocuments
import CrewProviders
import CrewTools
import Foundation

/// Who answers in a conversation: the task's agent, or (depth 1 and more) an agent it asked for help.
struct Speaker: Sendable {
    var agent: AgentDefinition
    var model: ModelDefinition
    var client: any ChatClient
    /// 0 for the task's own agent.
    var depth: Int
    /// Where agents asked for help add their figures.
    var tally: Tally
}

/// Why a conversation ended without an answer.
enum LoopFailure: Error {
    case provider(ProviderError)
    /// The agent used `max_iterations` turns and its setting says to fail.
    case outOfTurns(Int)
}

extension Executor {
    /// How deep agents may ask agents who ask agents: deep enough for a chain of experts, shallow enough that two
    /// agents that delegate to each other cannot loop for long.
    static let maxDelegationDepth = 2

    /// One model turn after another: while the model asks for tool calls, they run and their results go back;
    /// the first answer without calls ends it. `messages` keeps the whole conversation.
    func converse(
        _ task: TaskDefinition, _ speaker: Speaker, messages: inout [ChatMessage], schema: JSONValue?,
        report: inout TaskReport, deadline: Date?
    ) async throws(LoopFailure) -> ChatResponse {
        let offered = offeredTools(task, speaker)
        guard !offered.isEmpty else {
            return try await turn(
                task, speaker, messages, tools: [], schema: schema, report: &report, deadline: deadline)
        }
        var invoker = ToolInvoker(
            tools: Dictionary(offered.map { ($0.descriptor.name, $0) }, uniquingKeysWith: { a, _ in a }),
            secrets: { [clients, tools] in clients.secrets + tools.secrets }, emit: { [self] in emit($0) },
            task: task.name, delegate: speaker.depth > 0 ? speaker.agent.name : nil)
        if let tracing { invoker.traceHeaders = { tracing.traceHeaders(task: $0, callID: $1) } }
        let definitions = offered.map(\.descriptor)
        for _ in 0..<speaker.agent.maxIterations {
            let response = try await turn(
                task, speaker, messages, tools: definitions, schema: nil, report: &report, deadline: deadline)
            guard !response.toolCalls.isEmpty else {
                return try await finalAnswer(
                    response, task, speaker, &messages, tools: definitions, schema: schema, report: &report,
                    deadline: deadline)
            }
            messages.append(.assistant(response.text, calls: response.toolCalls))
            report.toolCalls += response.toolCalls.count
            messages += await invoker.run(response.toolCalls, deadline: deadline)
            if Task.isCancelled { throw .provider(.cancelled) }
        }
        guard speaker.agent.onMaxIterations == .answer else { throw .outOfTurns(speaker.agent.maxIterations) }
        messages.append(PromptBuilder.lastTurn)
        return try await turn(
            task, speaker, messages, tools: definitions, choice: .none, schema: schema, report: &report,
            deadline: deadline)
    }

    /// An answer without tool calls; with an output schema, one more turn asks for the JSON when the answer is not.
    private func finalAnswer(
        _ response: ChatResponse, _ task: TaskDefinition, _ speaker: Speaker, _ messages: inout [ChatMessage],
        tools: [ToolDefinition], schema: JSONValue?, report: inout TaskReport, deadline: Date?
    ) async throws(LoopFailure) -> ChatResponse {
        guard let schema, case .failure = StructuredAnswer.check(response.text, schema: schema) else {
            return response
        }
        messages += [ChatMessage(.assistant, response.text), PromptBuilder.formatAnswer]
        return try await turn(
            task, speaker, messages, tools: tools, choice: .none, schema: schema, report: &report, deadline: deadline)
    }

    /// One request and its answer, counted in the report.
    private func turn(
        _ task: TaskDefinition, _ speaker: Speaker, _ messages: [ChatMessage], tools: [ToolDefinition],
        choice: ToolChoice = .auto, schema: JSONValue?, report: inout TaskReport, deadline: Date?
    ) async throws(LoopFailure) -> ChatResponse {
        if speaker.depth == 0 { try? recorder.writeMessages(task: task.name, Self.encode(messages)) }
        let model = speaker.model
        let request = ChatRequest(
            model: model.model, messages: messages, temperature: model.temperature, topP: model.topP,
            maxTokens: model.maxTokens, responseSchema: schema, stream: settings.stream, tools: tools,
            toolChoice: choice)
        let started = Date()
        do {
            let response = try await ask(speaker.client, request, task: task, report: &report, deadline: deadline)
            report.usage.input += response.usage?.input ?? 0
            report.usage.output += response.usage?.output ?? 0
            report.turns += 1
            emit(Self.responseEvent(response, task: task, speaker: speaker, since: started))
            return response
        } catch {
            throw .provider(error)
        }
    }

    /// One answer, as the record keeps it: what it cost and why it stopped (the spans of a trace are made from it).
    static func responseEvent(_ response: ChatResponse, task: TaskDefinition, speaker: Speaker, since started: Date)
        -> RunEvent
    {
        var fields: [String: JSONValue] = [
            "model": .string(speaker.model.name),
            "input_tokens": .int(response.usage?.input ?? 0), "output_tokens": .int(response.usage?.output ?? 0),
            "latency_ms": .int(milliseconds(since: started)),
        ]
        fields["finish_reason"] = response.finishReason.map(JSONValue.string)
        if !response.toolCalls.isEmpty { fields["tool_calls"] = .int(response.toolCalls.count) }
        if speaker.depth > 0 { fields["agent"] = .string(speaker.agent.name) }
        return RunEvent(.response, task: task.name, fields: fields)
    }

    /// The tools `speaker` may call in `task`: its own, and `ask_agent` when it may delegate.
    func offeredTools(_ task: TaskDefinition, _ speaker: Speaker) -> [ToolInvoker.Offered] {
        var offered = tools.tools(for: speaker.agent).map { bound in
            ToolInvoker.Offered(
                descriptor: bound.tool.descriptor, timeout: bound.entry.timeout ?? ToolInvoker.defaultTimeout,
                maxResultChars: bound.entry.maxResultChars ?? ToolInvoker.defaultMaxResultChars,
                run: { arguments throws(ToolFailure) in try await bound.tool.call(arguments) })
        }
        let colleagues = speaker.agent.delegateTo.filter { plan.agents[$0] != nil }
        if !colleagues.isEmpty, speaker.depth < Self.maxDelegationDepth {
            offered.append(delegationTool(task, speaker, colleagues))
        }
        return offered
    }
}
