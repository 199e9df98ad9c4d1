import CrewCore

/// Turns libyaml's problems into diagnostics. Quotes at most libyaml's short description of the construct, never
/// the document's text (which may hold a secret).
enum YAMLErrorMapping {
    static func diagnostic(for error: YAMLProblem, file: String, text: String) -> Diagnostic {
        switch error.stage {
        case .scanner, .parser, .composer:
            var diagnostic = syntax(error, file: file)
            if error.problem.contains("cannot start any token"), character(at: error.mark, in: text) == "\t" {
                diagnostic.hint = "YAML indents with spaces, never tabs"
            }
            return diagnostic
        case .reader:
            let message = "cannot read the file: \(error.problem)" + (error.offset.map { " at byte \($0)" } ?? "")
            return .error(.e104, message, at: .file(file))
        case .memory:
            return .error(.e101, "cannot parse YAML: out of memory", at: .file(file))
        }
    }

    private static func syntax(_ error: YAMLProblem, file: String) -> Diagnostic {
        var message = "YAML syntax error: \(error.problem)"
        if let text = error.context?.text, !text.isEmpty, text.count < 120 { message += " (\(text))" }
        var hint = hint(for: error.problem)
        // libyaml notices an unclosed quote or bracket only where the file ends; say where it was opened.
        if let context = error.context, context.mark != error.mark, context.mark.line > 0 {
            let opened = "it starts at line \(context.mark.line), column \(context.mark.column)"
            if context.text.contains("quoted scalar") {
                hint = "a quoted string is never closed: \(opened)"
            } else if context.text.contains("flow mapping") || context.text.contains("flow sequence") {
                let bracket = context.text.contains("mapping") ? "{" : "["
                hint = "a `\(bracket)` is never closed: \(opened)"
            } else if hint == nil {
                hint = "the construct with the problem \(opened)"
            }
        }
        return .error(.e101, message, at: at(error.mark, file), hint: hint)
    }

    private static func hint(for problem: String) -> String? {
        if problem.contains("tab") {
            return "YAML indents with spaces, never tabs"
        }
        if problem.contains("mapping values are not allowed") {
            return "a value containing `: ` must be quoted, or the indentation is off"
        }
        if problem.contains("did not find expected key") || problem.contains("did not find expected '-'") {
            return "check the indentation of this line against the lines above it"
        }
        if problem.contains("undefined alias") {
            return "define the anchor (`&name`) before the alias (`*name`) uses it"
        }
        return nil
    }

    private static func at(_ mark: YAMLProblem.Mark, _ file: String) -> SourceLocation {
        SourceLocation(file: file, line: max(1, mark.line), column: max(1, mark.column))
    }

    static func character(at mark: YAMLProblem.Mark, in text: String) -> Character? {
        let lines = text.split(separator: "\n", maxSplits: mark.line, omittingEmptySubsequences: false)
        guard mark.line >= 1, mark.line <= lines.count else { return nil }
        let line = Array(lines[mark.line - 1].unicodeScalars)
        return mark.column >= 1 && mark.column <= line.count ? Character(line[mark.column - 1]) : nil
    }
}
