import CrewCore
import Yams

/// Turns Yams errors into diagnostics. Never prints the error's `context.text` or `yaml`, which hold the whole
/// document (and perhaps a secret in it).
enum YAMLErrorMapping {
    static func diagnostic(for error: YamlError, file: String) -> Diagnostic {
        switch error {
        case .scanner(let context, let problem, let mark, _),
            .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            return syntax(problem: problem, context: context, mark: mark, file: file)
        case .reader(let problem, let offset, _, _):
            let message = "cannot read the file: \(problem)" + (offset.map { " at byte \($0)" } ?? "")
            return .error("E104", message, at: .file(file))
        case .duplicatedKeysInMapping(let duplicates, let context):
            let names = duplicates.map { "`\($0)`" }.joined(separator: ", ")
            return .error(
                "E107", "duplicate key \(names) in one mapping", at: at(context.mark, file),
                hint: "each name may appear once; rename or remove the second one")
        default:
            return .error("E101", "cannot parse YAML", at: .file(file))
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
        return .error("E101", message, at: at(mark, file), hint: hint)
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
}
