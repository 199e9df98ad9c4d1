import AsyncHTTPClient
import CrewCore
import CrewDocuments
import Foundation
import NIOCore
import NIOHTTP1

/// The `http` tool: GET (and, when configured, POST) requests to allow-listed URLs.
///
/// Plan entry: `allow` (URL patterns, see `URLPattern`), `methods` (`["GET"]` by default), `headers` (name →
/// template with `${env:...}`/`${file:...}` references, resolved once at setup and never shown to the model),
/// `max_response_bytes` (1 MiB by default).
///
/// Input schema: `url` (required string), `method` (enum of the allowed methods; only when there are several),
/// `body` (string; only when POST is allowed).
///
/// Every URL, the first and each redirect target, is normalised and must match a pattern; its host must be a public
/// address unless that pattern names the host literally (see `AddressGuard`). Redirects are followed by the tool
/// itself, at most 5. Any HTTP status is a result (a 404 is information); a URL that is refused, a connection that
/// fails or a redirect that is refused is a `ToolFailure`.
public final class HTTPTool: AgentTool {
    public let descriptor: ToolDescriptor
    let patterns: [URLPattern]
    let methods: [String]
    let headers: [(name: String, value: String)]
    let maxResponseBytes: Int
    let addressGuard: AddressGuard
    private let clients: ClientHolder

    static let defaultMaxResponseBytes = 1 << 20
    static let maxRedirects = 5

    /// Builds the tool from its `plan.json` entry; a bad pattern, method or header, or an unset reference in a header
    /// value, is a `ToolSetupError` naming the tool (and never a header's value).
    public init(name: String, config: JSONValue, context: ToolContext) throws(ToolSetupError) {
        let settings = ToolConfig(name: name, type: "http", config: config)
        let allow = try settings.strings("allow")
        guard !allow.isEmpty else { throw settings.failure("`allow` needs at least one URL pattern") }
        var patterns: [URLPattern] = []
        for source in allow {
            do {
                patterns.append(try URLPattern.parse(source))
            } catch {
                throw settings.failure("allow pattern: \(error.message)")
            }
        }
        var methods = try settings.strings("methods").map { $0.uppercased() }
        if methods.isEmpty { methods = PlanDefaults.httpMethods }
        if let other = methods.first(where: { $0 != "GET" && $0 != "POST" }) {
            throw settings.failure("method `\(other)` is not supported (GET or POST)")
        }
        methods = ["GET", "POST"].filter(methods.contains)
        self.patterns = patterns
        self.methods = methods
        headers = try Self.resolveHeaders(settings, context)
        maxResponseBytes = try settings.positiveInt("max_response_bytes") ?? Self.defaultMaxResponseBytes
        addressGuard = AddressGuard(patterns: patterns)
        descriptor = ToolDescriptor(
            name: name,
            description: settings.description(default: Self.defaultDescription(patterns, methods, maxResponseBytes)),
            inputSchema: Self.schema(methods))
        clients = ClientHolder(addressGuard: addressGuard)
    }

