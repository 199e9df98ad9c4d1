import CrewCore
import CrewTestSupport
import Foundation
import Testing

@testable import CrewTools

@Suite struct HTTPToolTests {
    func makeTool(
        allow: [String], methods: [String] = ["GET"], headers: [String: String] = [:], maxBytes: Int? = nil,
        env: [String: String] = [:]
    ) throws -> HTTPTool {
        var config: [String: JSONValue] = [
            "type": .string("http"), "allow": .strings(allow), "methods": .strings(methods),
            "headers": object(headers),
        ]
        if let maxBytes { config["max_response_bytes"] = .int(maxBytes) }
        return try HTTPTool(name: "fetch", config: .object(config), context: testContext(env: env))
    }

    func get(_ url: String) -> JSONValue { .args(["url": .string(url)]) }

    @Test func allowedGetReturnsStatusTypeAndBody() async throws {
        let server = try await WebTestServer.start { _ in .text(#"{"ok":true}"#, type: "application/json") }
        let tool = try makeTool(allow: ["\(server.baseURL)/api/*"])
        let result = try await tool.call(get("\(server.baseURL)/api/items?x=1"))
        #expect(result.hasPrefix("HTTP 200 OK\nContent-Type: application/json\n\n{\"ok\":true}"))
        #expect(server.requests.map(\.path) == ["/api/items?x=1"])
        await tool.close()
        await server.shutdown()
    }

    @Test func postSendsTheBodyAsJSON() async throws {
        let server = try await WebTestServer.start { .text("got " + $0.bodyText, status: 201) }
        let tool = try makeTool(allow: ["\(server.baseURL)/*"], methods: ["post", "GET"])
        let properties = tool.descriptor.inputSchema["properties"]
        #expect(properties?["method"]?["enum"] == .strings(["GET", "POST"]))
        #expect(properties?["body"] != nil)
        let result = try await tool.call(
            .args(["url": .string("\(server.baseURL)/new"), "method": .string("POST"), "body": .string("{\"a\":1}")]))
        #expect(result.contains("HTTP 201 Created"))
        #expect(result.contains("got {\"a\":1}"))
        #expect(server.requests.first?.method == "POST")
        #expect(server.requests.first?.header("content-type") == "application/json")
        await tool.close()
        await server.shutdown()
    }

    @Test func getOnlySchemaHasNoMethodOrBody() throws {
        let tool = try makeTool(allow: ["https://example.com/*"])
        let schema = tool.descriptor.inputSchema
        #expect(schema["required"] == .strings(["url"]))
        #expect(schema["additionalProperties"] == .bool(false))
        #expect(schema["properties"]?.objectValue?.keys.sorted() == ["url"])
        #expect(tool.descriptor.description.contains("https://example.com/*"))
    }

    @Test func bodyWithGetIsRefused() async throws {
        let tool = try makeTool(allow: ["https://example.com/*"], methods: ["GET", "POST"])
        let message = await failure(
            tool, .args(["url": .string("https://example.com/a"), "method": .string("GET"), "body": .string("x")]))
        #expect(message.contains("only sent with POST"))
    }

    @Test func notFoundIsAResult() async throws {
        let server = try await WebTestServer.start { _ in .text("no such page", status: 404) }
        let tool = try makeTool(allow: ["\(server.baseURL)/*"])
        let result = try await tool.call(get("\(server.baseURL)/missing"))
        #expect(result.hasPrefix("HTTP 404 Not Found"))
        #expect(result.contains("no such page"))
        await tool.close()
        await server.shutdown()
    }

    @Test func largeBodyIsCutWithoutDownloadingIt() async throws {
        let server = try await WebTestServer.start { _ in .large(200_000_000) }
        let tool = try makeTool(allow: ["\(server.baseURL)/*"], maxBytes: 1000)
        let started = Date()
        let result = try await tool.call(get("\(server.baseURL)/big"))
        #expect(Date().timeIntervalSince(started) < 5)
        #expect(result.contains(String(repeating: "x", count: 1000)))
        #expect(!result.contains(String(repeating: "x", count: 1001)))
        #expect(result.contains("[body cut after the first 1000 bytes of 200000000 bytes]"))
        await tool.close()
        await server.shutdown()
    }

    @Test func htmlIsTurnedIntoText() async throws {
        let page = """
            <html><head><title>T</title><script>alert(1)</script></head>
            <body><h1>Hello &amp; welcome</h1><p>See <a href="/docs">the docs</a>.</p><ul><li>one</li></ul></body>
            </html>
            """
        let server = try await WebTestServer.start { _ in .text(page, type: "text/html; charset=utf-8") }
        let tool = try makeTool(allow: ["\(server.baseURL)/*"])
        let result = try await tool.call(get("\(server.baseURL)/"))
        #expect(result.contains("Hello & welcome"))
        #expect(result.contains("See [the docs](/docs)."))
        #expect(result.contains("- one"))
        #expect(!result.contains("alert"))
        #expect(!result.contains("<p>"))
        await tool.close()
        await server.shutdown()
    }

    @Test func cancellationAbortsASlowRequest() async throws {
        let server = try await WebTestServer.start { _ in .hanging }
        let tool = try makeTool(allow: ["\(server.baseURL)/*"])
        let started = Date()
        let task = Task { await failure(tool, get("\(server.baseURL)/slow")) }
        try await Task.sleep(for: .milliseconds(300))
        task.cancel()
        let message = await task.value
        #expect(Date().timeIntervalSince(started) < 3)
        #expect(message.contains("cancelled"))
        await tool.close()
        await server.shutdown()
    }

    @Test func redirectWithinTheAllowListIsFollowed() async throws {
        let server = try await WebTestServer.start { request in
            switch request.path {
            case "/start": .redirect(to: "/next")
            case "/next": .redirect(to: "final?n=1", status: 301)
            default: .text("arrived at \(request.path)")
            }
        }
        let tool = try makeTool(allow: ["\(server.baseURL)/*"])
        let result = try await tool.call(get("\(server.baseURL)/start"))
        #expect(result.contains("URL: \(server.baseURL)/final?n=1"))
        #expect(result.contains("arrived at /final?n=1"))
        await tool.close()
        await server.shutdown()
    }

    @Test func redirectOutsideTheAllowListIsRefused() async throws {
        let server = try await WebTestServer.start { request in
            request.path == "/open/start" ? .redirect(to: "/private/data") : .text("secret")
        }
        let tool = try makeTool(allow: ["\(server.baseURL)/open/*"])
        let message = await failure(tool, get("\(server.baseURL)/open/start"))
        #expect(message.contains("outside this tool's allowed URLs"))
        #expect(server.requests.map(\.path) == ["/open/start"])
        await tool.close()
        await server.shutdown()
    }

    @Test func redirectToMetadataAddressIsRefused() async throws {
        let server = try await WebTestServer.start { _ in .redirect(to: "http://169.254.169.254/latest/meta-data/") }
        // The wildcard pattern admits the metadata URL by shape, but does not name its host literally.
        let tool = try makeTool(allow: ["\(server.baseURL)/*", "http://*.*.*.*"])
        let message = await failure(tool, get("\(server.baseURL)/start"))
        #expect(message.contains("refused http://169.254.169.254/latest/meta-data/"))
        #expect(message.contains("link-local"))
        await tool.close()
        await server.shutdown()
    }

    @Test func tooManyRedirectsStop() async throws {
        let server = try await WebTestServer.start { request in .redirect(to: request.path + "x") }
        let tool = try makeTool(allow: ["\(server.baseURL)/*"])
        let message = await failure(tool, get("\(server.baseURL)/r"))
        #expect(message.contains("stopped after 5 redirects"))
        #expect(server.requests.count == 6)
        await tool.close()
        await server.shutdown()
    }

    @Test(arguments: [
        "https://evil.com/", "https://allowed.com@evil.com/", "https://allowed.com:pw@evil.com/",
        "https://allowed.com.evil.com/a", "https://evil.com/allowed.com/a", "http://allowed.com/a",
        "https://allowed.com:8443/a", "https://allowed.com/a/../../etc/passwd", "https://allowed.com/a/%2e%2e/x/y",
        "https://allowed.com/a/..%2Fx", "https://ALLOWED.com\\@evil.com/a", "ftp://allowed.com/a",
        "https://allowed.com/other", "allowed.com/a/b", "", "https://[::1]/a/b",
    ])
    func urlsOutsideTheAllowListAreRefused(url: String) async throws {
        let tool = try makeTool(allow: ["https://allowed.com/a/*"])
        let message = await failure(tool, get(url))
        #expect(!message.isEmpty)
    }

    @Test func normalisedURLsStillMatch() throws {
        let tool = try makeTool(allow: ["https://allowed.com/a/*"])
        #expect(try tool.allowedURL("HTTPS://Allowed.COM:443/a/./b").description == "https://allowed.com/a/b")
        #expect(try tool.allowedURL("https://allowed.com./x/../a/%62").description == "https://allowed.com/a/b")
        #expect(
            try tool.allowedURL("https://allowed.com/a/b c?q=a b#frag").description
                == "https://allowed.com/a/b%20c?q=a%20b")
    }

    @Test(arguments: [
        "http://127.0.0.1:PORT/x", "http://localhost:PORT/x", "http://169.254.169.254/latest",
        "http://0x7f000001:PORT/x",
        "http://2130706433:PORT/x", "http://0177.0.0.1:PORT/x", "http://127.1:PORT/x",
        "http://[::ffff:127.0.0.1]:PORT/x",
        "http://[::1]:PORT/x", "http://10.0.0.1/x", "http://192.168.1.1/x", "http://172.16.0.1/x",
        "http://100.64.0.1/x", "http://0.0.0.0:PORT/x", "http://[fe80::1]/x", "http://[fc00::1]/x",
        "http://224.0.0.1/x", "http://[::]:PORT/x", "http://[64:ff9b::a9fe:a9fe]/x",
    ])
    func nonPublicAddressesAreRefusedUnlessNamed(url: String) async throws {
        let server = try await WebTestServer.start { _ in .text("reached") }
        let tool = try makeTool(allow: ["http://*:*/*", "http://*.*.*.*:*/*", "http://*/*", "http://*.*.*.*/*"])
        let target = url.replacingOccurrences(of: "PORT", with: String(server.port))
        let message = await failure(tool, get(target))
        #expect(message.contains("refused") || message.contains("not allowed"), "\(message)")
        #expect(server.requests.isEmpty)
        await tool.close()
        await server.shutdown()
    }

    @Test func literallyNamedLoopbackHostsAreReached() async throws {
        let server = try await WebTestServer.start { _ in .text("reached") }
        for pattern in ["http://127.0.0.1:*/*", "http://localhost:\(server.port)/*"] {
            let tool = try makeTool(allow: [pattern])
            let host = pattern.contains("localhost") ? "localhost" : "127.0.0.1"
            let result = try await tool.call(get("http://\(host):\(server.port)/ok"))
            #expect(result.contains("reached"))
            await tool.close()
        }
        // A literal pattern covers other spellings of the same address, but not other loopback addresses.
        let tool = try makeTool(allow: ["http://127.0.0.1:*/*"])
        #expect(try await tool.call(get("http://0x7f000001:\(server.port)/ok")).contains("reached"))
        #expect(await failure(tool, get("http://127.0.0.2:\(server.port)/ok")).contains("not allowed"))
        await tool.close()
        await server.shutdown()
    }

    @Test func headerReferencesAreSentButNeverShown() async throws {
        let secret = "sk-test-4242-secret"
        let server = try await WebTestServer.start { request in
            .text("you sent: " + (request.header("authorization") ?? "nothing"), status: 401)
        }
        let tool = try makeTool(
            allow: ["\(server.baseURL)/*"], headers: ["Authorization": "Bearer ${env:API_KEY}"],
            env: ["API_KEY": secret])
        let result = try await tool.call(get("\(server.baseURL)/whoami"))
        #expect(server.requests.first?.header("authorization") == "Bearer \(secret)")
        #expect(!result.contains(secret))
        #expect(result.contains("[redacted]"))
        let refused = await failure(tool, get("https://elsewhere.example/"))
        #expect(!refused.contains(secret))
        #expect(!tool.descriptor.description.contains(secret))
        await tool.close()
        await server.shutdown()
    }

    @Test func unsetHeaderVariableIsASetupError() throws {
        do {
            _ = try makeTool(allow: ["https://example.com/*"], headers: ["X-Key": "${env:MISSING_KEY}"])
            Issue.record("expected a setup error")
        } catch let error as ToolSetupError {
            #expect(error.message.contains("fetch"))
            #expect(error.message.contains("MISSING_KEY"))
        }
    }

    @Test(arguments: ["ftp://example.com/*", "https://example.com/*?q=1", "https://user@example.com/*", "example.com"])
    func badPatternsAreSetupErrors(pattern: String) {
        #expect(throws: ToolSetupError.self) { try makeTool(allow: [pattern]) }
    }

    @Test func oddArgumentsFailCleanly() async throws {
        let tool = try makeTool(allow: ["https://example.com/*"])
        for arguments: JSONValue in [.null, .args([:]), .args(["url": .int(3)]), .args(["url": .string("\u{0}")])] {
            #expect(!(await failure(tool, arguments)).isEmpty)
        }
    }
}
