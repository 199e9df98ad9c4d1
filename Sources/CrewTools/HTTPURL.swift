/// The host of an `http(s)` URL: a lower-case name or an IP address in canonical form.
enum URLHost: Hashable, Sendable, CustomStringConvertible {
    case name(String)
    case ip(IPAddress)

    /// As written in a URL: IPv6 in brackets.
    var description: String {
        switch self {
        case .name(let name): name
        case .ip(let address): address.isIPv4 ? address.description : "[\(address)]"
        }
    }

    /// Reads a host the way a connecting library would: numeric spellings become the address they name, names are
    /// lower-cased and lose one trailing dot. `allowStar` admits `*` in names (patterns).
    static func parse(_ text: String, allowStar: Bool = false) -> Result<URLHost, URLProblem> {
        if text.hasPrefix("[") {
            guard text.hasSuffix("]"), let address = IPAddress.ipv6(String(text.dropFirst().dropLast())) else {
                return .failure(URLProblem("`\(text)` is not a valid IPv6 address"))
            }
            return .success(.ip(address))
        }
        var name = text.lowercased()
        if name.hasSuffix("."), name.count > 1 { name.removeLast() }
        guard !name.isEmpty else { return .failure(URLProblem("the URL has no host")) }
        guard name.allSatisfy({ $0.isASCII }) else {
            return .failure(URLProblem("write an international host name in its `xn--` form"))
        }
        let allowed = allowStar ? "abcdefghijklmnopqrstuvwxyz0123456789-_.*" : "abcdefghijklmnopqrstuvwxyz0123456789-_."
        guard name.allSatisfy({ allowed.contains($0) }),
            !name.split(separator: ".", omittingEmptySubsequences: false).contains(where: \.isEmpty)
        else { return .failure(URLProblem("`\(text)` is not a valid host name")) }
        if IPAddress.looksNumeric(name) {
            guard let address = IPAddress.ipv4(name) else {
                return .failure(URLProblem("`\(text)` is not a valid IPv4 address"))
            }
            return .success(.ip(address))
        }
        return .success(.name(name))
    }
}

/// Why a URL (or pattern) was not accepted.
struct URLProblem: Error, Sendable {
    let message: String
    init(_ message: String) { self.message = message }
}

/// An absolute `http`/`https` URL in normal form, so that the URL checked against the allow-list is exactly the URL
/// requested: no user info, lower-case scheme and host, numeric hosts in canonical form, no default port, no `.` or
/// `..` segments (also when percent-encoded), percent-encoded unreserved characters decoded, no fragment.
struct HTTPURL: Hashable, Sendable, CustomStringConvertible {
    var scheme: String
    var host: URLHost
    /// nil for the scheme's default port.
    var port: Int?
    /// Starts with `/`; segments are percent-encoded.
    var path: String
    /// Without the `?`.
    var query: String?

    var description: String {
        var text = "\(scheme)://\(host)"
        if let port { text += ":\(port)" }
        text += path
        if let query { text += "?\(query)" }
        return text
    }

    var effectivePort: Int { port ?? (scheme == "https" ? 443 : 80) }

    /// The path split at `/` (without the leading one); `/` alone is one empty segment.
    var segments: [Substring] { path.dropFirst().split(separator: "/", omittingEmptySubsequences: false) }

    static func parse(_ text: String) -> Result<HTTPURL, URLProblem> {
        do throws(URLProblem) {
            let parts = try URLParts.split(text)
            guard parts.scheme == "http" || parts.scheme == "https" else {
                throw URLProblem("only http and https URLs are supported")
            }
            let host = try parts.parsedHost(allowStar: false)
            guard case .number(let port) = try parts.parsedPort(allowStar: false) else {
                throw URLProblem("invalid port")
            }
            let path = try PathNormalizer.normalize(parts.path)
            let query = parts.query.map(PathNormalizer.encodeQuery)
            return .success(HTTPURL(scheme: parts.scheme, host: host, port: port, path: path, query: query))
        } catch {
            return .failure(error)
        }
    }

    /// Resolves a `Location` header against this URL (RFC 3986 §5.2, the forms servers send).
    func resolving(_ reference: String) -> Result<HTTPURL, URLProblem> {
        let ref = reference.trimmingASCIISpaces()
        if URLParts.hasScheme(ref) { return HTTPURL.parse(ref) }
        let origin = "\(scheme)://\(host)" + (port.map { ":\($0)" } ?? "")
        if ref.hasPrefix("//") { return HTTPURL.parse("\(scheme):\(ref)") }
        if ref.hasPrefix("/") { return HTTPURL.parse(origin + ref) }
        if ref.hasPrefix("?") { return HTTPURL.parse(origin + path + ref) }
        if ref.isEmpty || ref.hasPrefix("#") { return .success(self) }
        let directory = path.split(separator: "/", omittingEmptySubsequences: false).dropLast()
        return HTTPURL.parse(origin + directory.joined(separator: "/") + "/" + ref)
    }
}

extension StringProtocol {
    func trimmingASCIISpaces() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        return String(drop(while: isSpace).reversed().drop(while: isSpace).reversed())
    }
}
