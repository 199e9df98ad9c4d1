/// The one rule for the names of a crew's agents, tasks, models, tools and knowledge bases. A task's name becomes a
/// folder name in run records and a knowledge base's a file name in the artifact, so every way in (crew files, crewAI
/// YAML, plan.json) checks it, and nothing builds a path from a name that fails it.
public enum Names {
    /// Long enough for any real name, far below a file system's 255-byte limit for one path component.
    public static let maxLength = 128

    /// How the rule reads in an error's hint.
    public static let rule =
        "letters, digits, `_` and `-`, starting with a letter or `_`, at most \(maxLength) characters"

    /// ASCII letters, digits, `_` and `-`, starting with a letter or `_`: never `.`, `..`, a `/`, a control character
    /// or an empty string.
    public static func isValid(_ text: String) -> Bool {
        guard text.utf8.count <= maxLength, let first = text.unicodeScalars.first,
            TemplateParser.isIdentifierStart(first)
        else { return false }
        return text.unicodeScalars.allSatisfy(TemplateParser.isIdentifierPart)
    }

    /// A run id (`20261204-211830-a1b2`, or one a caller chose): ASCII letters, digits, `_` and `-` only.
    public static func isRunID(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= maxLength
            && text.unicodeScalars.allSatisfy { TemplateParser.isIdentifierPart($0) || ("0"..."9").contains($0) }
    }

    /// `wanted`, or `wanted` with `separator` and 2, 3, … until `taken` says the name is free: names crew makes
    /// itself (a crewAI tool, model or knowledge base) never collide with each other.
    public static func unique(_ wanted: String, separator: String, taken: (String) -> Bool) -> String {
        var name = wanted
        var counter = 2
        while taken(name) {
            name = "\(wanted)\(separator)\(counter)"
            counter += 1
        }
        return name
    }
}