    private static func resolveHeaders(_ settings: ToolConfig, _ context: ToolContext) throws(ToolSetupError)
        -> [(name: String, value: String)]
    {
        var out: [(name: String, value: String)] = []
        for (name, source) in try settings.stringPairs("headers") {
            let tokenCharacters = "!#$%&'*+-.^_`|~"
            guard !name.isEmpty,
                name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || tokenCharacters.contains($0)) })
            else { throw settings.failure("`\(name)` is not a valid header name") }
            let value = try settings.resolve(source, context, what: "header `\(name)`")
            guard !value.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" }) else {
                throw settings.failure("the value of header `\(name)` contains a line break or NUL")
            }
            out.append((name, value))
        }
        return out
    }

    /// The configured headers, and the call's trace context unless the crew sets a header of the same name.
    static func withTrace(_ headers: [(name: String, value: String)], _ trace: [TraceHeader])
        -> [(name: String, value: String)]
    {
        let own = Set(headers.map { $0.name.lowercased() })
        return headers + trace.filter { !own.contains($0.name.lowercased()) }.map { ($0.name, $0.value) }
    }

    static func defaultDescription(_ patterns: [URLPattern], _ methods: [String], _ cap: Int) -> String {
        "Sends an HTTP \(methods.joined(separator: " or ")) request and returns the status, the content type and "
            + "the body as text (HTML converted to plain text). Only URLs matching these patterns are allowed: "
            + patterns.map(\.source).joined(separator: ", ")
            + ". Redirects are followed within those patterns. Bodies longer than \(cap) bytes are cut."
    }

    static func schema(_ methods: [String]) -> JSONValue {
        var properties: [String: JSONValue] = [
            "url": .object([
                "type": .string("string"),
                "description": .string("The absolute URL to request, e.g. https://example.com/page"),
            ])
        ]
        if methods.count > 1 {
            properties["method"] = .object([
                "type": .string("string"), "enum": .strings(methods),
                "description": .string("The HTTP method; GET by default."),
            ])
        }
        if methods.contains("POST") {
            properties["body"] = .object([
                "type": .string("string"),
                "description": .string("The request body (POST only). JSON text is sent as application/json."),
            ])
        }
        return .object([
            "type": .string("object"), "properties": .object(properties), "required": .strings(["url"]),
            "additionalProperties": .bool(false),
        ])
    }

    public func call(_ arguments: JSONValue) async throws(ToolFailure) -> String {
        let request = try HTTPCallRequest(arguments, methods: methods)
        var url = try allowedURL(request.url)
        var method = request.method
        var body = request.body
        var redirected = false
        let headers = Self.withTrace(headers, OutgoingTrace.headers)
        for hop in 0...Self.maxRedirects {
            let pattern = try matchingPattern(url)
            try await addressGuard.check(url, literal: pattern.namesHostLiterally)
            let exchange = try await clients.fetch(
                url: url, method: method, body: body, headers: headers, cap: maxResponseBytes)
            guard let location = exchange.location, [301, 302, 303, 307, 308].contains(exchange.result.status) else {
                var result = exchange.result
                if redirected { result.finalURL = url }
                return redact(result.render())
            }
            guard hop < Self.maxRedirects else {
                throw ToolFailure("stopped after \(Self.maxRedirects) redirects (the last one to \(location))")
            }
            url = try redirectTarget(from: url, location: location)
            // Browsers' rules: 303, and 301/302 after a POST, become a GET without a body.
            if exchange.result.status == 303 || (method == "POST" && exchange.result.status < 303) {
                method = "GET"
                body = nil
            }
            redirected = true
        }
        throw ToolFailure("too many redirects")
    }

    /// A URL from the model, normalised and checked against the allow-list.
    func allowedURL(_ text: String) throws(ToolFailure) -> HTTPURL {
        switch HTTPURL.parse(text) {
        case .failure(let problem): throw ToolFailure("invalid URL: \(problem.message)")
        case .success(let url):
            _ = try matchingPattern(url)
            return url
        }
    }

    func matchingPattern(_ url: HTTPURL) throws(ToolFailure) -> URLPattern {
        guard let pattern = patterns.first(where: { $0.matches(url) }) else {
            throw ToolFailure(
                "\(url) is not allowed; this tool may only request URLs matching "
                    + patterns.map(\.source).joined(separator: ", "))
        }
        return pattern
    }

    private func redirectTarget(from url: HTTPURL, location: String) throws(ToolFailure) -> HTTPURL {
        switch url.resolving(location) {
        case .failure(let problem):
            throw ToolFailure("the server redirected to an unusable location (\(problem.message))")
        case .success(let target):
            guard patterns.contains(where: { $0.matches(target) }) else {
                throw ToolFailure(
                    "the server redirected to \(target), which is outside this tool's allowed URLs; not followed")
            }
            return target
        }
    }

    /// Hides configured header values that a server echoes back (an API key in a debugging endpoint's answer).
    private func redact(_ text: String) -> String {
        headers.reduce(text) { text, header in
            header.value.count < 4 ? text : text.replacingOccurrences(of: header.value, with: "[redacted]")
        }
    }

    public func close() async {
        await clients.shutdown()
    }
}

/// The model's arguments, checked again: the schema check happens elsewhere, and odd values must not crash.
struct HTTPCallRequest {
    var url: String
    var method: String
    var body: String?

    init(_ arguments: JSONValue, methods: [String]) throws(ToolFailure) {
        guard let url = arguments["url"]?.stringValue, !url.isEmpty else {
            throw ToolFailure("`url` is required and must be a string")
        }
        let method = arguments["method"]?.stringValue?.uppercased() ?? methods.first ?? "GET"
        guard methods.contains(method) else {
            throw ToolFailure("method `\(method)` is not allowed; use \(methods.joined(separator: " or "))")
        }
        let body = arguments["body"]?.stringValue
        if body != nil, method != "POST" { throw ToolFailure("`body` is only sent with POST") }
        self.url = url
        self.method = method
        self.body = body
    }
}
