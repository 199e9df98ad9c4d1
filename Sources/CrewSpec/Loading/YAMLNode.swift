import CrewCore

/// A YAML node with its position, composed from libyaml's events (`YAMLComposer`) with aliases and merge keys
/// already expanded (under a budget). The only YAML representation the rest of the compiler sees.
public struct YAMLNode: Sendable {
    public enum Kind: Sendable {
        /// A scalar's text; `plain` is false for quoted and block scalars, which are always strings.
        case scalar(String, plain: Bool)
        case mapping([YAMLPair])
        case sequence([YAMLNode])
    }

    public var kind: Kind
    public var location: SourceLocation

    public init(_ kind: Kind, at location: SourceLocation) {
        self.kind = kind
        self.location = location
    }

    public var pairs: [YAMLPair]? {
        if case .mapping(let pairs) = kind { return pairs }
        return nil
    }

    public var items: [YAMLNode]? {
        if case .sequence(let items) = kind { return items }
        return nil
    }

    public var scalar: String? {
        if case .scalar(let text, _) = kind { return text }
        return nil
    }

    /// True for `~`, `null` and an empty plain scalar (`key:` with nothing after it).
    public var isNull: Bool {
        if case .scalar(let text, plain: true) = kind {
            return text.isEmpty || text == "~" || text == "null" || text == "Null" || text == "NULL"
        }
        return false
    }

    /// The kind as a user would name it, for "expected X, found Y" messages.
    public var kindName: String {
        switch kind {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .scalar(let text, let plain):
            if isNull { return "nothing (null)" }
            guard plain else { return "a string" }
            if YAMLScalar.bool(text) != nil { return "a boolean" }
            if YAMLScalar.int(text) != nil { return "an integer" }
            if YAMLScalar.double(text) != nil { return "a number" }
            return "a string"
        }
    }
}

/// A key and its value; the key's own location is used for "unknown key" diagnostics.
public struct YAMLPair: Sendable {
    public var key: YAMLNode
    public var value: YAMLNode

    public var keyText: String { key.scalar ?? "" }
}

/// The YAML 1.2 core schema's readings of plain scalars.
public enum YAMLScalar {
    public static func bool(_ text: String) -> Bool? {
        switch text {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        default: return nil
        }
    }

    public static func int(_ text: String) -> Int? {
        var body = Substring(text)
        var sign = 1
        if body.hasPrefix("-") || body.hasPrefix("+") {
            sign = body.hasPrefix("-") ? -1 : 1
            body = body.dropFirst()
        }
        if body.hasPrefix("0x") { return Int(body.dropFirst(2), radix: 16).map { $0 * sign } }
        if body.hasPrefix("0o") { return Int(body.dropFirst(2), radix: 8).map { $0 * sign } }
        guard !body.isEmpty, body.allSatisfy({ $0.isASCII && $0.isNumber || $0 == "_" }) else { return nil }
        return Int(body.filter { $0 != "_" }).map { $0 * sign }
    }

    public static func double(_ text: String) -> Double? {
        if let int = int(text) { return Double(int) }
        switch text {
        case ".inf", ".Inf", ".INF", "+.inf": return .infinity
        case "-.inf", "-.Inf", "-.INF": return -.infinity
        case ".nan", ".NaN", ".NAN": return .nan
        default: break
        }
        guard text.contains(where: \.isNumber), text.allSatisfy({ "0123456789.eE+-_".contains($0) }) else {
            return nil
        }
        return Double(text.filter { $0 != "_" })
    }
}
