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
            members["graph"] = .object([
                "waves": .array(document.waves.map(JSONValue.strings)),
                "critical_path": .strings(document.criticalPath),
                "edges": .array(
                    document.tasks.flatMap { task in task.context.map { JSONValue.strings([$0, task.name]) } }),
            ])
        }
        return .object(members)
    }

    /// The diagnostics as `crew validate --format json` gives them.
    static func diagnostics(_ compiled: CompiledCrew) -> JSONValue {
        let sources = compiled.sources
        let renderer = DiagnosticRenderer(color: false) { file, line in sources.line(file, line) }
        let text = renderer.render(compiled.diagnostics.sorted, format: .json)
        return (try? JSONParser.parse(Array(text.utf8))) ?? .array([])
    }

    static func runSummary(_ record: RunRecord, crashed: Bool) -> JSONValue {
        .object(dropping: [
            ("id", .string(record.id)),
            ("crew", .string(record.crew)),
            ("status", .string(crashed ? RunStatus.interrupted.rawValue : record.status.rawValue)),
            ("crashed", crashed ? .bool(true) : nil),
            ("started_at", .string(Timestamp.iso8601(record.startedAt))),
            ("finished_at", record.finishedAt.map { .string(Timestamp.iso8601($0)) }),
            ("duration_ms", record.durationMS.map(JSONValue.int)),
            ("attempts", .int(record.attempts)),
            ("totals", record.totals?.json),
        ])
    }

    static func runDetail(_ record: RunRecord, crashed: Bool, store: RunStore, active: Bool) -> JSONValue {
        var members = record.json.objectValue ?? [:]
        if crashed {
            members["status"] = .string(RunStatus.interrupted.rawValue)
            members["crashed"] = .bool(true)
        }
        members["active"] = .bool(active)
        members["tasks"] = .array(
            record.tasks.map { name in
                var task = store.taskResult(record.id, task: name)?.json.objectValue ?? ["status": .string("pending")]
                task["name"] = .string(name)
                return .object(task)
            })
        return .object(members)
    }

    static func taskDetail(runID: String, task: String, store: RunStore) -> JSONValue {
        let result = store.taskResult(runID, task: task)
        let output = store.finishedOutputs(runID)[task]
        let events = store.events(runID).filter { $0.task == task }
        func kinds(_ kinds: Set<RunEvent.Kind>) -> JSONValue {
            .array(events.filter { kinds.contains($0.kind) }.map(\.json))
        }
        return .object(dropping: [
            ("name", .string(task)),
            ("result", result?.json),
            ("output", output.map(JSONValue.string)),
            ("messages", store.json(runID, "tasks/\(task)/messages.json")),
            ("tool_calls", kinds([.toolCall, .toolResult])),
            ("knowledge_hits", kinds([.knowledgeHits])),
            ("events", .array(events.map(\.json))),
        ])
    }
}
