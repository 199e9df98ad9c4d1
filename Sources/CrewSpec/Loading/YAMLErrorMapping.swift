import CrewCore
import Yams

/// Turns Yams errors into diagnostics. Never prints the error's `context.text` or `yaml`, which hold the whole
/// document (and perhaps a secret in it).
enum YAMLErrorMapping {
    static func diagnostic(for error: YamlError, file: String, text: String) -> Diagnostic {
        switch error {
        case .scanner(let context, let problem, let mark, _),
            .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            var diagnostic = syntax(problem: problem, context: context, mark: mark, file: file)
            if problem.contains("cannot start any token"), character(at: mark, in: text) == "\t" {
                diagnostic.hint = "YAML indents with spaces, never tabs"
            }
            return diagnostic
        case .reader(let problem, let offset, _, _):
            let message = "cannot read the file: \(problem)" + (offset.map { " at byte \($0)" } ?? "")
            return .error(.e104, message, at: .file(file))
        case .duplicatedKeysInMapping(let duplicates, let context):
            let names = duplicates.map { "`\($0)`" }.joined(separator: ", ")
            let first = at(context.mark, file)
            let second = duplicates.first.flatMap { secondKey($0, after: context.mark, in: text, file: file) }
            return .error(
                .e107, "duplicate key \(names) in one mapping", at: second ?? first,
                hint: "each name may appear once; the first `\(duplicates.first ?? "")` is at line \(first.line)")
        default:
            return .error(.e101, "cannot parse YAML", at: .file(file))
        }
    }

    private static func syntax(problem: String, context: YamlError.Context?, mark: Mark, file: String) -> Diagnostic {
        var message = "YAML syntax error: \(problem)"
        if let text = context?.text, !text.isEmpty, text.count < 120 { message += " (\(text))" }
        var hint = hint(for: problem)
        // libyaml notices an unclosed quote or bracket only where the file ends; say where it was opened.
        if let context, context.mark.line != mark.line || context.mark.column != mark.column, context.mark.line > 0 {
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
        return .error(.e101, message, at: at(mark, file), hint: hint)
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

    private static func at(_ mark: Mark, _ file: String) -> SourceLocation {
        SourceLocation(file: file, line: max(1, mark.line), column: max(1, mark.column))
    }

    static func character(at mark: Mark, in text: String) -> Character? {
        let lines = text.split(separator: "\n", maxSplits: mark.line, omittingEmptySubsequences: false)
        guard mark.line >= 1, mark.line <= lines.count else { return nil }
        let line = Array(lines[mark.line - 1].unicodeScalars)
        return mark.column >= 1 && mark.column <= line.count ? Character(line[mark.column - 1]) : nil
    }

    /// Where a key is written again after its first occurrence (Yams reports only the first).
    static func secondKey(_ key: String, after mark: Mark, in text: String, file: String) -> SourceLocation? {
        var lineNumber = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            guard lineNumber >= mark.line else { continue }
            let scalars = Array(line.unicodeScalars)
            let needle = Array(key.unicodeScalars)
            var column = lineNumber == mark.line ? mark.column : 0
            while column + needle.count <= scalars.count {
                let before = column == 0 ? " " : scalars[column - 1]
                let rest = scalars[(column + needle.count)...].drop { $0 == " " }
                if Array(scalars[column..<(column + needle.count)]) == needle, " {,".unicodeScalars.contains(before),
                    rest.first == ":"
                {
                    return SourceLocation(file: file, line: lineNumber, column: column + 1)
                }
                column += 1
            }
        }
        return nil
    }
}
