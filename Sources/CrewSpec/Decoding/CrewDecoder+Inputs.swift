import CrewCore
import CrewDocuments

extension CrewDecoder {
    /// `name: {type, default, description}`, or the short form `name: value` (type taken from the value).
    func decodeInput(_ name: Located<String>, _ node: YAMLNode) -> InputSpec? {
        let what = "input `\(name.value)`"
        if case .scalar(let text, let plain) = node.kind, !node.isNull {
            let type = Self.inferredType(text, plain: plain)
            var input = InputSpec(name: name, type: type, location: node.location)
            input.defaultValue = InputValue.parse(text, as: type)
            return input
        }
        if node.isNull { return InputSpec(name: name, type: .string, location: node.location) }
        guard let fields = decoder.fields(node, what, known: ["type", "default", "description"]) else { return nil }
        let type: InputSpec.ValueType = decoder.enumValue(fields["type"], "the type of \(what)")?.value ?? .string
        var input = InputSpec(name: name, type: type, location: node.location)
        input.description = decoder.string(fields["description"], "the description of \(what)")?.value
        if let value = fields["default"] {
            input.defaultValue = defaultValue(value, type: type, what)
        }
        return input
    }

    private func defaultValue(_ node: YAMLNode, type: InputSpec.ValueType, _ what: String) -> InputValue? {
        guard let text = node.scalar else {
            decoder.typeError(node, expected: "a single value", "the default of \(what)")
            return nil
        }
        let plain = if case .scalar(_, plain: true) = node.kind { true } else { false }
        guard type == .string || plain, let value = InputValue.parse(text, as: type) else {
            decoder.error(
                .e112, "the default of \(what) must be \(Self.article(type)), found \(node.kindName)",
                at: node.location)
            return nil
        }
        return value
    }

    static func inferredType(_ text: String, plain: Bool) -> InputSpec.ValueType {
        guard plain else { return .string }
        if YAMLScalar.bool(text) != nil { return .boolean }
        if YAMLScalar.int(text) != nil { return .integer }
        if YAMLScalar.double(text) != nil { return .number }
        return .string
    }

    static func article(_ type: InputSpec.ValueType) -> String {
        type == .integer ? "an integer" : "a \(type.rawValue)"
    }
}
