import CrewCore
import CrewDocuments

/// A run-time input, used in prompt text as `{name}`.
public struct InputSpec: Sendable {
    public typealias ValueType = InputType

    public var name: Located<String>
    public var type: ValueType
    public var defaultValue: InputValue?
    public var description: String?
    public var location: SourceLocation

    public init(name: Located<String>, type: ValueType, location: SourceLocation) {
        self.name = name
        self.type = type
        self.location = location
    }

    /// An input without a default must be given when the crew runs.
    public var isRequired: Bool { defaultValue == nil }
}

/// A typed input value.
public enum InputValue: Sendable, Hashable, CustomStringConvertible {
    case string(String)
    case integer(Int)
    case number(Double)
    case boolean(Bool)

    public var description: String {
        switch self {
        case .string(let s): return s
        case .integer(let i): return String(i)
        case .number(let d): return d.description
        case .boolean(let b): return b ? "true" : "false"
        }
    }

    /// Parses text (from a default or `--input key=value`) as a value of `type`.
    public static func parse(_ text: String, as type: InputSpec.ValueType) -> InputValue? {
        switch type {
        case .string: return .string(text)
        case .integer: return YAMLScalar.int(text).map(InputValue.integer)
        case .number: return YAMLScalar.double(text).flatMap { $0.isFinite ? InputValue.number($0) : nil }
        case .boolean: return YAMLScalar.bool(text).map(InputValue.boolean)
        }
    }
}
