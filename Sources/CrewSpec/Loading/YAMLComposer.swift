import CLibYAML
import CrewCore

/// A problem libyaml reported, or one found while composing its events: what stage found it, the problem and where,
/// and the construct it was in. Never holds the document's text.
struct YAMLProblem: Error {
    enum Stage: Sendable {
        case reader, scanner, parser, composer, memory
    }

    /// A place in the text, both counts starting at 1; columns count characters.
    struct Mark: Sendable, Equatable {
        var line: Int
        var column: Int
    }

    var stage: Stage
    var problem: String
    var mark: Mark
    /// The construct the problem is in (`while scanning a quoted scalar`) and where it starts.
    var context: (text: String, mark: Mark)?
    /// For a reader problem: the byte of the text it is at.
    var offset: Int?
}

/// Reads one YAML document into `YAMLNode`s from libyaml's events: aliases resolved, merge keys (`<<`) expanded,
/// repeated keys refused. Every node an alias or a merge copies counts against the node and text budgets, so that an
/// alias bomb (exponential when expanded, tiny as text) stops with a diagnostic. Nesting is bounded before this runs
/// (`NestingScanner`), so the recursion here is too.
struct YAMLComposer {
    let file: String
    /// Nodes left to produce, copies included.
    var budget: Int
    /// Bytes of scalar text left to produce: a 1 MiB scalar aliased 400 times is few nodes but 400 MiB of plan.
    var textBudget: Int
    let textLimit: Int
    var diagnostics: [Diagnostic] = []
    /// Anchored nodes by name, with what using one costs; a later anchor of the same name replaces an earlier one.
    private var anchors: [String: Anchored] = [:]

    private struct Anchored {
        var node: YAMLNode
        var nodes: Int
        var textBytes: Int
    }

    init(file: String, budget: Int, textBudget: Int) {
        self.file = file
        self.budget = budget
        self.textBudget = textBudget
        textLimit = textBudget
    }

    /// The document's root, or nil when the text holds no document. Throws a `YAMLProblem` for what libyaml refuses
    /// (and for a second document), a `Diagnostic` for what crew refuses (repeated keys, an alias bomb).
    mutating func compose(_ bytes: [UInt8]) throws -> YAMLNode? {
        try bytes.withUnsafeBufferPointer { buffer in
            var parser = yaml_parser_t()
            guard yaml_parser_initialize(&parser) == 1 else {
                throw YAMLProblem(stage: .memory, problem: "out of memory", mark: .init(line: 1, column: 1))
            }
            defer { yaml_parser_delete(&parser) }
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            return try withUnsafeMutablePointer(to: &parser) { pointer in
                var events = EventReader(parser: pointer)
                return try root(&events)
            }
        }
    }

    private mutating func root(_ events: inout EventReader) throws -> YAMLNode? {
        _ = try events.next()  // the stream's start
        var event = try events.next()
        guard event.kind != YAML_STREAM_END_EVENT else { return nil }
        event = try events.next()  // past the document's start
        let node = try self.node(event, &events)
        _ = try events.next()  // the document's end
        let after = try events.next()
        guard after.kind == YAML_STREAM_END_EVENT else {
            throw YAMLProblem(
                stage: .composer, problem: "but found another document", mark: after.mark,
                context: ("expected a single document in the stream", .init(line: 1, column: 1)))
        }
        return node
    }

