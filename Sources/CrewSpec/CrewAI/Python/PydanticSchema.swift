import CrewCore
import Foundation

/// Turns a Pydantic model class, read from the project's source, into the JSON Schema crew checks a task's output
/// against: fields and their types (Optional, List, Dict, Union, Literal, nested models, enums), `Field`
/// descriptions, and `required` for fields without a default. Unknown types are left open (`{}`) with a warning.
struct PydanticSchema {
    /// Classes that may be named, by name (from crew.py and the modules it imports them from).
    var classes: [String: PyClass]
    private(set) var warnings: [Diagnostic] = []
    private var building: [String] = []

    /// Nested models deeper than this are left open: real output models are a few levels deep.
    static let maxDepth = 16

    init(classes: [String: PyClass]) {
        self.classes = classes
    }

    mutating func schema(for name: Located<String>) -> JSONValue? {
        let short = String(name.value.split(separator: ".").last ?? "")
        guard let type = classes[short] else { return nil }
        return object(type)
    }

    private mutating func object(_ type: PyClass) -> JSONValue {
        if building.contains(type.name) || building.count >= Self.maxDepth {
            warnings.append(
                .warning(
                    .w408, "model `\(type.name)` refers to itself; that field accepts any JSON", at: type.location,
                    hint: "crew inlines nested models and leaves recursive ones open"))
            return .object([:])
        }
        if let values = enumValues(type) { return .object(["enum": .array(values)]) }
        building.append(type.name)
        defer { building.removeLast() }
        var properties: [String: JSONValue] = [:]
        var required: [String] = []
        var order: [String] = []
        for (name, annotation, value) in fields(of: type) {
            var property = schema(of: annotation)
            if let description = fieldDescription(value) {
                property = adding("description", .string(description), to: property)
            }
            if properties[name] == nil { order.append(name) }
            properties[name] = property
            required.removeAll { $0 == name }
            if isRequired(value) { required.append(name) }
        }
        var object: [String: JSONValue] = ["type": .string("object"), "properties": .object(properties)]
        if !required.isEmpty { object["required"] = .array(order.filter(required.contains).map(JSONValue.string)) }
        if let doc = type.docstring?.trimmingCharacters(in: .whitespacesAndNewlines), !doc.isEmpty {
            object["description"] = .string(doc)
        }
        return .object(object)
    }

    /// Fields of the class and of the project classes it extends, base fields first.
    private func fields(of type: PyClass) -> [(String, PyNode, PyNode?)] {
        var result: [(String, PyNode, PyNode?)] = []
        for base in type.bases {
            if let name = base.dottedName, let parent = classes[name], parent.name != type.name {
                result += fields(of: parent)
            }
        }
        for statement in type.body {
            guard case .annotated(let target, let annotation, let value) = statement,
                case .name(let name) = target.expr,
                name != "model_config", !(annotation.dottedName ?? "").hasSuffix("ClassVar")
            else { continue }
            if case .index(let base, _) = annotation.expr, base.dottedName?.hasSuffix("ClassVar") == true { continue }
            result.append((name, annotation, value))
        }
        return result
    }

    private func enumValues(_ type: PyClass) -> [JSONValue]? {
        guard type.bases.contains(where: { ($0.dottedName ?? "").hasSuffix("Enum") }) else { return nil }
        var values: [JSONValue] = []
        for statement in type.body {
            guard case .assign(_, let value) = statement else { continue }
            switch value.expr {
            case .string(let text, false): values.append(.string(text))
            case .number(let text): if let number = Int(text) { values.append(.int(number)) }
            default: break
            }
        }
        return values
    }

    private func isRequired(_ value: PyNode?) -> Bool {
        guard let value else { return true }
        guard case .call(let call) = value.expr, call.callee.dottedName?.hasSuffix("Field") == true else {
            return false
        }
        if call.keyword("default") != nil || call.keyword("default_factory") != nil { return false }
        guard let first = call.arguments.first else { return true }
        if case .constant("...") = first.expr { return true }
        return false
    }

