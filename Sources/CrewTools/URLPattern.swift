/// One entry of an `http` tool's `allow` list.
///
/// Rules:
/// - The scheme must be equal (`http` and `https` are different patterns).
/// - The host is compared label by label, case-insensitively; `*` matches any run of characters (possibly none)
///   within one label, so `*.example.com` matches `api.example.com` but neither `example.com` nor `a.b.example.com`.
///   A first label of `**` matches one or more labels, so `**.example.com` covers every subdomain and `**` alone
///   any public host. A host without `*` names that host literally, and only such a pattern lets the tool reach a loopback, private
///   or link-local address (`http://127.0.0.1:*/*`, `http://localhost:8080/*`). IP hosts are compared as addresses,
///   so `http://127.0.0.1/*` also covers `http://0x7f000001/`.
/// - No port in the pattern means the scheme's default port; `:*` means any port.
/// - No path (`https://api.example.com`) means any path. Otherwise paths are compared segment by segment, case
///   sensitively, after normalisation (`..` resolved, `%2e` decoded): `*` matches any run of characters within one
///   segment, and a final `**` segment matches any number of further segments (`/docs/**`).
/// - The query string of a URL is never matched; patterns may not have one.
struct URLPattern: Sendable, CustomStringConvertible {
    enum HostPattern: Sendable {
        case literal(URLHost)
        case labels([String])
    }

    let source: String
    let scheme: String
    let host: HostPattern
    let port: URLParts.Port
    /// nil: any path.
    let segments: [String]?

    var description: String { source }

    /// True when the host is written without wildcards: such patterns may reach non-public addresses.
    var namesHostLiterally: Bool {
        if case .literal = host { return true }
        return false
    }

    static func parse(_ source: String) throws(URLProblem) -> URLPattern {
        let parts = try URLParts.split(source)
        guard parts.scheme == "http" || parts.scheme == "https" else {
            throw URLProblem("`\(source)` must start with http:// or https://")
        }
        guard parts.query == nil, !source.contains("#") else {
            throw URLProblem("`\(source)`: patterns match scheme, host, port and path; leave out `?` and `#`")
        }
        let parsedHost = try parts.parsedHost(allowStar: true)
        let host: HostPattern
        switch parsedHost {
        case .name(let name) where name.contains("*"):
            host = .labels(name.split(separator: ".", omittingEmptySubsequences: false).map(String.init))
        default:
            host = .literal(parsedHost)
        }
        let port = try parts.parsedPort(allowStar: true)
        let segments =
            parts.path.isEmpty
            ? nil
            : try PathNormalizer.normalize(parts.path).dropFirst()
                .split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        if let segments, let doubleStar = segments.firstIndex(of: "**"), doubleStar != segments.count - 1 {
            throw URLProblem("`\(source)`: `**` may only be the last path segment")
        }
        return URLPattern(source: source, scheme: parts.scheme, host: host, port: port, segments: segments)
    }

    func matches(_ url: HTTPURL) -> Bool {
        guard url.scheme == scheme, hostMatches(url.host) else { return false }
        switch port {
        case .any: break
        case .number(let number): guard number == url.port else { return false }
        }
        guard let segments else { return true }
        return Self.pathMatches(segments[...], url.segments[...])
    }

    private func hostMatches(_ candidate: URLHost) -> Bool {
        switch host {
        case .literal(let literal):
            return literal == candidate
        case .labels(let labels):
            let text = candidate.description
            let parts = text.split(separator: ".", omittingEmptySubsequences: false)
            if labels.first == "**" {
                let fixed = labels.dropFirst()
                guard parts.count > fixed.count else { return false }
                return zip(fixed, parts.suffix(fixed.count)).allSatisfy { LabelGlob.matches($0, $1) }
            }
            guard parts.count == labels.count else { return false }
            return zip(labels, parts).allSatisfy { LabelGlob.matches($0, $1) }
        }
    }

    private static func pathMatches(_ pattern: ArraySlice<String>, _ path: ArraySlice<Substring>) -> Bool {
        if pattern.last == "**" {
            let fixed = pattern.dropLast()
            guard path.count >= fixed.count else { return false }
            return zip(fixed, path).allSatisfy { LabelGlob.matches($0, $1) }
        }
        guard pattern.count == path.count else { return false }
        return zip(pattern, path).allSatisfy { LabelGlob.matches($0, $1) }
    }
}

/// `*` as "any run of characters" within one host label or path segment (which hold no `.` or `/` to cross).
enum LabelGlob {
    static func matches(_ pattern: some StringProtocol, _ text: some StringProtocol) -> Bool {
        let p = Array(pattern.utf8)
        let t = Array(text.utf8)
        var pi = 0
        var ti = 0
        var star: Int?
        var resume = 0
        // Greedy match with one backtrack point: linear enough for label- and segment-sized input.
        while ti < t.count {
            if pi < p.count, p[pi] == UInt8(ascii: "*") {
                star = pi
                resume = ti
                pi += 1
            } else if pi < p.count, p[pi] == t[ti] {
                pi += 1
                ti += 1
            } else if let star {
                pi = star + 1
                resume += 1
                ti = resume
            } else {
                return false
            }
        }
        while pi < p.count, p[pi] == UInt8(ascii: "*") { pi += 1 }
        return pi == p.count
    }
}
