/// How serious a diagnostic is. Errors make validation fail; warnings do not.
public enum Severity: String, Sendable, Codable, Comparable {
    case error
    case warning

    public static func < (lhs: Severity, rhs: Severity) -> Bool {
        lhs == .error && rhs == .warning
    }
}

/// One problem found in a crew, with a stable code (listed in `specs/diagnostics.md`).
public struct Diagnostic: Sendable, Hashable, Codable, CustomStringConvertible {
    public var severity: Severity
    public var code: String
    public var message: String
    public var location: SourceLocation?
    public var hint: String?
    /// When true the source line is not shown past the caret, because it holds a secret.
    public var redactsSource: Bool

    public init(
        _ severity: Severity, _ code: DiagnosticCode, _ message: String, at location: SourceLocation?,
        hint: String? = nil, redactsSource: Bool = false
    ) {
        self.severity = severity
        self.code = code.rawValue
        self.message = message
        self.location = location
        self.hint = hint
        self.redactsSource = redactsSource
    }

    public static func error(
        _ code: DiagnosticCode, _ message: String, at location: SourceLocation?, hint: String? = nil
    ) -> Diagnostic {
        Diagnostic(.error, code, message, at: location, hint: hint)
    }

    public static func warning(
        _ code: DiagnosticCode, _ message: String, at location: SourceLocation?, hint: String? = nil
    ) -> Diagnostic {
        Diagnostic(.warning, code, message, at: location, hint: hint)
    }

    /// The one-line form: `file:line:column: error[CODE]: message`.
    public var description: String {
        let prefix = location.map { "\($0): " } ?? ""
        return "\(prefix)\(severity.rawValue)[\(code)]: \(message)"
    }
}

/// Gathers diagnostics from every stage so that all problems are reported at once.
public struct Diagnostics: Sendable {
    public private(set) var items: [Diagnostic] = []

    public init() {}

    public mutating func append(_ diagnostic: Diagnostic) {
        items.append(diagnostic)
    }

    public mutating func append(contentsOf other: [Diagnostic]) {
        items.append(contentsOf: other)
    }

    public mutating func error(
        _ code: DiagnosticCode, _ message: String, at location: SourceLocation?, hint: String? = nil
    ) {
        items.append(.error(code, message, at: location, hint: hint))
    }

    public mutating func warning(
        _ code: DiagnosticCode, _ message: String, at location: SourceLocation?, hint: String? = nil
    ) {
        items.append(.warning(code, message, at: location, hint: hint))
    }

    public var hasErrors: Bool { items.contains { $0.severity == .error } }
    public var errorCount: Int { items.count { $0.severity == .error } }
    public var warningCount: Int { items.count { $0.severity == .warning } }

    /// Diagnostics in a stable order: by file, line, column, then code and message; duplicates removed.
    public var sorted: [Diagnostic] {
        var seen = Set<Diagnostic>()
        let unique = items.filter { seen.insert($0).inserted }
        return unique.sorted { a, b in
            let la = a.location ?? SourceLocation(file: "", line: 0, column: 0)
            let lb = b.location ?? SourceLocation(file: "", line: 0, column: 0)
            if la != lb { return la < lb }
            if a.code != b.code { return a.code < b.code }
            return a.message < b.message
        }
    }
}
