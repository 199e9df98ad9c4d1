import CrewCore
import CrewDocuments
import CrewProviders
import Foundation

extension Executor {
    /// Runs one task: the agent's conversation (tool calls included), re-asked while a structured answer breaks
    /// the schema or a reviewer sends feedback; then the output is written.
    func perform(_ task: TaskDefinition, context: [(String, String)]) async -> TaskOutcome {
        guard let agent = plan.agents[task.agent], let model = plan.models[task.model] else {
            return .failed("the plan names an agent or model it does not define", TaskReport())
        }
        emit(
            RunEvent(
                .taskStarted, task: task.name, fields: ["agent": .string(agent.name), "model": .string(model.name)]))
        // Declared first, so it runs last: after the final messages below.
        defer { recorder.release(task: task.name) }
        let passages: [KnowledgePassage]
        do {
            passages = try await knowledgeContext(task, agent)
        } catch {
            return fail(task, "knowledge context: \(error)", TaskReport())
        }
        var messages = PromptBuilder.messages(
            task: task, agent: agent, inputs: inputs, contextOutputs: context, knowledge: passages)
        var report = TaskReport()
        let started = Date()
        let deadline = (task.timeout ?? plan.taskTimeout).map { Date().addingTimeInterval($0) }
        let speaker = Speaker(
            agent: agent, model: model, client: clients.client(model: task.model, task: task.name), depth: 0,
            tally: Tally())
        defer { try? recorder.writeMessages(task: task.name, Self.encode(messages)) }
        let cacheUse = cacheUse(task, agent, messages: messages, context: context)
        if case .on(let cache, let key) = cacheUse, let entry = cache.lookup(key) {
            return answer(task, from: entry, key: key, model: model, started: started)
        }
        let verdict = await work(task, speaker, &messages, &report, deadline: deadline)
        speaker.tally.merge(into: &report)
        report.latencyMS = Self.milliseconds(since: started)
        switch verdict {
        case .cancelled: return .cancelled
        case .fail(let message): return fail(task, message, report)
        case .done, .retry:
            report.costUSD = model.effectivePrice.map {
                Double(report.usage.input) * $0.input / 1e6 + Double(report.usage.output) * $0.output / 1e6
            }
            switch cacheUse {
            case .on(let cache, let key):
                let outcome = finish(task, report, extra: ["cache_key": .string(key.hex)])
                if case .succeeded = outcome { remember(report, in: cache, key: key, task: task) }
                return outcome
            case .off(let reason):
                return finish(
                    task, report, extra: ["cache_skipped": reason.map(JSONValue.string)].compactMapValues { $0 })
            }
        }
    }

    /// What to do after a step of a task.
    enum Next {
        case done, retry, cancelled
        case fail(String)
    }

    /// Conversation, schema check and review, again while one of them asks for another attempt.
    private func work(
        _ task: TaskDefinition, _ speaker: Speaker, _ messages: inout [ChatMessage], _ report: inout TaskReport,
        deadline: Date?
    ) async -> Next {
        while true {
            let response: ChatResponse
            do {
                response = try await converse(
                    task, speaker, messages: &messages, schema: task.outputSchema, report: &report, deadline: deadline)
            } catch .provider(.cancelled) {
                return .cancelled
            } catch {
                if case .provider(let failure) = error, failure.isRetryable { report.retryable = true }
                return .fail(describe(error, model: speaker.model))
            }
            var next = accept(response, task, &messages, &report)
            if case .done = next { next = await review(task, speaker.agent, &messages, &report) }
            if case .retry = next { continue }
            return next
        }
    }

    /// Takes a final answer as the output, or asks again when it breaks the output schema.
    private func accept(
        _ response: ChatResponse, _ task: TaskDefinition, _ messages: inout [ChatMessage], _ report: inout TaskReport
    ) -> Next {
        guard let schema = task.outputSchema else {
            report.output = response.text
            return .done
        }
        switch StructuredAnswer.check(response.text, schema: schema) {
        case .success(let json):
            report.output = json.serialized(pretty: true) + "\n"
            return .done
        case .failure(let errors):
            guard report.repairs < (task.maxRepairs ?? 2) else {
                let list = errors.prefix(5).joined(separator: "; ")
                return .fail("the answer does not match the output schema after \(report.repairs) repairs: \(list)")
            }
            report.repairs += 1
            messages += [ChatMessage(.assistant, response.text), PromptBuilder.repair(errors: errors.errors)]
            emit(
                RunEvent(
                    .retry, task: task.name, fields: ["reason": .string("schema"), "errors": .strings(errors.errors)]))
            return .retry
        }
    }

