/// A `.env` file as python-dotenv reads it, for crewAI projects: `NAME=value` lines, an optional `export `,
/// single-quoted values taken as written, double-quoted ones with `\n`, `\t`, `\"` and `\\` escapes, a ` #`
/// comment after an unquoted value, blank and `#` lines skipped. No `${VAR}` expansion, and nothing is run.
public enum DotEnv {
    /// The file's variables; a line that is not an assignment is skipped, as python-dotenv skips it.
    public static func parse(_ text: String) -> [String: String] {
        var values: [String: String] = [:]
        for raw in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            var line = Substring(raw).drop { $0 == " " || $0 == "\t" }
            if line.hasPrefix("#") || line.isEmpty { continue }
            if line.hasPrefix("export ") { line = line.dropFirst(7).drop { $0 == " " } }
            guard let equals = line.firstIndex(of: "=") else { continue }
            let name = line[..<equals].trimmingSpaces
            guard !name.isEmpty, name.allSatisfy({ $0 == "_" || $0 == "." || $0.isLetter || $0.isNumber }) else {
                continue
            }
            values[String(name)] = value(line[line.index(after: equals)...].drop { $0 == " " || $0 == "\t" })
        }
        return values
    }

    private static func value(_ text: Substring) -> String {
        guard let quote = text.first, quote == "'" || quote == "\"" else {
            var end = text.endIndex
            var index = text.startIndex
            while index < text.endIndex {
                let next = text.index(after: index)
                if (text[index] == " " || text[index] == "\t"), next < text.endIndex, text[next] == "#" {
                    end = index
                    break
                }
                index = next
            }
            return String(text[..<end].trimmingSpaces)
        }
        var out = ""
        var escaped = false
        for character in text.dropFirst() {
            if escaped {
                switch character {
                case "n": out += "\n"
                case "t": out += "\t"
                default: out.append(character)
                }
                escaped = false
            } else if character == "\\" && quote == "\"" {
                escaped = true
            } else if character == quote {
                return out
            } else {
                out.append(character)
            }
        }
        return out
    }
}

extension Substring {
    fileprivate var trimmingSpaces: Substring {
        var text = self
        while text.first == " " || text.first == "\t" { text.removeFirst() }
        while text.last == " " || text.last == "\t" || text.last == "\r" { text.removeLast() }
        return text
    }
}
