import CrewBuild
import CrewCore
import CrewDocuments
import CrewKit
import CrewRuntime
import CrewSpec
import Foundation

/// What the API returns, as JSON: summaries for lists, whole documents for one item.
enum Views {
    static func crewSummary(_ entry: CrewCatalog.Entry) -> JSONValue {
        let diagnostics = entry.compiled.diagnostics
        let document = entry.runnable?.document
        let status = !entry.compiled.succeeded ? "invalid" : entry.runnable == nil ? "unavailable" : "ready"
        return .object(dropping: [
            ("name", .string(entry.name)),
            ("crew", document.map { .string($0.crewName) }),
            ("description", document?.crew.description.map(JSONValue.string)),
            ("status", .string(status)),
            ("tasks", document.map { .int($0.tasks.count) }),
            ("errors", .int(diagnostics.errorCount)),
            ("warnings", .int(diagnostics.warningCount)),
        ])
    }

    static func crewDetail(_ entry: CrewCatalog.Entry) -> JSONValue {
        var members = crewSummary(entry).objectValue ?? [:]
        members["diagnostics"] = diagnostics(entry.compiled)
        members["failure"] = entry.failure.map(JSONValue.string)
        if let document = entry.runnable?.document {
            members["plan"] = document.json
            members["inputs"] = document.json["inputs"]
            members["graph"] = graph(document)
        }
        return .object(members)
    }

    /// The diagnostics as `crew validate --format json` gives them.
    /// With `file`, every diagnostic names that file instead of the path it was checked at.
    static func diagnostics(_ compiled: CompiledCrew, file: String? = nil) -> JSONValue {
        let sources = compiled.sources
        let renderer = DiagnosticRenderer(color: false) { file, line in sources.line(file, line) }
        let text = renderer.render(compiled.diagnostics.sorted, format: .json)
        let parsed = (try? JSONParser.parse(Array(text.utf8))) ?? .array([])
        guard let file, case .array(let list) = parsed["diagnostics"] ?? parsed else { return parsed }
        let renamed = JSONValue.array(list.map { $0["file"] == nil ? $0 : $0.merging(["file": .string(file)]) })
        return parsed["diagnostics"] == nil ? renamed : parsed.merging(["diagnostics": renamed])
    }

    static func runSummary(_ entry: RunEntry, position: Int?) -> JSONValue {
        .object(dropping: [
            ("id", .string(entry.id)),
            ("crew", .string(entry.crew)),
            ("status", .string(entry.status.rawValue)),
            ("crashed", entry.crashed ? .bool(true) : nil),
            ("queue_position", position.map(JSONValue.int)),
            ("started_at", .string(Timestamp.iso8601(entry.startedAt))),
            ("finished_at", entry.finishedAt.map { .string(Timestamp.iso8601($0)) }),
            ("duration_ms", entry.durationMS.map(JSONValue.int)),
            ("attempts", .int(entry.attempts)),
            (
                "totals",
                entry.status == .queued
                    ? nil
                    : .object(dropping: [
                        ("succeeded", .int(entry.succeeded)), ("failed", .int(entry.failed)),
                        ("input_tokens", .int(entry.inputTokens)), ("output_tokens", .int(entry.outputTokens)),
                        ("cost_usd", entry.costUSD.map(JSONValue.double)),
                    ])
            ),
        ])
    }

    /// `POST /v1/validate`: whether the crew file is valid, its diagnostics, and its graph when it is.
    static func validation(_ compiled: CompiledCrew, file: String? = nil) -> JSONValue {
        var members: [String: JSONValue] = [
            "valid": .bool(compiled.succeeded), "diagnostics": diagnostics(compiled, file: file),
        ]
        if let document = compiled.artifact()?.document { members["graph"] = graph(document) }
        return .object(members)
    }

    /// The task graph: waves (tasks that may run together), the critical path, and `[from, to]` context edges.
    static func graph(_ document: PlanDocument) -> JSONValue {
        .object([
            "waves": .array(document.waves.map(JSONValue.strings)),
            "critical_path": .strings(document.criticalPath),
            "edges": .array(
                document.tasks.flatMap { task in task.context.map { JSONValue.strings([$0, task.name]) } }),
        ])
    }

    static func token(_ info: TokenInfo) -> JSONValue {
        .object(dropping: [
            ("id", .string(info.id)), ("name", .string(info.name)), ("role", .string(info.role.rawValue)),
            ("created_at", .string(Timestamp.iso8601(info.createdAt))),
            ("expires_at", info.expiresAt.map { .string(Timestamp.iso8601($0)) }),
            ("revoked_at", info.revokedAt.map { .string(Timestamp.iso8601($0)) }),
            ("active", .bool(info.isActive())),
        ])
    }

    static func audit(_ entry: AuditLog.Entry) -> JSONValue {
        .object(dropping: [
            ("id", .string(entry.id)), ("at", .string(Timestamp.iso8601(entry.at))), ("actor", .string(entry.actor)),
            ("action", .string(entry.action)), ("target", entry.target.map(JSONValue.string)),
            ("address", entry.address.map(JSONValue.string)), ("request_id", entry.requestID.map(JSONValue.string)),
            ("status", .int(entry.status)),
        ])
    }

    static func runDetail(_ record: RunRecord, crashed: Bool, store: RunStore, active: Bool, graph withGraph: Bool)
        -> JSONValue
    {
        var members = record.json.objectValue ?? [:]
        if crashed {
            members["status"] = .string(RunStatus.interrupted.rawValue)
            members["crashed"] = .bool(true)
        }
        members["active"] = .bool(active)
        // The graph the run was planned with (its own plan.json), for the live view.
        if withGraph, let plan = try? store.plan(record.id) { members["graph"] = graph(plan) }
        let results = store.taskResults(record.id)
        members["tasks"] = .array(
            record.tasks.map { name in
                var task = results[name]?.json.objectValue ?? ["status": .string("pending")]
                task["name"] = .string(name)
                return .object(task)
            })
        return .object(members)
    }

    static func taskDetail(runID: String, task: String, store: RunStore) -> JSONValue {
        let all = store.events(runID)
        let result = store.taskResults(runID, events: all)[task]
        let output = result.flatMap { store.output(runID, task: task, result: $0) }
        let events = all.filter { $0.task == task }
        func kinds(_ kinds: Set<RunEvent.Kind>) -> JSONValue {
            .array(events.filter { kinds.contains($0.kind) }.map(\.json))
        }
        return .object(dropping: [
            ("name", .string(task)),
            ("result", result?.json),
            ("output", output.map(JSONValue.string)),
            ("messages", store.messages(runID, task: task).map(JSONValue.array)),
            ("tool_calls", kinds([.toolCall, .toolResult])),
            ("knowledge_hits", kinds([.knowledgeHits])),
            ("events", .array(events.map(\.json))),
        ])
    }
}

extension JSONValue {
    /// An object with `members` added (replacing keys it had); any other value as it is.
    func merging(_ members: [String: JSONValue]) -> JSONValue {
        guard var object = objectValue else { return self }
        object.merge(members) { $1 }
        return .object(object)
    }
}
