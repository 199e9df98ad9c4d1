import CrewCore
import CrewDocuments
import CrewProviders
import CrewTestSupport
import Foundation
import Testing

@testable import CrewRuntime

/// Secrets and crew's own environment in a real run: what a tool prints, what a provider echoes.
@Suite(.serialized) struct SecretLeakTests {
    static let token = "canary tok+en/7f3a=9c"

    /// The token in every encoding the redactor knows, printed by a command tool, next to the tool's environment.
    static let printer = """
        import base64, json, os, urllib.parse
        t = os.environ["TOOL_TOKEN"]
        print("names:", " ".join(sorted(os.environ)))
        print("raw:", t)
        print("json:", json.dumps("a\\r\\n" + t + "\\t"))
        print("quote:", urllib.parse.quote(t, safe=""), urllib.parse.quote(t, safe="").lower())
        print("form:", urllib.parse.quote_plus(t))
        for prefix in ["", "u", "us"]:
            print("b64:", base64.b64encode((prefix + t + "!").encode()).decode())
        """

    /// Every encoded form of `token` a leak would show, so that the record can be searched for each.
    static func forms(of token: String) -> [String] {
        let quoted = token.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? token
        return [
            token, quoted, quoted.lowercased(), String(JSONValue.string(token).serialized().dropFirst().dropLast()),
        ]
            + ["", "u", "us"].map { prefix in
                let encoded = Data((prefix + token + "!").utf8).base64EncodedString()
                let first = (8 * prefix.count + 5) / 6
                let end = 8 * (prefix.count + token.utf8.count) / 6
                return String(Array(encoded)[first..<end])
            }
    }

    @Test func aCommandToolSeesNoCanaryAndItsTokenLeavesNoTraceInAnyEncoding() async throws {
        let canary = "crew-canary-\(UUID().uuidString)"
        setenv("CREW_TEST_CANARY", canary, 1)
        defer { unsetenv("CREW_TEST_CANARY") }
        let harness = try await RunHarness.start { request in
            let results = Conversation.toolResults(request)
            guard results.isEmpty else { return .reply(text: results.joined(separator: "\n")) }
            return .toolCalls([ScriptedToolCall(id: "1", name: "leak", arguments: "{}")])
        }
        let json = JSONValue.string(Self.printer).serialized()
        let tools = """
              leak:
                type: command
                program: python3
                args: ["-c", \(json)]
                env: { TOOL_TOKEN: "${env:TOOL_TOKEN}" }

            """
        let yaml = """
            version: 1
            name: leaks
            \(harness.model())tools:
            \(tools)agents:
              a: { role: Tester, goal: Test tools, tools: [leak] }
            tasks:
              t: { agent: a, description: Use the tool. }

            """
        let run = try await harness.run(yaml, environment: ["TOOL_TOKEN": Self.token])
        let output = try #require(run.output("t"))
        #expect(output.contains("names:") && output.contains("TOOL_TOKEN") && output.contains("b64:"), "\(output)")
        #expect(!output.contains("CREW_TEST_CANARY") && !output.contains("CREW_TEST_KEY"))
        let sent = harness.server.requests.map { String(decoding: $0.body, as: UTF8.self) }
        for form in Self.forms(of: Self.token) + [canary] {
            for (path, text) in harness.allFiles() where path.hasPrefix("runs/") {
                #expect(!text.contains(form), "`\(form)` is in \(path)")
            }
            #expect(!sent.contains { $0.contains(form) }, "`\(form)` went to the model")
        }
    }

    @Test func aProviderMessageIsScrubbedBeforeItIsCut() throws {
        let key = "sk-live-0123456789abcdefghijklmnopqrstuv"
        // The key straddles the 300th character, where the message is cut for display.
        let message =
            String(repeating: "x", count: 290) + key + " and in base64 "
            + Data("me:\(key)".utf8).base64EncodedString() + String(repeating: "y", count: 8000)
        let model = ModelDefinition(name: "m", provider: .openai, model: "g")
        let text = FailureText.describe(
            .http(status: 401, message: message, retryAfter: nil), model: model, endpoint: nil, secrets: [key])
        #expect(!text.contains(String(key.prefix(8))) && !text.contains(String(key.suffix(8))), "\(text)")
        #expect(text.count < FailureText.messageLimit + 200)
        let short = FailureText.short(.http(status: 500, message: message, retryAfter: nil), secrets: [key])
        #expect(!short.contains("0123") && short.contains("***"))
        let later = FailureText.short(
            .http(status: 500, message: "x" + Data("me:\(key)".utf8).base64EncodedString(), retryAfter: nil),
            secrets: [key])
        #expect(later.contains("***"))
    }
}