    private mutating func node(_ event: Event, _ events: inout EventReader) throws -> YAMLNode {
        switch event.kind {
        case YAML_ALIAS_EVENT:
            guard let used = anchors[event.anchor ?? ""] else {
                throw YAMLProblem(stage: .composer, problem: "found undefined alias", mark: event.mark)
            }
            try spend(nodes: used.nodes, textBytes: used.textBytes, at: event.mark)
            return used.node
        case YAML_SCALAR_EVENT:
            return try anchor(event) { composer in
                try composer.spend(nodes: 1, textBytes: event.text.utf8.count, at: event.mark)
                return YAMLNode(.scalar(event.text, plain: event.isPlain), at: composer.location(event.mark))
            }
        case YAML_SEQUENCE_START_EVENT:
            return try anchor(event) { composer in
                try composer.spend(nodes: 1, textBytes: 0, at: event.mark)
                var items: [YAMLNode] = []
                var next = try events.next()
                while next.kind != YAML_SEQUENCE_END_EVENT {
                    items.append(try composer.node(next, &events))
                    next = try events.next()
                }
                return YAMLNode(.sequence(items), at: composer.location(event.mark))
            }
        case YAML_MAPPING_START_EVENT:
            return try anchor(event) { composer in
                try composer.spend(nodes: 1, textBytes: 0, at: event.mark)
                return try composer.mapping(event, &events)
            }
        default:
            throw YAMLProblem(stage: .composer, problem: "unexpected event", mark: event.mark)
        }
    }

    private mutating func mapping(_ start: Event, _ events: inout EventReader) throws -> YAMLNode {
        var pairs: [YAMLPair] = []
        var merged: [YAMLPair] = []
        var keys = KeyRecord()
        var next = try events.next()
        while next.kind != YAML_MAPPING_END_EVENT {
            let key = try node(next, &events)
            let value = try node(try events.next(), &events)
            next = try events.next()
            if let text = key.scalar { keys.add(text, at: key.location) }
            if case .scalar("<<", plain: true) = key.kind {
                merged += mergeSources(value)
            } else {
                pairs.append(YAMLPair(key: key, value: value))
            }
        }
        if let repeated = keys.repeated() { throw repeated }
        // Merge keys never override keys written in the mapping itself; earlier sources win over later ones.
        if !merged.isEmpty {
            var present = Set(pairs.compactMap(\.key.scalar))
            for pair in merged where present.insert(pair.keyText).inserted {
                pairs.append(pair)
            }
        }
        return YAMLNode(.mapping(pairs), at: location(start.mark))
    }

    private mutating func mergeSources(_ value: YAMLNode) -> [YAMLPair] {
        let sources: [YAMLNode]
        switch value.kind {
        case .mapping: sources = [value]
        case .sequence(let items): sources = items
        case .scalar:
            diagnostics.append(
                .error(
                    .e111, "a merge key `<<` needs a mapping or a list of mappings", at: value.location,
                    hint: "write `<<: *anchor` where `&anchor` names a mapping"))
            return []
        }
        var pairs: [YAMLPair] = []
        for source in sources {
            guard let sourcePairs = source.pairs else {
                diagnostics.append(.error(.e111, "a merge key `<<` can only merge mappings", at: source.location))
                continue
            }
            pairs += sourcePairs
        }
        return pairs
    }

    /// Builds a node with `build` and, when its event names an anchor, keeps it with what it cost.
    private mutating func anchor(
        _ event: Event, _ build: (inout YAMLComposer) throws -> YAMLNode
    ) rethrows -> YAMLNode {
        let (nodes, text) = (budget, textBudget)
        let node = try build(&self)
        if let name = event.anchor {
            anchors[name] = Anchored(node: node, nodes: nodes - budget, textBytes: text - textBudget)
        }
        return node
    }

    private mutating func spend(nodes: Int, textBytes: Int, at mark: YAMLProblem.Mark) throws {
        budget -= nodes
        if budget < 0 {
            throw Diagnostic.error(
                .e105, "the document expands to too many nodes (an alias bomb?)", at: location(mark),
                hint: "aliases may be reused, but not nested into millions of copies")
        }
        textBudget -= textBytes
        if textBudget < 0 {
            throw Diagnostic.error(
                .e105, "the document expands to more than \(textLimit >> 20) MiB of text (an alias bomb?)",
                at: location(mark), hint: "a long text may be reused through an alias a few times, not hundreds")
        }
    }

    private func location(_ mark: YAMLProblem.Mark) -> SourceLocation {
        SourceLocation(file: file, line: mark.line, column: mark.column)
    }

    /// The scalar keys of one mapping, to find those written twice. Kept in order and compared only at the end: most
    /// mappings hold a handful of keys, and two dictionaries a mapping cost more than composing it.
    private struct KeyRecord {
        private var keys: [(text: String, location: SourceLocation)] = []

