/// Every diagnostic code. Codes are stable: a code is never reused for another problem. `specs/diagnostics.md`
/// documents each one; a test checks that every code is produced by some fixture. Diagnostics are made with these
/// cases, never with strings, so a mistyped code does not compile.
public enum DiagnosticCode: String, CaseIterable, Sendable {
    case e101 = "E101"
    case e102 = "E102"
    case e103 = "E103"
    case e104 = "E104"
    case e105 = "E105"
    case e106 = "E106"
    case e107 = "E107"
    case e110 = "E110"
    case e111 = "E111"
    case e112 = "E112"
    case e113 = "E113"
    case e114 = "E114"
    case e115 = "E115"
    case e116 = "E116"
    case e117 = "E117"
    case e120 = "E120"
    case e130 = "E130"
    case e201 = "E201"
    case e202 = "E202"
    case e203 = "E203"
    case e204 = "E204"
    case e205 = "E205"
    case e207 = "E207"
    case e208 = "E208"
    case e209 = "E209"
    case e210 = "E210"
    case e211 = "E211"
    case e212 = "E212"
    case e301 = "E301"
    case e302 = "E302"
    case e303 = "E303"
    case w401 = "W401"
    case w402 = "W402"
    case w403 = "W403"
    case w404 = "W404"
    case w405 = "W405"
    case w406 = "W406"
    case w407 = "W407"

    /// A one-line summary, as `specs/diagnostics.md` titles the code.
    public var summary: String {
        switch self {
        case .e101: return "YAML syntax error"
        case .e102: return "file or crew not found, or unreadable"
        case .e103: return "file too large"
        case .e104: return "not text: NUL byte or invalid UTF-8"
        case .e105: return "hostile structure: nesting too deep, alias bomb, alias as key, complex key"
        case .e106: return "empty file"
        case .e107: return "duplicate key in one mapping"
        case .e110: return "unknown key"
        case .e111: return "bad merge key"
        case .e112: return "wrong type"
        case .e113: return "missing required key"
        case .e114: return "value out of range or not one of the allowed values"
        case .e115: return "invalid name"
        case .e116: return "unsupported crew file version"
        case .e117: return "invalid duration"
        case .e120: return "malformed `${...}` reference"
        case .e130: return "literal secret"
        case .e201: return "name defined twice"
        case .e202: return "reference to an unknown name"
        case .e203: return "placeholder that is not a declared input"
        case .e204: return "dependency cycle"
        case .e205: return "agent without a model"
        case .e207: return "path leaves the crew's folder"
        case .e208: return "pattern matches no file"
        case .e209: return "output schema missing or invalid"
        case .e210: return "conflicting or inconsistent settings"
        case .e211: return "crew without tasks"
        case .e212: return "two tasks write the same output file"
        case .e301: return "crewAI task without an agent"
        case .e302: return "crewAI setting defined in Python"
        case .e303: return "crewAI project incomplete"
        case .w401: return "unused agent"
        case .w402: return "unused model"
        case .w403: return "unused tool"
        case .w404: return "unused knowledge base"
        case .w405: return "unused input"
        case .w406: return "crewAI setting ignored"
        case .w407: return "unused embedder"
        }
    }
}

/// The codes with their summaries, in order.
public enum DiagnosticCodes {
    public static var all: [(code: String, summary: String)] {
        DiagnosticCode.allCases.map { ($0.rawValue, $0.summary) }
    }
}
