import CrewCore

/// YAML to JSON for embedded JSON Schemas: plain scalars are read with the YAML 1.2 core schema.
enum JSONConversion {
    static func value(of node: YAMLNode, decoder: NodeDecoder?, what: String) -> JSONValue? {
        switch node.kind {
        case .scalar(let text, let plain):
            guard plain else { return .string(text) }
            if node.isNull { return .null }
            if let b = YAMLScalar.bool(text) { return .bool(b) }
            if let i = YAMLScalar.int(text) { return .int(i) }
            if let d = YAMLScalar.double(text), d.isFinite { return .double(d) }
            return .string(text)
        case .sequence(let items):
            return .array(items.compactMap { value(of: $0, decoder: decoder, what: what) })
        case .mapping(let pairs):
            var members: [String: JSONValue] = [:]
            for pair in pairs {
                guard let key = pair.key.scalar else {
                    decoder?.typeError(pair.key, expected: "a string key", "a key in \(what)")
                    continue
                }
                members[key] = value(of: pair.value, decoder: decoder, what: what)
            }
            return .object(members)
        }
    }
}
