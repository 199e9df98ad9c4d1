import CrewCore
import CrewDocuments
import CrewSpec

/// The `tools` entries of a plan: each type's settings with defaults applied, references kept as written (they are
/// resolved when a run sets the tool up).
enum ToolEntryBuilder {
    static func entry(_ tool: ToolSpec) -> ToolEntry {
        ToolEntry(
            name: tool.name.value, type: tool.kind.value, description: tool.description,
            timeout: tool.timeout?.value, maxResultChars: tool.maxResultChars?.value,
            settings: settings(tool.settings).compactMapValues { $0 })
    }

    static func settings(_ settings: ToolSpec.Settings) -> [String: JSONValue?] {
        switch settings {
        case .knowledge(let s):
            return [
                "knowledge": s.knowledge.map { .string($0.value) },
                "top_k": .int(s.topK?.value ?? PlanDefaults.knowledgeTopK),
                "mode": .string(s.mode?.value ?? PlanDefaults.knowledgeMode),
            ]
        case .http(let s):
            return [
                "allow": .strings(s.allow.map(\.value)),
                "methods": .strings(
                    s.methods.isEmpty ? PlanDefaults.httpMethods : s.methods.map { $0.value.uppercased() }),
                "headers": pairs(s.headers),
                "max_response_bytes": s.maxResponseBytes.map { .int($0.value) },
            ]
        case .file(let s):
            return ["root": s.root.map { .string($0.value) }, "write": .bool(s.write)]
        case .command(let s):
            return [
                "program": s.program.map { .string($0.value) }, "args": .strings(s.args.map(\.source)),
                "env": s.env.isEmpty ? nil : pairs(s.env), "input_schema": s.inputSchema,
            ]
        case .mcp(let s):
            if let bridge = s.crewAIBridge {
                return [
                    "crewai_bridge": .object(["python": .string(bridge.python.value), "tools": .strings(bridge.tools)])
                ]
            }
            return [
                "command": s.command.map { .string($0.value) }, "args": .strings(s.args.map(\.source)),
                "env": pairs(s.env), "url": s.url.map { .string($0.source) }, "headers": pairs(s.headers),
                "include": .strings(s.include.map(\.value)), "exclude": .strings(s.exclude.map(\.value)),
            ]
        }
    }

    static func pairs(_ entries: [(name: Located<String>, value: Template)]) -> JSONValue {
        .object(
            Dictionary(
                entries.map { ($0.name.value, JSONValue.string($0.value.source)) }, uniquingKeysWith: { a, _ in a }))
    }
}
