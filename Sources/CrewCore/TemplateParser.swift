import Foundation

/// Splits text into template segments. Problems (a malformed `${...}`) come back as messages for the caller to
/// place, since only the caller knows the field's location.
public enum TemplateParser {
    public struct Problem: Sendable, Hashable {
        public var message: String
        public var hint: String
        /// The offending text, to locate it in the source line.
        public var fragment: String
    }

    /// `inputs`: whether `{name}` placeholders are recognised in this field (prompt text) or left literal.
    public static func parse(
        _ source: String, at location: SourceLocation, inputs: Bool
    ) -> (Template, [Problem]) {
        // Most prompts hold no reference: one text segment, found without walking them scalar by scalar (a crew's
        // templates were a tenth of compiling it).
        if isPlain(source, inputs: inputs) {
            return (Template(source: source, segments: source.isEmpty ? [] : [.text(source)], location: location), [])
        }
        var segments: [Template.Segment] = []
        var problems: [Problem] = []
        var text = ""
        let chars = Array(source.unicodeScalars)
        var i = 0
        func flush() {
            if !text.isEmpty { segments.append(.text(text)) }
            text = ""
        }
        while i < chars.count {
            // `$${` is the escape for a literal `${` (a shell snippet in a prompt, say).
            if chars[i] == "$", i + 2 < chars.count, chars[i + 1] == "$", chars[i + 2] == "{" {
                text += "${"
                i += 3
                continue
            }
            if chars[i] == "$", i + 1 < chars.count, chars[i + 1] == "{" {
                let (segment, end, problem) = reference(chars, from: i)
                if let problem { problems.append(problem) }
                if let segment {
                    flush()
                    segments.append(segment)
                } else {
                    text += scalarText(chars[i..<end])
                }
                i = end
                continue
            }
            if inputs, chars[i] == "{" {
                if let (name, end) = escapedPlaceholder(chars, from: i) {
                    text += "{\(name)}"
                    i = end
                    continue
                }
                if let (name, end) = placeholder(chars, from: i) {
                    flush()
                    segments.append(.input(name))
                    i = end
                    continue
                }
            }
            text.unicodeScalars.append(chars[i])
            i += 1
        }
        flush()
        return (Template(source: source, segments: segments, location: location), problems)
    }

    /// The text of some scalars. A loop of concrete appends: the generic `UnicodeScalarView(_:)` is not
    /// specialised across modules and looks `ArraySlice: Collection` up at run time on its first call.
    static func scalarText(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
        var view = String.UnicodeScalarView()
        for scalar in scalars { view.append(scalar) }
        return String(view)
    }

    /// True when `source` holds no `$` (and no `{` when inputs count): nothing in it can start a reference.
    static func isPlain(_ source: String, inputs: Bool) -> Bool {
        var source = source
        return source.withUTF8 { bytes in
            guard let base = bytes.baseAddress else { return true }
            return memchr(base, Int32(UInt8(ascii: "$")), bytes.count) == nil
                && (!inputs || memchr(base, Int32(UInt8(ascii: "{")), bytes.count) == nil)
        }
    }

    /// `{name}` where name is an identifier: returns the name and the index after `}`.
    static func placeholder(_ chars: [Unicode.Scalar], from start: Int) -> (String, Int)? {
        var j = start + 1
        guard j < chars.count, isIdentifierStart(chars[j]) else { return nil }
        while j < chars.count, isIdentifierPart(chars[j]) { j += 1 }
        guard j < chars.count, chars[j] == "}" else { return nil }
        return (scalarText(chars[(start + 1)..<j]), j + 1)
    }

    /// `{{name}}`, the escape that renders as a literal `{name}`.
    static func escapedPlaceholder(_ chars: [Unicode.Scalar], from start: Int) -> (String, Int)? {
        guard start + 1 < chars.count, chars[start + 1] == "{",
            let (name, end) = placeholder(chars, from: start + 1), end < chars.count, chars[end] == "}"
        else { return nil }
        return (name, end + 1)
    }

    /// `${env:NAME}` or `${file:PATH}` starting at `start` (which holds `$`).
    static func reference(_ chars: [Unicode.Scalar], from start: Int) -> (Template.Segment?, Int, Problem?) {
        guard let close = chars[start...].firstIndex(of: "}") else {
            let fragment = scalarText(chars[start...])
            return (
                nil, chars.count,
                Problem(message: "`${` is not closed", hint: "write `${env:NAME}`", fragment: fragment)
            )
        }
        let body = scalarText(chars[(start + 2)..<close])
        let fragment = "${\(body)}"
        if body.hasPrefix("env:") {
            let name = String(body.dropFirst(4))
            if isEnvName(name) { return (.env(name), close + 1, nil) }
            let problem = Problem(
                message: "`\(fragment)` does not name an environment variable",
                hint: "a variable name is letters, digits and `_`, not starting with a digit", fragment: fragment)
            return (nil, close + 1, problem)
        }
        if body.hasPrefix("file:"), body.count > 5 {
            return (.file(String(body.dropFirst(5))), close + 1, nil)
        }
        let problem = Problem(
            message: "unknown reference `\(fragment)`",
            hint: "references are `${env:NAME}` (an environment variable) or `${file:PATH}` (a secret file)",
            fragment: fragment)
        return (nil, close + 1, problem)
    }

    public static func isEnvName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic)
        else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && $0.properties.isAlphabetic) || isDigit($0) }
    }

    /// ASCII letters by their ranges: the same set as `isASCII && properties.isAlphabetic`, without a Unicode
    /// property lookup per character (names are checked wherever a record is read).
    public static func isIdentifierStart(_ c: Unicode.Scalar) -> Bool {
        c == "_" || (c >= "a" && c <= "z") || (c >= "A" && c <= "Z")
    }

    public static func isIdentifierPart(_ c: Unicode.Scalar) -> Bool {
        isIdentifierStart(c) || isDigit(c) || c == "-"
    }

    static func isDigit(_ c: Unicode.Scalar) -> Bool { c >= "0" && c <= "9" }
}
