import CrewCore
import CrewDocuments
import CrewRuntime
import Foundation
import Tracing

/// Turns a run's events into OpenTelemetry spans on `tracer` (specs/telemetry.md): a workflow span for the run, an
/// agent span per task, and under it a chat span per model answer, a tool span per call, a retrieval span per
/// knowledge search and an agent span per delegation. Retries are events on their chat span, failures errors on
/// their spans. Prompts, arguments, results and queries are left out unless `captureContent` is set. The run's span
/// starts when the observer is made, so its trace id is known before the run starts (and goes into run.json).
public final class RunSpans<T: Tracer>: RunObserver, @unchecked Sendable {
    let tracer: T
    let plan: PlanDocument
    let captureContent: Bool
    /// Tool calls hand their span's context on to the requests they make (`traceparent`).
    let propagate: Bool
    /// The run records, where captured prompts and outputs are read from.
    let records: RunStore?
    private var runID: String?
    private let lock = NSLock()
    private var run: T.Span?
    private var tasks: [String: T.Span] = [:]
    /// The answer being asked for, per task (one span across its retries).
    private var chats: [String: T.Span] = [:]
    /// Open tool calls by task and call id.
    private var tools: [String: T.Span] = [:]
    /// The agents asked for help that are answering now, per task, innermost last.
    private var delegations: [String: [T.Span]] = [:]

    /// The run's trace id, as `traceID` reads it from the run span's context (each tracer keeps it its own way).
    public let traceID: String?

    public init(
        tracer: T, plan: PlanDocument, captureContent: Bool = false, propagate: Bool = false,
        records: ConfinedPath? = nil, traceID: (ServiceContext) -> String? = { _ in nil }
    ) {
        self.tracer = tracer
        self.plan = plan
        self.captureContent = captureContent
        self.propagate = propagate
        self.records = captureContent ? records.map { RunStore($0) } : nil
        let span = tracer.startSpan(
            "\(GenAI.Operation.invokeWorkflow.rawValue) \(plan.crewName)", context: ServiceContext.topLevel,
            ofKind: .internal, at: TraceInstant(Date()))
        span.set(GenAI.operationName, .string(GenAI.Operation.invokeWorkflow.rawValue))
        span.set(GenAI.workflowName, .string(plan.crewName))
        span.set(CrewAttribute.crew, .string(plan.crewName))
        run = span
        self.traceID = traceID(span.context)
    }

    public func handle(_ event: RunEvent) {
        lock.withLock { apply(event) }
    }

    private func apply(_ event: RunEvent) {
        let at = TraceInstant(event.time)
        switch event.kind {
        case .runStarted: startRun(event, at)
        case .taskStarted, .taskReused, .taskSkipped: startTask(event, at)
        case .knowledgeHits: retrieval(event, at)
        case .request: chat(for: event, at)
        case .response: answered(event, at)
        case .retry: retried(event, at)
        case .toolCall: toolCalled(event, at)
        case .toolResult: toolReturned(event, at)
        case .delegationStarted: delegated(event, at)
        case .delegationFinished: delegationEnded(event, at)
        case .review: review(event, at)
        case .taskCached: cacheHit(event)
        case .taskFinished, .taskFailed: endTask(event, at)
        case .runFinished: endRun(event, at)
        }
    }

    // MARK: run and tasks

    private func startRun(_ event: RunEvent, _ at: TraceInstant) {
        runID = event.fields["run_id"]?.stringValue
        guard let run else { return }
        run.set(CrewAttribute.runID, event.fields["run_id"]?.stringValue.map(SpanAttribute.string))
        run.set(CrewAttribute.attempt, event.fields["attempt"]?.intValue.map { .int64(Int64($0)) })
    }

    private func startTask(_ event: RunEvent, _ at: TraceInstant) {
        guard let name = event.task, let run, tasks[name] == nil else { return }
        let definition = plan.tasks.first { $0.name == name }
        let agent = definition?.agent ?? ""
        let span = start(.invokeAgent, agent, under: run, at: at)
        span.set(GenAI.agentName, .string(agent))
        span.set(CrewAttribute.task, .string(name))
        describeModel(definition?.model, on: span)
        switch event.kind {
        case .taskReused:
            span.set(CrewAttribute.reused, .bool(true))
            span.end(at: at)
        case .taskSkipped:
            span.set(CrewAttribute.skipped, .bool(true))
            span.end(at: at)
        default:
            tasks[name] = span
        }
    }

