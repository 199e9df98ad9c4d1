import CrewCore
import CrewDocuments

/// Fills a plan's inputs from `--input key=value`, an inputs file and the defaults, checking every value's type
/// before anything runs.
public enum RunInputs {
    /// The values as text (the form prompts use), or every problem found.
    public static func resolve(_ definitions: [InputDefinition], given: [String: String]) -> Result<
        [String: String], InputErrors
    > {
        var values: [String: String] = [:]
        var problems: [String] = []
        let known = Set(definitions.map(\.name))
        for name in given.keys.sorted() where !known.contains(name) {
            let hint = Suggestions.didYouMean(name, in: known).map { " (\($0))" } ?? ""
            problems.append(
                "unknown input `\(name)`\(hint); the crew's inputs are: \(known.sorted().joined(separator: ", "))")
        }
        for definition in definitions {
            if let text = given[definition.name] {
                if let problem = check(text, definition) {
                    problems.append(problem)
                } else {
                    values[definition.name] = text
                }
            } else if let value = definition.defaultValue {
                values[definition.name] = text(of: value)
            } else {
                problems.append(
                    "input `\(definition.name)` (\(definition.type.rawValue)) is required: pass --input \(definition.name)=..."
                )
            }
        }
        return problems.isEmpty ? .success(values) : .failure(InputErrors(messages: problems))
    }

    public struct InputErrors: CodedFailure {
        public var code: FailureCode { .r510 }
        public var messages: [String]
        public var description: String { messages.joined(separator: "\n") }
    }

    static func check(_ text: String, _ definition: InputDefinition) -> String? {
        let ok: Bool
        switch definition.type {
        case .string: ok = true
        case .integer: ok = Int(text) != nil
        case .number: ok = Double(text).map(\.isFinite) ?? false
        case .boolean: ok = ["true", "false"].contains(text)
        }
        return ok
            ? nil
            : "input `\(definition.name)` must be \(definition.type == .integer ? "an integer" : "a \(definition.type.rawValue)"), got `\(text)`"
    }

    static func text(of value: JSONValue) -> String {
        switch value {
        case .string(let s): return s
        case .int(let i): return String(i)
        case .double(let d): return d.description
        case .bool(let b): return b ? "true" : "false"
        default: return value.serialized()
        }
    }

    /// Parses `key=value` arguments; the value may itself contain `=`.
    public static func parseAssignments(_ items: [String]) -> Result<[String: String], InputErrors> {
        var values: [String: String] = [:]
        for item in items {
            guard let equals = item.firstIndex(of: "="), equals != item.startIndex else {
                return .failure(InputErrors(messages: ["`--input \(item)` must have the form key=value"]))
            }
            values[String(item[..<equals])] = String(item[item.index(after: equals)...])
        }
        return .success(values)
    }

    /// An inputs file: a JSON object (or YAML-like `key: value` lines are not accepted; keep it JSON).
    public static func parseFile(_ bytes: [UInt8], path: String) -> Result<[String: String], InputErrors> {
        guard let json = try? JSONParser.parse(bytes), let object = json.objectValue else {
            return .failure(
                InputErrors(messages: ["\(path) must be a JSON object of input values, e.g. {\"topic\": \"tides\"}"]))
        }
        return .success(object.mapValues(text))
    }
}