    /// One answer, within the task's deadline; client events become run events.
    func ask(
        _ client: any ChatClient, _ request: ChatRequest, task: TaskDefinition, report: inout TaskReport,
        deadline: Date?
    ) async throws(ProviderError) -> ChatResponse {
        let name = task.name
        let counter = Counter()
        let observers = textObservers
        let observe: @Sendable (ClientEvent) -> Void = { [self] event in
            switch event {
            case .request(let attempt):
                counter.requests()
                emit(RunEvent(.request, task: name, fields: ["attempt": .int(attempt)]))
            case .retry(let attempt, let error, let delay):
                emit(
                    RunEvent(
                        .retry, task: name,
                        fields: [
                            "attempt": .int(attempt), "delay_ms": .int(Int(delay * 1000)),
                            "error": .string(FailureText.short(error, secrets: clients.secrets)),
                        ]))
            case .delta(let piece):
                guard !observers.isEmpty else { return }
                // Scalars, not characters: an estimate either way, without grapheme breaking per streamed piece.
                let tokens = counter.delta(characters: piece.unicodeScalars.count)
                for observer in observers {
                    observer.progress(task: name, outputTokens: tokens)
                    observer.output(task: name, piece: piece)
                }
            }
        }
        defer { report.requests += counter.requestCount }
        guard let deadline else { return try await client.complete(request, observe: observe) }
        let seconds = deadline.timeIntervalSinceNow
        guard seconds > 0 else { throw .timeout }
        return try await Deadline.run(seconds: seconds) { () async throws(ProviderError) -> ChatResponse in
            try await client.complete(request, observe: observe)
        }
    }

    /// The output, then the `task_finished` event that is the task's result: a crash in between leaves the task
    /// unfinished, and a result that cannot be written fails the task.
    func finish(_ task: TaskDefinition, _ report: TaskReport, extra: [String: JSONValue] = [:]) -> TaskOutcome {
        let format: TaskResult.OutputFormat = task.outputSchema != nil ? .json : .markdown
        var result = TaskResult(status: .succeeded, outputFormat: format, figures: Self.figures(report))
        result.cached = report.cached != nil
        do {
            if let file = task.outputFile {
                // Below the output folder, through no link: `cfg/authorized_keys` with `cfg` a link fails here.
                try ConfinedFolder(opening: settings.outputFolder, create: true).write(report.output, to: file)
                result.outputFile = file
            }
            try recorder.writeOutput(task: task.name, report.output, format: format)
            var fields = result.json.objectValue ?? [:]
            fields["status"] = nil
            fields["output"] = .string("tasks/\(task.name)/\(format.fileName)")
            fields.merge(extra) { $1 }
            try emitRecorded(RunEvent(.taskFinished, task: task.name, fields: fields))
        } catch {
            return fail(task, "cannot write the output: \(error)", report)
        }
        return .succeeded(report)
    }

    private func fail(_ task: TaskDefinition, _ message: String, _ report: TaskReport) -> TaskOutcome {
        var fields = Self.figures(report).fields
        fields["error"] = .string(message)
        // Seen by every observer even when the record cannot take it (a full disk): the task failed either way.
        emit(RunEvent(.taskFailed, task: task.name, fields: fields))
        return .failed(message, report)
    }

    static func figures(_ report: TaskReport) -> TaskFigures {
        var figures = TaskFigures()
        figures.inputTokens = report.usage.input
        figures.outputTokens = report.usage.output
        figures.latencyMS = report.latencyMS
        figures.requests = report.requests
        figures.repairs = report.repairs
        figures.toolCalls = report.toolCalls
        figures.reviews = report.reviews
        figures.costUSD = report.costUSD
        return figures
    }

    /// Messages as messages.jsonl records them: role and content, plus tool calls and the call a result answers.
    static func encode(_ messages: [ChatMessage]) -> [JSONValue] {
        messages.map { message in
            var members: [String: JSONValue] = [
                "role": .string(message.role.rawValue), "content": .string(message.content),
            ]
            if !message.toolCalls.isEmpty {
                members["tool_calls"] = .array(
                    message.toolCalls.map {
                        .object([
                            "id": .string($0.id), "name": .string($0.name), "arguments": .string($0.arguments),
                        ])
                    })
            }
            if let result = message.toolResult {
                members["tool_call_id"] = .string(result.callID)
                members["name"] = .string(result.name)
                if result.isError { members["is_error"] = .bool(true) }
            }
            return .object(members)
        }
    }

    static func milliseconds(since start: Date) -> Int {
        Int((Date().timeIntervalSince(start) * 1000).rounded())
    }
}

/// Counts requests and streamed pieces from a client's callbacks (which may come from any thread).
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var requestTotal = 0
    private var deltas = 0

    func requests() { lock.withLock { requestTotal += 1 } }
    /// Streamed output so far, in estimated tokens (4 characters each): providers report exact counts only at
    /// the end of a stream, and the live view wants a number while it runs.
    func delta(characters: Int) -> Int {
        lock.withLock {
            deltas += characters
            return (deltas + 3) / 4
        }
    }

    var requestCount: Int { lock.withLock { requestTotal } }
}
