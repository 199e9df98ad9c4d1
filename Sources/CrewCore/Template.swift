/// A string from a crew file, split into literal text, `{input}` placeholders and `${env:NAME}` / `${file:PATH}`
/// references.
///
/// Placeholder rules (normative in `specs/crew-file.md`): `{name}` is a placeholder when `name` is an identifier;
/// `{{name}}` is the escape for a literal `{name}`; every other brace is literal, so JSON needs no escaping.
public struct Template: Sendable, Hashable {
    public enum Segment: Sendable, Hashable {
        case text(String)
        case input(String)
        case env(String)
        case file(String)
    }

    /// The text exactly as written in the crew file.
    public var source: String
    public var segments: [Segment]
    public var location: SourceLocation

    public init(source: String, segments: [Segment], location: SourceLocation) {
        self.source = source
        self.segments = segments
        self.location = location
    }

    /// Names of the inputs the text refers to, in order of first use.
    public var inputNames: [String] {
        var seen = Set<String>()
        return segments.compactMap { segment in
            if case .input(let name) = segment, seen.insert(name).inserted { return name }
            return nil
        }
    }

    public var envNames: [String] {
        segments.compactMap { segment in
            if case .env(let name) = segment { return name }
            return nil
        }
    }

    /// True when the text has no placeholders or references at all.
    public var isLiteral: Bool {
        segments.allSatisfy { if case .text = $0 { true } else { false } }
    }

    /// The text with inputs filled from `values`; references are left as written. Missing inputs stay `{name}`.
    public func rendered(inputs values: [String: String]) -> String {
        var out = ""
        for segment in segments {
            switch segment {
            case .text(let text): out += text
            case .input(let name): out += values[name] ?? "{\(name)}"
            case .env(let name): out += "${env:\(name)}"
            case .file(let path): out += "${file:\(path)}"
            }
        }
        return out
    }
}
