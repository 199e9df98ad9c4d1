import CrewCore
import CrewDocuments

extension CrewDecoder {
    static let commonToolKeys = ["type", "description", "timeout", "max_result_chars"]
    static let toolKeys: [ToolSpec.Kind: [String]] = [
        .knowledge: ["knowledge", "top_k", "mode"],
        .http: ["allow", "methods", "headers", "max_response_bytes"],
        .file: ["root", "write"],
        .command: ["program", "args", "env", "input_schema"],
        .mcp: ["command", "args", "env", "url", "headers", "include", "exclude"],
    ]

    func decodeTool(_ name: Located<String>, _ node: YAMLNode) -> ToolSpec? {
        let what = "tool `\(name.value)`"
        // Without a usable type the settings cannot be read, but the name still counts, so that agents naming
        // this tool do not get a second, misleading "unknown tool" error.
        let placeholder = ToolSpec(
            name: name, kind: Located(.knowledge, at: node.location), settings: .knowledge(ToolSpec.Knowledge()),
            location: node.location)
        guard let typeNode = node.pairs?.first(where: { $0.keyText == "type" })?.value else {
            let fields = decoder.fields(
                node, what, known: Self.commonToolKeys, required: ["type"], owner: name.location)
            return fields == nil ? nil : placeholder
        }
        guard let kind: Located<ToolSpec.Kind> = decoder.enumValue(typeNode, "the type of \(what)") else {
            return placeholder
        }
        let known = Self.commonToolKeys + (Self.toolKeys[kind.value] ?? [])
        guard let fields = decoder.fields(node, "\(what) (type \(kind.value.rawValue))", known: known) else {
            return nil
        }
        var tool = ToolSpec(
            name: name, kind: kind, settings: settings(kind.value, fields, what), location: node.location)
        tool.description = decoder.string(fields["description"], "the description of \(what)")?.value
        tool.timeout = decoder.duration(fields["timeout"], "the `timeout` of \(what)")
        tool.maxResultChars = decoder.int(fields["max_result_chars"], "`max_result_chars`", min: 1, max: 10_000_000)
        return tool
    }

    private func settings(_ kind: ToolSpec.Kind, _ fields: NodeDecoder.Fields, _ what: String) -> ToolSpec.Settings {
        switch kind {
        case .knowledge:
            var settings = ToolSpec.Knowledge()
            settings.knowledge = decoder.string(fields["knowledge"], "the `knowledge` of \(what)")
            if settings.knowledge == nil { missing("knowledge", what, fields, example: "knowledge: handbook") }
            settings.topK = decoder.int(fields["top_k"], "`top_k`", min: 1, max: 1000)
            settings.mode = decoder.string(fields["mode"], "`mode`")
            if let mode = settings.mode, !["bm25", "vector", "hybrid"].contains(mode.value) {
                decoder.error(
                    .e114, "`mode` must be one of bm25, vector, hybrid, found `\(mode.value)`", at: mode.location)
            }
            return .knowledge(settings)
        case .http: return .http(httpSettings(fields, what))
        case .file:
            var settings = ToolSpec.File()
            settings.root = decoder.string(fields["root"], "the `root` of \(what)")
            if settings.root == nil { missing("root", what, fields, example: "root: workspace") }
            settings.write = decoder.bool(fields["write"], "`write`") ?? false
            return .file(settings)
        case .command: return .command(commandSettings(fields, what))
        case .mcp: return .mcp(mcpSettings(fields, what))
        }
    }

    private func missing(_ key: String, _ what: String, _ fields: NodeDecoder.Fields, example: String) {
        decoder.error(.e113, "\(what) is missing `\(key)`", at: fields.node.location, hint: "for example `\(example)`")
    }