    private func fieldDescription(_ value: PyNode?) -> String? {
        guard let value, case .call(let call) = value.expr, call.callee.dottedName?.hasSuffix("Field") == true else {
            return nil
        }
        return call.keyword("description")?.value.stringValue
    }

    private func adding(_ key: String, _ value: JSONValue, to schema: JSONValue) -> JSONValue {
        guard case .object(var object) = schema else { return schema }
        object[key] = value
        return .object(object)
    }

    private static let simple: [String: JSONValue] = [
        "str": .object(["type": .string("string")]), "int": .object(["type": .string("integer")]),
        "float": .object(["type": .string("number")]), "bool": .object(["type": .string("boolean")]),
        "dict": .object(["type": .string("object")]), "Dict": .object(["type": .string("object")]),
        "list": .object(["type": .string("array")]), "List": .object(["type": .string("array")]),
        "Any": .object([:]), "object": .object([:]), "None": .object(["type": .string("null")]),
        "datetime": .object(["type": .string("string"), "format": .string("date-time")]),
        "date": .object(["type": .string("string"), "format": .string("date")]),
        "HttpUrl": .object(["type": .string("string"), "format": .string("uri")]),
        "AnyUrl": .object(["type": .string("string"), "format": .string("uri")]),
        "EmailStr": .object(["type": .string("string"), "format": .string("email")]),
    ]

    mutating func schema(of annotation: PyNode) -> JSONValue {
        switch annotation.expr {
        case .constant("None"): return .object(["type": .string("null")])
        case .string(let text, false):
            return schema(of: PyNode(expr: .name(text), location: annotation.location))
        case .binary("|", let left, let right):
            return .object(["anyOf": .array([schema(of: left), schema(of: right)])])
        case .index(let base, let arguments):
            return generic(base.dottedName.map(lastComponent) ?? "", arguments, at: annotation.location)
        default: break
        }
        guard let dotted = annotation.dottedName else { return open(annotation) }
        let name = lastComponent(dotted)
        if let simple = Self.simple[name] { return simple }
        if let type = classes[name] { return object(type) }
        return open(annotation)
    }

    private mutating func generic(_ name: String, _ arguments: [PyNode], at location: SourceLocation) -> JSONValue {
        switch name {
        case "Optional" where arguments.count == 1:
            return .object(["anyOf": .array([schema(of: arguments[0]), .object(["type": .string("null")])])])
        case "Union":
            return .object(["anyOf": .array(arguments.map { schema(of: $0) })])
        case "List", "list", "Sequence", "Set", "set", "Tuple", "tuple", "FrozenSet", "Iterable":
            var array: [String: JSONValue] = ["type": .string("array")]
            if let item = arguments.first, case .constant("...") = arguments.last?.expr ?? item.expr {
                array["items"] = schema(of: item)
            } else if arguments.count == 1 {
                array["items"] = schema(of: arguments[0])
            }
            return .object(array)
        case "Dict", "dict", "Mapping":
            var object: [String: JSONValue] = ["type": .string("object")]
            if arguments.count == 2 { object["additionalProperties"] = schema(of: arguments[1]) }
            return .object(object)
        case "Literal":
            return .object(["enum": .array(arguments.compactMap(literalValue))])
        case "Annotated" where !arguments.isEmpty:
            return schema(of: arguments[0])
        default:
            return open(PyNode(expr: .name(name), location: location))
        }
    }

    private func literalValue(_ node: PyNode) -> JSONValue? {
        switch node.expr {
        case .string(let text, false): return .string(text)
        case .number(let text): return Int(text).map(JSONValue.int) ?? Double(text).map(JSONValue.double)
        case .constant("True"): return .bool(true)
        case .constant("False"): return .bool(false)
        case .constant("None"): return .null
        default: return nil
        }
    }

    private mutating func open(_ annotation: PyNode) -> JSONValue {
        warnings.append(
            .warning(
                .w408, "type `\(annotation.dottedName ?? "…")` is not one crew knows; that field accepts any JSON",
                at: annotation.location, hint: "use str, int, float, bool, list, dict, Optional, Literal or a model"))
        return .object([:])
    }

    private func lastComponent(_ dotted: String) -> String { String(dotted.split(separator: ".").last ?? "") }
}
