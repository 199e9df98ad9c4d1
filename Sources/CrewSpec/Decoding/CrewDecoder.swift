import CrewCore
import CrewDocuments

/// Decodes crew files into a `Crew`. The root file gives `version`, `name` and `defaults`; it and every included
/// file may add entries to the named collections.
final class CrewDecoder {
    let decoder: NodeDecoder

    init(sources: SourceText? = nil) {
        decoder = NodeDecoder(sources: sources)
    }

    static let rootKeys = [
        "version", "name", "description", "include", "inputs", "models", "embedders", "knowledge", "tools",
        "agents", "tasks", "defaults", "telemetry", "tests",
    ]
    static let fragmentKeys = ["inputs", "models", "embedders", "knowledge", "tools", "agents", "tasks"]

    var diagnostics: Diagnostics { decoder.diagnostics }

    /// Reads the root file's header; nil when it is too broken to name a crew.
    func decodeRoot(_ node: YAMLNode, root: String) -> (Crew, [Located<String>])? {
        let node = Self.withoutExtensions(node)
        guard
            let fields = decoder.fields(
                node, "the crew file", known: Self.rootKeys, required: ["version", "name"],
                unknownHint: "keys of your own must start with `x-`")
        else { return nil }
        let version = decoder.int(fields["version"], "`version`") ?? Located(1, at: node.location)
        if version.value != 1 {
            decoder.error(
                .e116, "unsupported crew file version \(version.value)", at: version.location,
                hint: "this crew tool reads `version: 1`")
        }
        let name = crewName(fields["name"]) ?? Located("crew", at: node.location)
        var crew = Crew(version: version.value, name: name, origin: .native, root: root)
        crew.description = decoder.string(fields["description"], "`description`")?.value
        crew.defaults = decodeDefaults(fields["defaults"])
        crew.telemetry = decodeTelemetry(fields["telemetry"])
        decodeCollections(fields, into: &crew)
        return (crew, decoder.stringList(fields["include"], "`include`"))
    }

    /// Reads an included file's collections into `crew`.
    func decodeFragment(_ node: YAMLNode, into crew: inout Crew) {
        let node = Self.withoutExtensions(node)
        guard let pairs = node.pairs else {
            decoder.typeError(node, expected: "a mapping", "an included file")
            return
        }
        for pair in pairs where !Self.fragmentKeys.contains(pair.keyText) && Self.rootKeys.contains(pair.keyText) {
            decoder.error(
                .e110, "`\(pair.keyText)` may only appear in the root crew file", at: pair.key.location,
                hint: "included files add inputs, models, embedders, knowledge, tools, agents and tasks")
        }
        let filtered = YAMLNode(
            .mapping(pairs.filter { !Self.rootKeys.contains($0.keyText) || Self.fragmentKeys.contains($0.keyText) }),
            at: node.location)
        guard let fields = decoder.fields(filtered, "an included file", known: Self.fragmentKeys) else { return }
        decodeCollections(fields, into: &crew)
    }

    private func decodeCollections(_ fields: NodeDecoder.Fields, into crew: inout Crew) {
        crew.inputs += entries(fields["inputs"], "inputs", decodeInput)
        crew.models += entries(fields["models"], "models", decodeModel)
        crew.embedders += entries(fields["embedders"], "embedders", decodeEmbedder)
        crew.knowledge += entries(fields["knowledge"], "knowledge", decodeKnowledge)
        crew.tools += entries(fields["tools"], "tools", decodeTool)
        crew.agents += entries(fields["agents"], "agents", decodeAgent)
        crew.tasks += entries(fields["tasks"], "tasks", decodeTask)
    }

    /// Decodes each `name: {...}` entry of a collection, checking the name.
    func entries<T>(_ node: YAMLNode?, _ section: String, _ decode: (Located<String>, YAMLNode) -> T?) -> [T] {
        guard let node, let pairs = decoder.mapping(node, "`\(section)`") else { return [] }
        return pairs.compactMap { pair in
            guard let name = decoder.name(pair.key, in: "`\(section)`") else { return nil }
            return decode(name, pair.value)
        }
    }

    /// Top-level keys starting with `x-` are free for the user, typically to hold YAML anchors (`&defaults`).
    static func withoutExtensions(_ node: YAMLNode) -> YAMLNode {
        guard let pairs = node.pairs else { return node }
        return YAMLNode(.mapping(pairs.filter { !$0.keyText.hasPrefix("x-") }), at: node.location)
    }

    private func crewName(_ node: YAMLNode?) -> Located<String>? {
        guard let name = decoder.string(node, "`name`") else { return nil }
        let valid =
            !name.value.isEmpty
            && name.value.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D }
        if !valid {
            let suggestion = Self.slug(name.value)
            decoder.error(
                .e115, "the crew name `\(name.value)` must use lowercase letters, digits and `-`", at: name.location,
                hint: suggestion.isEmpty ? nil : "for example `\(suggestion)`")
        }
        return name
    }

    static func slug(_ text: String) -> String {
        let mapped = text.lowercased().map { ch -> Character in
            ch.isASCII && (ch.isLetter || ch.isNumber) ? ch : "-"
        }
        return String(mapped).split(separator: "-").joined(separator: "-")
    }

    private func decodeDefaults(_ node: YAMLNode?) -> DefaultsSpec {
        var defaults = DefaultsSpec()
        guard let node,
            let fields = decoder.fields(node, "`defaults`", known: ["model", "max_parallel", "timeout", "cache"])
        else { return defaults }
        defaults.model = decoder.string(fields["model"], "`defaults.model`")
        defaults.maxParallel = decoder.int(fields["max_parallel"], "`defaults.max_parallel`", min: 1, max: 10_000)
        defaults.timeout = decoder.duration(fields["timeout"], "`defaults.timeout`")
        defaults.cache = decoder.bool(fields["cache"], "`defaults.cache`")
        return defaults
    }
}