    private func httpSettings(_ fields: NodeDecoder.Fields, _ what: String) -> ToolSpec.HTTP {
        var settings = ToolSpec.HTTP()
        settings.allow = decoder.stringList(fields["allow"], "the `allow` list of \(what)")
        if settings.allow.isEmpty {
            missing("allow", what, fields, example: "allow: [\"https://api.example.com/*\"]")
        }
        settings.methods = decoder.stringList(fields["methods"], "`methods`")
        for method in settings.methods where !["GET", "POST"].contains(method.value.uppercased()) {
            decoder.error(.e114, "`methods` may hold GET and POST, found `\(method.value)`", at: method.location)
        }
        settings.headers = headers(fields["headers"], what)
        settings.maxResponseBytes = decoder.int(
            fields["max_response_bytes"], "`max_response_bytes`", min: 1, max: 64 << 20)
        return settings
    }

    private func commandSettings(_ fields: NodeDecoder.Fields, _ what: String) -> ToolSpec.Command {
        var settings = ToolSpec.Command()
        settings.program = decoder.string(fields["program"], "the `program` of \(what)")
        if settings.program == nil { missing("program", what, fields, example: "program: rg") }
        settings.args = templates(fields["args"], "the `args` of \(what)", inputs: true)
        settings.env = namedTemplates(fields["env"], "the `env` of \(what)")
        if let schema = fields["input_schema"] {
            settings.inputSchema = JSONConversion.value(of: schema, decoder: decoder, what: "`input_schema`")
        }
        return settings
    }

    private func mcpSettings(_ fields: NodeDecoder.Fields, _ what: String) -> ToolSpec.MCP {
        var settings = ToolSpec.MCP()
        settings.command = decoder.string(fields["command"], "the `command` of \(what)")
        settings.url = decoder.template(fields["url"], "the `url` of \(what)", inputs: false)
        if (settings.command == nil) == (settings.url == nil) {
            decoder.error(
                .e210, "\(what) needs exactly one of `command` (stdio) and `url` (Streamable HTTP)",
                at: fields.node.location)
        }
        settings.args = templates(fields["args"], "the `args` of \(what)", inputs: false)
        settings.env = namedTemplates(fields["env"], "the `env` of \(what)")
        settings.headers = headers(fields["headers"], what)
        settings.include = decoder.stringList(fields["include"], "`include`")
        settings.exclude = decoder.stringList(fields["exclude"], "`exclude`")
        return settings
    }

    private func templates(_ node: YAMLNode?, _ what: String, inputs: Bool) -> [Template] {
        guard let node else { return [] }
        guard let items = node.items else {
            decoder.typeError(node, expected: "a list of strings", what)
            return []
        }
        return items.compactMap { decoder.template($0, "an item of \(what)", inputs: inputs) }
    }

    private func headers(_ node: YAMLNode?, _ what: String) -> [(name: Located<String>, value: Template)] {
        namedTemplates(node, "the `headers` of \(what)")
    }

    /// `NAME: value` pairs; a value under a secret-sounding name must come from a reference, not be literal.
    private func namedTemplates(_ node: YAMLNode?, _ what: String) -> [(name: Located<String>, value: Template)] {
        guard let node, let pairs = decoder.mapping(node, what) else { return [] }
        return pairs.compactMap { pair in
            guard let name = decoder.string(pair.key, "a name in \(what)"),
                let value = decoder.template(pair.value, "`\(name.value)`", inputs: false)
            else { return nil }
            if Self.soundsSecret(name.value), value.isLiteral, !value.source.isEmpty {
                literalSecret("`\(name.value)` in \(what)", at: value.location)
                return nil
            }
            return (name, value)
        }
    }

    static func soundsSecret(_ name: String) -> Bool {
        // Whole words, so that `X-Api-Key` is a secret and `X-Monkey-Id` is not.
        let words = name.lowercased().split(whereSeparator: { $0 == "-" || $0 == "_" || $0 == " " })
        let secretWords: Set<Substring> = [
            "authorization", "apikey", "key", "token", "secret", "password", "passwd", "cookie", "credential",
            "credentials",
        ]
        return words.contains { secretWords.contains($0) || $0.hasSuffix("token") || $0.hasSuffix("secret") }
    }
}