    private func cacheHit(_ event: RunEvent) {
        guard let name = event.task, let span = tasks[name] else { return }
        span.set(CrewAttribute.cacheKey, event.fields["key"]?.stringValue.map(SpanAttribute.string))
    }

    private func endTask(_ event: RunEvent, _ at: TraceInstant) {
        guard let name = event.task, let span = tasks.removeValue(forKey: name) else { return }
        if event.kind == .taskFinished {
            span.set(CrewAttribute.cacheHit, .bool(event.fields["cached"] == .bool(true)))
        }
        let failure = event.kind == .taskFailed ? event.fields["error"]?.stringValue ?? "the task failed" : nil
        closeInner(of: name, at, failure: failure)
        usage(event, on: span)
        if let output = captured(event.fields["output"]?.stringValue) {
            span.set(GenAI.outputMessages, .string(Self.messages([("assistant", output)])))
        }
        span.set(CrewAttribute.requests, event.fields["requests"]?.intValue.map { .int64(Int64($0)) })
        span.set(CrewAttribute.costUSD, event.fields["cost_usd"]?.doubleValue.map(SpanAttribute.double))
        if let failure { fail(span, failure, at) }
        span.end(at: at)
    }

    private func endRun(_ event: RunEvent, _ at: TraceInstant) {
        guard let run else { return }
        let status = event.fields["status"]?.stringValue ?? ""
        for name in Array(tasks.keys) {
            guard let span = tasks.removeValue(forKey: name) else { continue }
            closeInner(of: name, at, failure: "the run ended (\(status)) before the task did")
            fail(span, "the run ended (\(status)) before the task did", at)
            span.end(at: at)
        }
        usage(event, on: run)
        run.set(CrewAttribute.status, .string(status))
        run.set(CrewAttribute.costUSD, event.fields["cost_usd"]?.doubleValue.map(SpanAttribute.double))
        if status != RunStatus.succeeded.rawValue { fail(run, "the run \(status)", at) }
        run.end(at: at)
        self.run = nil
    }

    /// Ends what a task left open: its answer, tool calls and delegations.
    private func closeInner(of task: String, _ at: TraceInstant, failure: String?) {
        var open = delegations.removeValue(forKey: task) ?? []
        if let chat = chats.removeValue(forKey: task) { open.append(chat) }
        for key in tools.keys where key.hasPrefix(task + "/") {
            if let span = tools.removeValue(forKey: key) { open.append(span) }
        }
        for span in open.reversed() {
            if let failure { fail(span, failure, at) }
            span.end(at: at)
        }
    }

    // MARK: what a task does

    /// The span a task's next operation belongs to: the innermost agent answering for it.
    private func parent(_ task: String) -> T.Span? {
        delegations[task]?.last ?? tasks[task]
    }

    private func chat(for event: RunEvent, _ at: TraceInstant) {
        guard let task = event.task, chats[task] == nil, let parent = parent(task) else { return }
        let span = start(.chat, nil, under: parent, kind: .client, at: at)
        span.set(CrewAttribute.task, .string(task))
        chats[task] = span
    }

    private func answered(_ event: RunEvent, _ at: TraceInstant) {
        guard let task = event.task, let span = chats.removeValue(forKey: task) else { return }
        if let key = event.fields["model"]?.stringValue, let model = plan.models[key] {
            describeModel(key, on: span)
            span.operationName = "\(GenAI.Operation.chat.rawValue) \(model.model)"
        }
        usage(event, on: span)
        if let reason = event.fields["finish_reason"]?.stringValue {
            span.set(GenAI.responseFinishReasons, .stringArray([reason]))
        }
        span.set(CrewAttribute.toolCalls, event.fields["tool_calls"]?.intValue.map { .int64(Int64($0)) })
        // The messages the task's own agent sent (an agent asked for help has none recorded).
        if event.fields["agent"] == nil, let records, let runID,
            let sent = records.messages(runID, task: task)
        {
            let pairs = sent.map { ($0["role"]?.stringValue ?? "", $0["content"]?.stringValue ?? "") }
            span.set(GenAI.inputMessages, .string(Self.messages(pairs)))
        }
        span.end(at: at)
    }

