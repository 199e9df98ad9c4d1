/// Renders diagnostics for people (text), for programs (JSON) and for GitHub Actions (annotations).
public struct DiagnosticRenderer: Sendable {
    public enum Format: String, Sendable, CaseIterable {
        case text, json, github
    }

    /// Returns the text of a line of a file (1-based), for the source excerpt under a diagnostic.
    public typealias LineProvider = @Sendable (_ file: String, _ line: Int) -> String?

    public var color: Bool
    static let maxExcerpt = 100
    public var lines: LineProvider

    public init(color: Bool = false, lines: @escaping LineProvider = { _, _ in nil }) {
        self.color = color
        self.lines = lines
    }

    public func render(_ diagnostics: [Diagnostic], format: Format) -> String {
        switch format {
        case .text: return diagnostics.map(text).joined() + summary(diagnostics)
        case .json: return json(diagnostics)
        case .github: return diagnostics.map(github).joined()
        }
    }

    /// `file:line:col: error[CODE]: message`, the source line with a caret, and the hint. Names, paths and source
    /// lines come from the crew: control characters and bidi overrides in them are escaped, never sent raw.
    public func text(_ d: Diagnostic) -> String {
        let label = d.severity == .error ? paint("error[\(d.code)]", "1;31") : paint("warning[\(d.code)]", "1;33")
        let location = d.location.map { TerminalText.escape("\($0): ") }
        var out = (location.map { paint($0, "1") } ?? "") + label + paint(": \(TerminalText.escape(d.message))", "1")
        out += "\n"
        if let location = d.location, let source = lines(location.file, location.line) {
            out += excerpt(source, at: location, redacted: d.redactsSource)
        }
        if let hint = d.hint {
            out += "  " + paint("hint:", "36") + " \(TerminalText.escapeBlock(hint))\n"
        }
        return out
    }

    func excerpt(_ rawLine: String, at location: SourceLocation, redacted: Bool) -> String {
        // One visible character per unsafe one, so the caret still lines up under the column.
        var scalars = Array(
            rawLine.unicodeScalars.map {
                $0 == "\t" ? " " : TerminalText.isUnsafe($0, keepLayout: false) ? "\u{FFFD}" : $0
            })
        var start = min(max(location.column - 1, 0), scalars.count)
        // Very long lines (minified JSON, hostile input) are shown as a window around the column.
        if scalars.count > Self.maxExcerpt {
            let from = max(0, start - Self.maxExcerpt / 3)
            let to = min(scalars.count, from + Self.maxExcerpt)
            let head: [Unicode.Scalar] = from > 0 ? Array("...".unicodeScalars) : []
            let tail: [Unicode.Scalar] = to < scalars.count ? Array("...".unicodeScalars) : []
            scalars = head + Array(scalars[from..<to]) + tail
            start = start - from + head.count
        }
        var shown = scalars
        if redacted {
            shown = Array(scalars[..<start]) + Array("***".unicodeScalars)
        }
        var width = 1
        if !redacted {
            let token = scalars[start...].prefix { $0 != " " && $0 != "," && $0 != "]" && $0 != "}" }
            // A key's caret stops before its colon; a URL's colon is part of the token.
            width = max(1, token.last == ":" ? token.count - 1 : token.count)
        }
        let number = String(location.line)
        let gutter = String(repeating: " ", count: number.count)
        var view = String.UnicodeScalarView()
        view.append(contentsOf: shown)
        let code = String(view).trimmingTrailingSpaces()
        let caret = String(repeating: " ", count: start) + String(repeating: "^", count: min(width, 80))
        return "  \(number) | \(code)\n  \(gutter) | \(paint(caret, "1;32"))\n"
    }

    func summary(_ diagnostics: [Diagnostic]) -> String {
        let errors = diagnostics.count { $0.severity == .error }
        let warnings = diagnostics.count { $0.severity == .warning }
        guard errors + warnings > 0 else { return "" }
        func plural(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
        return "\(plural(errors, "error")), \(plural(warnings, "warning"))\n"
    }

    func json(_ diagnostics: [Diagnostic]) -> String {
        let items: [JSONValue] = diagnostics.map { d in
            var object: [String: JSONValue] = [
                "severity": .string(d.severity.rawValue), "code": .string(d.code), "message": .string(d.message),
            ]
            if let location = d.location {
                object["file"] = .string(location.file)
                object["line"] = .int(location.line)
                object["column"] = .int(location.column)
            }
            if let hint = d.hint { object["hint"] = .string(hint) }
            return .object(object)
        }
        let document: JSONValue = .object([
            "diagnostics": .array(items),
            "errors": .int(diagnostics.count { $0.severity == .error }),
            "warnings": .int(diagnostics.count { $0.severity == .warning }),
        ])
        return document.serialized(pretty: true) + "\n"
    }

    /// A GitHub Actions workflow command; properties and data escaped as the runner expects.
    func github(_ d: Diagnostic) -> String {
        var properties: [String] = []
        if let location = d.location {
            properties.append("file=\(escapeProperty(location.file))")
            properties.append("line=\(location.line)")
            properties.append("col=\(location.column)")
        }
        properties.append("title=\(escapeProperty("crew \(d.code)"))")
        var message = d.message
        if let hint = d.hint { message += " (hint: \(hint))" }
        return "::\(d.severity == .error ? "error" : "warning") \(properties.joined(separator: ","))::"
            + escapeData(message) + "\n"
    }

    private func escapeData(_ raw: String) -> String {
        let s = TerminalText.escapeBlock(raw)
        return s.replacing("%", with: "%25").replacing("\r", with: "%0D").replacing("\n", with: "%0A")
    }

    private func escapeProperty(_ s: String) -> String {
        escapeData(s).replacing(":", with: "%3A").replacing(",", with: "%2C")
    }

    private func paint(_ s: String, _ code: String) -> String {
        color ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var s = Substring(self)
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
