import Foundation

/// A URL cut into its raw parts, before any normalisation: `scheme://authority path ?query #fragment`.
struct URLParts {
    var scheme: String
    var authority: String
    var path: String
    var query: String?

    /// A port as written: absent or the scheme's default (`number(nil)`), a number, or `*` (patterns only).
    enum Port: Equatable {
        case number(Int?)
        case any
    }

    static func hasScheme(_ text: String) -> Bool {
        guard let range = text.range(of: "://") else { return false }
        let scheme = text[..<range.lowerBound]
        return !scheme.isEmpty && scheme.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) }
    }

    static func split(_ raw: String) throws(URLProblem) -> URLParts {
        let text = raw.trimmingASCIISpaces()
        guard text.utf8.count <= 8192 else { throw URLProblem("the URL is longer than 8192 bytes") }
        guard !text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw URLProblem("the URL contains control characters")
        }
        guard hasScheme(text), let separator = text.range(of: "://") else {
            throw URLProblem("expected an absolute URL such as https://example.com/path")
        }
        let scheme = text[..<separator.lowerBound].lowercased()
        var rest = text[separator.upperBound...]
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        let authority = String(rest[..<authorityEnd])
        rest = rest[authorityEnd...]
        var query: String?
        if let mark = rest.firstIndex(of: "?") {
            query = String(rest[rest.index(after: mark)...])
            rest = rest[..<mark]
        }
        guard !authority.contains("\\") else { throw URLProblem("backslashes are not allowed in the host") }
        guard !authority.contains("@") else {
            throw URLProblem("user names and passwords in URLs (`user@host`) are not allowed")
        }
        return URLParts(scheme: scheme, authority: authority, path: String(rest), query: query)
    }

    /// The host text and the port text (nil when there is no `:`).
    private func hostAndPort() throws(URLProblem) -> (host: String, port: Substring?) {
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw URLProblem("unclosed `[` in the host") }
            let host = String(authority[...close])
            let after = authority[authority.index(after: close)...]
            guard after.isEmpty || after.hasPrefix(":") else { throw URLProblem("unexpected text after `]`") }
            return (host, after.isEmpty ? nil : after.dropFirst())
        }
        let pieces = authority.split(separator: ":", omittingEmptySubsequences: false)
        guard pieces.count <= 2 else { throw URLProblem("an IPv6 host must be written in brackets") }
        return (String(pieces[0]), pieces.count == 2 ? pieces[1] : nil)
    }

    func parsedHost(allowStar: Bool) throws(URLProblem) -> URLHost {
        let host = try hostAndPort().host
        guard !host.contains("%") else { throw URLProblem("percent-encoded host names are not allowed") }
        return try URLHost.parse(host, allowStar: allowStar).get()
    }

    func parsedPort(allowStar: Bool) throws(URLProblem) -> Port {
        guard let text = try hostAndPort().port, !text.isEmpty else { return .number(nil) }
        if allowStar, text == "*" { return .any }
        guard text.count <= 5, text.allSatisfy({ $0.isASCII && $0.isNumber }), let port = Int(text),
            (1...65535).contains(port)
        else { throw URLProblem("`\(text)` is not a valid port") }
        let defaultPort = scheme == "https" ? 443 : 80
        return .number(port == defaultPort ? nil : port)
    }
}
