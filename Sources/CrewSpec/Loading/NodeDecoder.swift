import CrewCore

/// Reads typed values out of `YAMLNode`s, recording a diagnostic for every problem and carrying on, so that one
/// pass reports everything wrong with a file. Each reader returns nil when the value is unusable.
final class NodeDecoder {
    var diagnostics = Diagnostics()
    /// The files' text, to point at the exact column of a problem inside a long string.
    let sources: SourceText?

    init(sources: SourceText? = nil) {
        self.sources = sources
    }

    /// The keys of a mapping, checked against the known ones (unknown keys get a "did you mean").
    struct Fields {
        let node: YAMLNode
        private(set) var pairs: [String: YAMLPair] = [:]

        init(node: YAMLNode, pairs: [String: YAMLPair]) {
            self.node = node
            self.pairs = pairs
        }

        /// The value of `key`, nil when absent or explicitly null.
        subscript(key: String) -> YAMLNode? {
            guard let value = pairs[key]?.value, !value.isNull else { return nil }
            return value
        }

        func keyLocation(_ key: String) -> SourceLocation {
            pairs[key]?.key.location ?? node.location
        }
    }

    func error(_ code: DiagnosticCode, _ message: String, at location: SourceLocation, hint: String? = nil) {
        diagnostics.error(code, message, at: location, hint: hint)
    }

    /// A name from a mapping key, held to the one name rule (crew files, and crewAI's YAML, whose names are Python
    /// method names the rule admits); `place` says where, e.g. "`tasks`" or "tasks.yaml".
    func name(_ key: YAMLNode, in place: String) -> Located<String>? {
        guard let name = string(key, "a name in \(place)") else { return nil }
        guard Names.isValid(name.value) else {
            error(
                .e115, "`\(name.value)` is not a valid name in \(place)", at: name.location,
                hint: "names use \(Names.rule)")
            return nil
        }
        return name
    }

    func typeError(_ node: YAMLNode, expected: String, _ what: String) {
        error(.e112, "\(what) must be \(expected), found \(node.kindName)", at: node.location)
    }

    func mapping(_ node: YAMLNode, _ what: String) -> [YAMLPair]? {
        guard let pairs = node.pairs else {
            typeError(node, expected: "a mapping", what)
            return nil
        }
        return pairs
    }

    /// A mapping's fields. `required` keys that are missing or null are reported at the mapping.
    /// `owner` is where a missing key is reported: the entry's name reads better than its first key.
    func fields(
        _ node: YAMLNode, _ what: String, known: [String], required: [String] = [], owner: SourceLocation? = nil,
        unknownHint: String? = nil, spellings: [String: String] = [:]
    ) -> Fields? {
        guard let list = mapping(node, what) else { return nil }
        var pairs: [String: YAMLPair] = [:]
        pairs.reserveCapacity(list.count)
        for pair in list {
            guard let key = pair.key.scalar else {
                typeError(pair.key, expected: "a plain name", "a key in \(what)")
                continue
            }
            guard known.contains(key) else {
                var hint =
                    spellings[key] ?? Suggestions.didYouMean(key, in: known)
                    ?? "known keys: \(known.joined(separator: ", "))"
                if let unknownHint { hint += "; \(unknownHint)" }
                error(.e110, "unknown key `\(key)` in \(what)", at: pair.key.location, hint: hint)
                continue
            }
            pairs[key] = pair
        }
        let fields = Fields(node: node, pairs: pairs)
        for key in required where fields[key] == nil {
            let message = "\(what) is missing `\(key)`"
            error(.e113, message, at: pairs[key]?.key.location ?? owner ?? node.location, hint: "add `\(key): ...`")
        }
        return fields
    }

    func string(_ node: YAMLNode?, _ what: String) -> Located<String>? {
        guard let node else { return nil }
        guard let text = node.scalar, !node.isNull else {
            typeError(node, expected: "a string", what)
            return nil
        }
        return Located(text, at: node.location)
    }

    /// A string that may hold `${env:...}` references and, where `inputs` is true, `{input}` placeholders.
    func template(_ node: YAMLNode?, _ what: String, inputs: Bool) -> Template? {
        guard let value = string(node, what) else { return nil }
        let (template, problems) = TemplateParser.parse(value.value, at: value.location, inputs: inputs)
        for problem in problems {
            let at = sources?.find(problem.fragment, from: value.location) ?? value.location
            error(.e120, problem.message, at: at, hint: problem.hint)
        }
        return template
    }