        mutating func add(_ key: String, at location: SourceLocation) {
            keys.append((key, location))
        }

        /// All the repeated keys in one diagnostic, at the second writing of the first of them by name.
        func repeated() -> Diagnostic? {
            guard hasRepeats else { return nil }
            var first: [String: SourceLocation] = [:]
            var again: [String: SourceLocation] = [:]
            for (key, location) in keys {
                if first[key] == nil {
                    first[key] = location
                } else if again[key] == nil {
                    again[key] = location
                }
            }
            let names = again.keys.sorted()
            guard let name = names.first, let second = again[name], let first = first[name] else { return nil }
            return .error(
                .e107, "duplicate key \(names.map { "`\($0)`" }.joined(separator: ", ")) in one mapping", at: second,
                hint: "each name may appear once; the first `\(name)` is at line \(first.line)")
        }

        /// Pairwise for a few keys, through a set for many.
        private var hasRepeats: Bool {
            if keys.count > 16 { return Set(keys.lazy.map(\.text)).count < keys.count }
            for later in keys.indices.dropFirst() where keys[..<later].contains(where: { $0.text == keys[later].text })
            {
                return true
            }
            return false
        }
    }
}

/// One libyaml event, copied out of the parser's: what kind, where, its anchor, and a scalar's text and style.
private struct Event {
    var kind: yaml_event_type_t
    var mark: YAMLProblem.Mark
    var anchor: String?
    var text = ""
    var isPlain = false

    init(_ event: yaml_event_t) {
        kind = event.type
        mark = .init(line: Int(event.start_mark.line) + 1, column: Int(event.start_mark.column) + 1)
        switch event.type {
        case YAML_ALIAS_EVENT: anchor = Self.name(event.data.alias.anchor)
        case YAML_SCALAR_EVENT:
            anchor = Self.name(event.data.scalar.anchor)
            let scalar = event.data.scalar
            text = String(decoding: UnsafeBufferPointer(start: scalar.value, count: scalar.length), as: UTF8.self)
            isPlain = scalar.style == YAML_PLAIN_SCALAR_STYLE
        case YAML_SEQUENCE_START_EVENT: anchor = Self.name(event.data.sequence_start.anchor)
        case YAML_MAPPING_START_EVENT: anchor = Self.name(event.data.mapping_start.anchor)
        default: anchor = nil
        }
    }

    private static func name(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: $0) }
    }
}

/// libyaml's events, one at a time, each copied and freed at once.
private struct EventReader {
    let parser: UnsafeMutablePointer<yaml_parser_t>

    init(parser: UnsafeMutablePointer<yaml_parser_t>) {
        self.parser = parser
    }

    func next() throws -> Event {
        var event = yaml_event_t()
        guard yaml_parser_parse(parser, &event) == 1 else { throw problem() }
        defer { yaml_event_delete(&event) }
        return Event(event)
    }

    private func problem() -> YAMLProblem {
        let state = parser.pointee
        let stage: YAMLProblem.Stage
        switch state.error {
        case YAML_READER_ERROR: stage = .reader
        case YAML_SCANNER_ERROR: stage = .scanner
        case YAML_PARSER_ERROR: stage = .parser
        case YAML_COMPOSER_ERROR: stage = .composer
        default: stage = .memory
        }
        let problem = state.problem.map { String(cString: $0) } ?? "unknown problem"
        let mark = YAMLProblem.Mark(
            line: Int(state.problem_mark.line) + 1, column: Int(state.problem_mark.column) + 1)
        let context = state.context.map {
            (
                text: String(cString: $0),
                mark: YAMLProblem.Mark(
                    line: Int(state.context_mark.line) + 1, column: Int(state.context_mark.column) + 1)
            )
        }
        return YAMLProblem(
            stage: stage, problem: problem, mark: mark, context: context,
            offset: stage == .reader ? Int(state.problem_offset) : nil)
    }
}

extension Diagnostic: Error {}
