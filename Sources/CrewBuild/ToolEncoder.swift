import CrewCore
import CrewSpec

/// The `tools` entries of `plan.json`: each type's settings, references kept as written.
enum ToolEncoder {
    static func encode(_ tool: ToolSpec) -> JSONValue {
        var members: [(String, JSONValue?)] = [
            ("type", .string(tool.kind.value.rawValue)),
            ("description", tool.description.map(JSONValue.string)),
            ("timeout", tool.timeout.map { .double($0.value) }),
            ("max_result_chars", tool.maxResultChars.map { .int($0.value) }),
        ]
        switch tool.settings {
        case .knowledge(let s):
            members += [
                ("knowledge", s.knowledge.map { .string($0.value) }), ("top_k", .int(s.topK?.value ?? 5)),
                ("mode", .string(s.mode?.value ?? "hybrid")),
            ]
        case .http(let s):
            members += [
                ("allow", .strings(s.allow.map(\.value))),
                ("methods", .strings(s.methods.isEmpty ? ["GET"] : s.methods.map { $0.value.uppercased() })),
                ("headers", pairs(s.headers)),
                ("max_response_bytes", s.maxResponseBytes.map { .int($0.value) }),
            ]
        case .file(let s):
            members += [("root", s.root.map { .string($0.value) }), ("write", .bool(s.write))]
        case .command(let s):
            members += [
                ("program", s.program.map { .string($0.value) }), ("args", .strings(s.args.map(\.source))),
                ("env", s.env.isEmpty ? nil : pairs(s.env)), ("input_schema", s.inputSchema),
            ]
        case .mcp(let s):
            members += [
                ("command", s.command.map { .string($0.value) }), ("args", .strings(s.args.map(\.source))),
                ("env", pairs(s.env)), ("url", s.url.map { .string($0.source) }), ("headers", pairs(s.headers)),
                ("include", .strings(s.include.map(\.value))), ("exclude", .strings(s.exclude.map(\.value))),
            ]
        }
        return .object(dropping: members)
    }

    static func pairs(_ entries: [(name: Located<String>, value: Template)]) -> JSONValue {
        .object(
            Dictionary(
                entries.map { ($0.name.value, JSONValue.string($0.value.source)) }, uniquingKeysWith: { a, _ in a }))
    }
}