    private func retried(_ event: RunEvent, _ at: TraceInstant) {
        guard let task = event.task else { return }
        var attributes: SpanAttributes = [:]
        attributes.put("crew.retry.attempt", event.fields["attempt"]?.intValue.map { .int64(Int64($0)) })
        attributes.put("crew.retry.delay_ms", event.fields["delay_ms"]?.intValue.map { .int64(Int64($0)) })
        attributes.put("crew.retry.reason", event.fields["reason"]?.stringValue.map(SpanAttribute.string))
        attributes.put("exception.message", event.fields["error"]?.stringValue.map(SpanAttribute.string))
        (chats[task] ?? parent(task))?.addEvent(SpanEvent(name: "retry", at: at, attributes: attributes))
    }

    private func toolCalled(_ event: RunEvent, _ at: TraceInstant) {
        guard let task = event.task, let parent = parent(task), let tool = event.fields["tool"]?.stringValue else {
            return
        }
        let span = start(.executeTool, tool, under: parent, at: at)
        span.set(GenAI.toolName, .string(tool))
        span.set(GenAI.toolType, .string(plan.tools[tool]?.type == .knowledge ? "datastore" : "extension"))
        let id = event.fields["call_id"]?.stringValue ?? ""
        span.set(GenAI.toolCallID, .string(id))
        if captureContent, let arguments = event.fields["arguments"]?.stringValue {
            span.set(GenAI.toolCallArguments, .string(arguments))
        }
        tools[task + "/" + id] = span
    }

    private func toolReturned(_ event: RunEvent, _ at: TraceInstant) {
        guard let task = event.task, let id = event.fields["call_id"]?.stringValue,
            let span = tools.removeValue(forKey: task + "/" + id)
        else { return }
        span.set(CrewAttribute.resultChars, event.fields["result_chars"]?.intValue.map { .int64(Int64($0)) })
        if captureContent, let result = event.fields["result"]?.stringValue {
            span.set(GenAI.toolCallResult, .string(result))
        }
        if event.fields["error"] == .bool(true) {
            fail(span, event.fields["result"]?.stringValue.map { String($0.prefix(500)) } ?? "the tool failed", at)
        }
        span.end(at: at)
    }

    private func retrieval(_ event: RunEvent, _ at: TraceInstant) {
        guard let task = event.task, let parent = parent(task) else { return }
        let knowledge = event.fields["knowledge"]?.stringValue ?? ""
        let span = start(.retrieval, knowledge, under: parent, at: at)
        span.set(GenAI.dataSourceID, .string(knowledge))
        span.set(CrewAttribute.knowledgeHits, .int64(Int64(event.fields["hits"]?.arrayValue?.count ?? 0)))
        if captureContent, let query = event.fields["query"]?.stringValue {
            span.set(GenAI.retrievalQuery, .string(query))
        }
        span.end(at: at)
    }

    private func delegated(_ event: RunEvent, _ at: TraceInstant) {
        guard let task = event.task, let parent = parent(task) else { return }
        let agent = event.fields["agent"]?.stringValue ?? ""
        let span = start(.invokeAgent, agent, under: parent, at: at)
        span.set(GenAI.agentName, .string(agent))
        span.set(CrewAttribute.delegationDepth, event.fields["depth"]?.intValue.map { .int64(Int64($0)) })
        describeModel(plan.agents[agent]?.model, on: span)
        delegations[task, default: []].append(span)
    }

    private func delegationEnded(_ event: RunEvent, _ at: TraceInstant) {
        guard let task = event.task, let span = delegations[task]?.popLast() else { return }
        usage(event, on: span)
        if let error = event.fields["error"]?.stringValue { fail(span, error, at) }
        span.end(at: at)
    }