    func int(_ node: YAMLNode?, _ what: String, min: Int = Int.min, max: Int = Int.max) -> Located<Int>? {
        guard let node else { return nil }
        guard case .scalar(let text, plain: true) = node.kind, let value = YAMLScalar.int(text) else {
            typeError(node, expected: "an integer", what)
            return nil
        }
        guard value >= min, value <= max else {
            error(.e114, "\(what) must be \(range(min, max)), found \(value)", at: node.location)
            return nil
        }
        return Located(value, at: node.location)
    }

    func double(_ node: YAMLNode?, _ what: String, min: Double = -.infinity, max: Double = .infinity) -> Located<
        Double
    >? {
        guard let node else { return nil }
        guard case .scalar(let text, plain: true) = node.kind, let value = YAMLScalar.double(text), value.isFinite
        else {
            typeError(node, expected: "a number", what)
            return nil
        }
        guard value >= min, value <= max else {
            let bounds = "between \(min.formatted) and \(max.formatted)"
            error(
                .e114, "\(what) must be \(max.isInfinite ? "at least \(min.formatted)" : bounds), found \(text)",
                at: node.location)
            return nil
        }
        return Located(value, at: node.location)
    }

    func bool(_ node: YAMLNode?, _ what: String) -> Bool? {
        guard let node else { return nil }
        guard case .scalar(let text, plain: true) = node.kind, let value = YAMLScalar.bool(text) else {
            typeError(node, expected: "true or false", what)
            return nil
        }
        return value
    }

    /// A duration in seconds: a number, or a string like `500ms`, `30s`, `2m`, `1h`.
    func duration(_ node: YAMLNode?, _ what: String) -> Located<Double>? {
        guard let node else { return nil }
        guard let text = node.scalar, let seconds = Self.seconds(text), seconds > 0 else {
            error(
                .e117,
                "\(what) must be a positive duration, found \(node.scalar.map { "`\($0)`" } ?? node.kindName)",
                at: node.location, hint: "write a number of seconds or a duration like `500ms`, `30s`, `2m`")
            return nil
        }
        guard seconds <= Seconds.max else {
            error(
                .e114, "\(what) must be at most 168h (7 days), found `\(node.scalar ?? "")`", at: node.location,
                hint: "a crew's durations bound requests and tasks; nothing may wait longer than a week")
            return nil
        }
        return Located(seconds, at: node.location)
    }

    static func seconds(_ text: String) -> Double? {
        if let plain = Double(text) { return plain.isFinite ? plain : nil }
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            if let value = Double(text.dropLast(suffix.count).trimmingSpaces), value.isFinite { return value * factor }
        }
        return nil
    }

    /// A list of strings; a single string is read as a list of one.
    func stringList(_ node: YAMLNode?, _ what: String) -> [Located<String>] {
        guard let node else { return [] }
        if node.scalar != nil { return string(node, what).map { [$0] } ?? [] }
        guard let items = node.items else {
            typeError(node, expected: "a list of names", what)
            return []
        }
        return items.compactMap { string($0, "an item of \(what)") }
    }

    func enumValue<E: RawRepresentable & CaseIterable>(_ node: YAMLNode?, _ what: String) -> Located<E>?
    where E.RawValue == String {
        guard let text = string(node, what) else { return nil }
        if let value = E(rawValue: text.value) { return Located(value, at: text.location) }
        let names = E.allCases.map(\.rawValue)
        let hint = Suggestions.didYouMean(text.value, in: names) ?? "one of: \(names.joined(separator: ", "))"
        error(
            .e114, "\(what) must be one of \(names.joined(separator: ", ")), found `\(text.value)`", at: text.location,
            hint: hint)
        return nil
    }

    private func range(_ min: Int, _ max: Int) -> String {
        max == Int.max ? "at least \(min)" : "between \(min) and \(max)"
    }
}

extension Double {
    var formatted: String {
        self == rounded() && abs(self) < 1e15 ? String(Int(self)) : description
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
