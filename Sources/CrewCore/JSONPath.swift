import Foundation

/// A path into a JSON value, as test assertions write it: `$`, then `.name`, `["name"]` or `[index]` steps
/// (`$.figures[0].value`). No wildcards or filters: an assertion names one value.
public struct JSONPath: Sendable, Equatable {
    public enum Step: Sendable, Equatable {
        case member(String)
        case index(Int)
    }

    public let steps: [Step]

    public init?(_ text: String) {
        var rest = Substring(text.trimmingCharacters(in: .whitespaces))
        guard rest.first == "$" else { return nil }
        rest = rest.dropFirst()
        var steps: [Step] = []
        while let first = rest.first {
            if first == "." {
                rest = rest.dropFirst()
                let name = rest.prefix { $0 != "." && $0 != "[" }
                guard !name.isEmpty else { return nil }
                steps.append(.member(String(name)))
                rest = rest.dropFirst(name.count)
            } else if first == "[" {
                guard let close = rest.firstIndex(of: "]") else { return nil }
                let inside = rest[rest.index(after: rest.startIndex)..<close]
                if let index = Int(inside), index >= 0 {
                    steps.append(.index(index))
                } else if inside.count >= 2, let quote = inside.first, quote == "\"" || quote == "'",
                    inside.last == quote
                {
                    steps.append(.member(String(inside.dropFirst().dropLast())))
                } else {
                    return nil
                }
                rest = rest[rest.index(after: close)...]
            } else {
                return nil
            }
        }
        self.steps = steps
    }

    /// The value at the path, or nil when a step finds nothing.
    public func value(in json: JSONValue) -> JSONValue? {
        var current = json
        for step in steps {
            switch step {
            case .member(let name):
                guard let next = current[name] else { return nil }
                current = next
            case .index(let index):
                guard let items = current.arrayValue, index < items.count else { return nil }
                current = items[index]
            }
        }
        return current
    }
}