    private func review(_ event: RunEvent, _ at: TraceInstant) {
        guard let task = event.task, let span = tasks[task] else { return }
        var attributes: SpanAttributes = [:]
        attributes.put("crew.review.round", event.fields["round"]?.intValue.map { .int64(Int64($0)) })
        attributes.put("crew.review.decision", event.fields["decision"]?.stringValue.map(SpanAttribute.string))
        span.addEvent(SpanEvent(name: "review", at: at, attributes: attributes))
    }

    // MARK: attributes

    /// A record file's text, when content is captured.
    private func captured(_ relative: String?) -> String? {
        guard let records, let runID, let relative else { return nil }
        return records.text(runID, relative)
    }

    /// Messages in the conventions' shape: `[{"role", "parts": [{"type": "text", "content"}]}]`.
    static func messages(_ pairs: [(role: String, content: String)]) -> String {
        JSONValue.array(
            pairs.map { pair in
                .object([
                    "role": .string(pair.role),
                    "parts": .array([.object(["type": .string("text"), "content": .string(pair.content)])]),
                ])
            }
        ).serialized()
    }

    /// A span of `operation` under `parent`, named `operation subject` as the conventions name them.
    private func start(
        _ operation: GenAI.Operation, _ subject: String?, under parent: T.Span, kind: SpanKind = .internal,
        at: TraceInstant
    ) -> T.Span {
        let name = subject.map { "\(operation.rawValue) \($0)" } ?? operation.rawValue
        let span = tracer.startSpan(name, context: parent.context, ofKind: kind, at: at)
        span.set(GenAI.operationName, .string(operation.rawValue))
        return span
    }

    private func describeModel(_ key: String?, on span: T.Span) {
        guard let key, let model = plan.models[key] else { return }
        span.set(GenAI.providerName, .string(Self.providerName(model.provider)))
        span.set(GenAI.requestModel, .string(model.model))
        span.set(GenAI.requestTemperature, model.temperature.map(SpanAttribute.double))
        span.set(GenAI.requestMaxTokens, model.maxTokens.map { .int64(Int64($0)) })
    }

    private func usage(_ event: RunEvent, on span: T.Span) {
        span.set(GenAI.inputTokens, event.fields["input_tokens"]?.intValue.map { .int64(Int64($0)) })
        span.set(GenAI.outputTokens, event.fields["output_tokens"]?.intValue.map { .int64(Int64($0)) })
    }

    private func fail(_ span: T.Span, _ message: String, _ at: TraceInstant) {
        span.recordError(RecordedFailure(description: message), attributes: [:], at: at)
        span.set(GenAI.errorType, .string("crew.failure"))
        span.setStatus(SpanStatus(code: .error, message: message))
    }

    /// The conventions' provider names (`gcp.gemini` for Gemini's API); crew's own providers under `crew.`.
    static func providerName(_ provider: ModelProvider) -> String {
        switch provider {
        case .openai: return "openai"
        case .anthropic: return "anthropic"
        case .gemini: return "gcp.gemini"
        case .ollama: return "ollama"
        case .mock: return "crew.mock"
        }
    }
}

extension RunSpans: ToolCallTracing {
    /// The tool call's span context, as the tracer's propagator writes it (W3C `traceparent`).
    public func traceHeaders(task: String, callID: String) -> [TraceHeader] {
        guard propagate, let context = lock.withLock({ tools[task + "/" + callID]?.context }) else { return [] }
        var headers: [TraceHeader] = []
        tracer.inject(context, into: &headers, using: TraceHeaderInjector())
        return headers
    }
}

struct TraceHeaderInjector: Injector {
    func inject(_ value: String, forKey key: String, into carrier: inout [TraceHeader]) {
        carrier.append(TraceHeader(name: key, value: value))
    }
}

extension Span {
    /// Sets an attribute, or leaves it out when there is no value.
    func set(_ key: String, _ value: SpanAttribute?) {
        guard let value else { return }
        attributes[key] = value
    }
}

extension SpanAttributes {
    mutating func put(_ key: String, _ value: SpanAttribute?) {
        guard let value else { return }
        self[key] = value
    }
}
