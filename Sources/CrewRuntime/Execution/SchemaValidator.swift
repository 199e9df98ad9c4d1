import CrewCore

/// Checks a JSON value against a JSON Schema: the keywords structured output uses (type, properties, required,
/// additionalProperties, items, enum, const, bounds, lengths, anyOf/oneOf/allOf). Unknown keywords are ignored,
/// as the JSON Schema specification asks. Errors name the JSON path, so a model can fix its answer.
public enum SchemaValidator {
    public static func errors(_ value: JSONValue, against schema: JSONValue) -> [String] {
        var errors: [String] = []
        check(value, schema, path: "$", errors: &errors)
        return errors
    }

    static func check(_ value: JSONValue, _ schema: JSONValue, path: String, errors: inout [String]) {
        guard case .object(let s) = schema else { return }
        if let type = s["type"], !matchesType(value, type) {
            errors.append("\(path): expected \(typeNames(type)), found \(kind(value))")
            return
        }
        if let options = s["enum"]?.arrayValue, !options.contains(where: { equal($0, value) }) {
            errors.append("\(path): must be one of \(JSONValue.array(options).serialized())")
        }
        if let constant = s["const"], !equal(constant, value) {
            errors.append("\(path): must be \(constant.serialized())")
        }
        checkBounds(value, s, path: path, errors: &errors)
        checkObject(value, s, path: path, errors: &errors)
        if case .array(let items) = value, let itemSchema = s["items"] {
            for (i, item) in items.enumerated() { check(item, itemSchema, path: "\(path)[\(i)]", errors: &errors) }
        }
        checkCombinators(value, s, path: path, errors: &errors)
    }

    static func checkObject(_ value: JSONValue, _ s: [String: JSONValue], path: String, errors: inout [String]) {
        guard case .object(let members) = value else { return }
        let properties = s["properties"]?.objectValue ?? [:]
        for name in (s["required"]?.arrayValue ?? []).compactMap(\.stringValue) where members[name] == nil {
            errors.append("\(path): missing required property `\(name)`")
        }
        for (name, member) in members.sorted(by: { $0.key < $1.key }) {
            if let propertySchema = properties[name] {
                check(member, propertySchema, path: "\(path).\(name)", errors: &errors)
            } else if let extra = s["additionalProperties"] {
                if extra.boolValue == false {
                    errors.append("\(path): property `\(name)` is not allowed")
                } else if case .object = extra {
                    check(member, extra, path: "\(path).\(name)", errors: &errors)
                }
            }
        }
    }

    static func checkBounds(_ value: JSONValue, _ s: [String: JSONValue], path: String, errors: inout [String]) {
        if let number = value.doubleValue {
            if let minimum = s["minimum"]?.doubleValue, number < minimum {
                errors.append("\(path): must be ≥ \(minimum)")
            }
            if let maximum = s["maximum"]?.doubleValue, number > maximum {
                errors.append("\(path): must be ≤ \(maximum)")
            }
        }
        if case .string(let text) = value {
            let count = text.count
            if let min = s["minLength"]?.intValue, count < min {
                errors.append("\(path): shorter than \(min) characters")
            }
            if let max = s["maxLength"]?.intValue, count > max {
                errors.append("\(path): longer than \(max) characters")
            }
        }
        if case .array(let items) = value {
            if let min = s["minItems"]?.intValue, items.count < min {
                errors.append("\(path): fewer than \(min) items")
            }
            if let max = s["maxItems"]?.intValue, items.count > max { errors.append("\(path): more than \(max) items") }
        }
    }

    static func checkCombinators(_ value: JSONValue, _ s: [String: JSONValue], path: String, errors: inout [String]) {
        for sub in s["allOf"]?.arrayValue ?? [] { check(value, sub, path: path, errors: &errors) }
        if let options = s["anyOf"]?.arrayValue, !options.contains(where: { Self.errors(value, against: $0).isEmpty }) {
            errors.append("\(path): matches none of the `anyOf` alternatives")
        }
        if let options = s["oneOf"]?.arrayValue {
            let matching = options.count { Self.errors(value, against: $0).isEmpty }
            if matching != 1 {
                errors.append("\(path): must match exactly one `oneOf` alternative, matches \(matching)")
            }
        }
    }

    static func matchesType(_ value: JSONValue, _ type: JSONValue) -> Bool {
        if let names = type.arrayValue { return names.contains { matchesType(value, $0) } }
        switch (type.stringValue ?? "", value) {
        case ("object", .object), ("array", .array), ("string", .string), ("boolean", .bool), ("null", .null):
            return true
        case ("number", .int), ("number", .double), ("integer", .int): return true
        case ("integer", .double(let d)): return d == d.rounded()
        default: return false
        }
    }

    static func typeNames(_ type: JSONValue) -> String {
        type.arrayValue.map { $0.compactMap(\.stringValue).joined(separator: " or ") } ?? (type.stringValue ?? "?")
    }

    static func kind(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool: return "boolean"
        case .int, .double: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }

    /// JSON equality, where 1 and 1.0 are the same number.
    static func equal(_ a: JSONValue, _ b: JSONValue) -> Bool {
        if let x = a.doubleValue, let y = b.doubleValue { return x == y }
        return a == b
    }
}
