import CrewCore
import CrewDocuments
import CrewProviders
import CrewTools
import Foundation

/// Runs the tool calls of one model turn, concurrently, and turns each into the `tool` message the model reads
/// next. Nothing a call does fails the task: an unknown tool, arguments that are not JSON or break the schema, a
/// tool error and a timeout all become error results for the model to act on.
struct ToolInvoker: Sendable {
    /// A tool as one agent sees it: its descriptor, how to call it, its limits.
    struct Offered: Sendable {
        var descriptor: ToolDescriptor
        var timeout: Double
        var maxResultChars: Int
        var run: @Sendable (JSONValue) async throws(ToolFailure) -> String
    }

    static let defaultTimeout = 60.0
    static let defaultMaxResultChars = 20_000
    /// Arguments longer than this are shortened in the run record (the model's message keeps them whole).
    static let recordedArgumentChars = 4_000

    let tools: [String: Offered]
    let secrets: @Sendable () -> [String]
    /// Where events go: the task, and the agent asked for help when the call is part of a delegation.
    let emit: @Sendable (RunEvent) -> Void
    let task: String
    let delegate: String?
    /// The trace context of a call, for the requests it makes (empty unless propagation is on).
    var traceHeaders: @Sendable (_ task: String, _ callID: String) -> [TraceHeader] = { _, _ in [] }

    /// The results, in the order of `calls`.
    func run(_ calls: [ToolCall], deadline: Date?) async -> [ChatMessage] {
        await withTaskGroup(of: (Int, ChatMessage).self) { group in
            for (index, call) in calls.enumerated() {
                group.addTask { (index, await invoke(call, deadline: deadline)) }
            }
            var results = [ChatMessage?](repeating: nil, count: calls.count)
            for await (index, message) in group { results[index] = message }
            return results.compactMap { $0 }
        }
    }

    private func invoke(_ call: ToolCall, deadline: Date?) async -> ChatMessage {
        let started = Date()
        let arguments = FailureText.scrub(String(call.arguments.prefix(Self.recordedArgumentChars)), secrets: secrets())
        emit(event(.toolCall, call, ["arguments": .string(arguments)]))
        let outcome = await OutgoingTrace.$headers.withValue(traceHeaders(task, call.id)) {
            await self.outcome(call, deadline: deadline)
        }
        let text = FailureText.scrub(outcome.text, secrets: secrets())
        let shown = Self.cap(text, tools[call.name]?.maxResultChars ?? Self.defaultMaxResultChars)
        var fields: [String: JSONValue] = [
            "duration_ms": .int(Int((Date().timeIntervalSince(started) * 1000).rounded())),
            "result_chars": .int(text.count), "result": .string(shown),
        ]
        if outcome.isError { fields["error"] = .bool(true) }
        emit(event(.toolResult, call, fields))
        return .toolResult(for: call, content: shown, isError: outcome.isError)
    }

    private func outcome(_ call: ToolCall, deadline: Date?) async -> (text: String, isError: Bool) {
        guard let tool = tools[call.name] else {
            let names = tools.keys.sorted().map { "`\($0)`" }.joined(separator: ", ")
            return ("There is no tool `\(call.name)`. The tools you can call are: \(names).", true)
        }
        let arguments: JSONValue
        switch Self.arguments(call.arguments, schema: tool.descriptor.inputSchema) {
        case .success(let value): arguments = value
        case .failure(let problem): return (problem.message, true)
        }
        var seconds = tool.timeout
        if let deadline { seconds = min(seconds, max(0, deadline.timeIntervalSinceNow)) }
        do {
            return (
                try await Self.withTimeout(seconds) { () async throws(ToolFailure) -> String in
                    try await tool.run(arguments)
                }, false
            )
        } catch {
            return (error.message, true)
        }
    }

    /// The model's argument text as a JSON object that matches the tool's schema, or what is wrong with it.
    static func arguments(_ text: String, schema: JSONValue) -> Result<JSONValue, ToolFailure> {
        let trimmed = text.trimmingWhitespace()
        let value: JSONValue
        do {
            value = trimmed.isEmpty ? .object([:]) : try JSONParser.parse(trimmed)
        } catch {
            return .failure(
                ToolFailure("The arguments are not valid JSON (\(error)). Call the tool again with a JSON object."))
        }
        let errors = SchemaValidator.errors(value, against: schema)
        guard errors.isEmpty else {
            let list = errors.prefix(10).map { "- \($0)" }.joined(separator: "\n")
            return .failure(ToolFailure("The arguments do not match the tool's input schema:\n\(list)"))
        }
        return .success(value)
    }

    /// Runs `work`, cancelling it after `seconds`.
    static func withTimeout(_ seconds: Double, _ work: @escaping @Sendable () async throws(ToolFailure) -> String)
        async throws(ToolFailure) -> String
    {
        let limit = String(format: "%g", seconds)
        do {
            guard let value = try await TimeLimit.run(seconds: seconds, work) else {
                throw ToolFailure("The call took longer than \(limit) s and was stopped.")
            }
            return value
        } catch let failure as ToolFailure {
            throw failure
        } catch {
            throw ToolFailure("The call was cancelled.")
        }
    }

    /// At most `limit` characters, and a note of how much was left out so the model can narrow its request.
    static func cap(_ text: String, _ limit: Int) -> String {
        guard text.count > limit else { return text }
        return String(text.prefix(limit)) + "\n\n[truncated: the first \(limit) of \(text.count) characters]"
    }

    private func event(_ kind: RunEvent.Kind, _ call: ToolCall, _ extra: [String: JSONValue]) -> RunEvent {
        var fields = extra
        fields["tool"] = .string(call.name)
        fields["call_id"] = .string(call.id)
        if let delegate { fields["agent"] = .string(delegate) }
        return RunEvent(kind, task: task, fields: fields)
    }
}
