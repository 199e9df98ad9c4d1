import CrewCore
import CrewTestSupport
import Foundation
import Testing

/// A crewAI project whose agents use their own Python tools (Tests/Fixtures/crewai-bridge: a BaseTool subclass, a
/// class made with keyword arguments, `@tool` functions, one that raises, one that prints to stdout), run by
/// `crew run --python` through crew's bridge, against the provider test server that the project's `.env` names.
/// No crewAI is installed: the bridge stands in for `crewai.tools`.
@Suite(
    .enabled(if: MCPServer.available, "needs python3 with the `mcp` module (for pydantic); CI sets CREW_REQUIRE_MCP=1"))
struct CrewAIBridgeRunTests {
    let cli = CLITests()
    static let key = "sk-dotenv-canary-5521"

    static func project(env: String) throws -> TemporaryFolder {
        let folder = TemporaryFolder(prefix: "crew-bridge")
        try FileManager.default.copyItem(atPath: Fixtures.root + "/crewai-bridge", toPath: folder.path + "/proj")
        folder.write("proj/.env", env)
        return folder
    }

    static func provider() async throws -> ProviderTestServer {
        try await ProviderTestServer.start { request in
            guard request.toolResults.isEmpty else { return .reply(text: "done") }
            if request.lastUserText.contains("Write one sentence") {
                return .toolCalls([
                    ScriptedToolCall(id: "r1", name: "Reverse_Text", arguments: #"{"text": "abc"}"#),
                    ScriptedToolCall(id: "w1", name: "Word_Counter", arguments: #"{"text": "one two three"}"#),
                ])
            }
            return .toolCalls([
                ScriptedToolCall(id: "g1", name: "Greeter", arguments: #"{"guest": "Ann"}"#),
                ScriptedToolCall(id: "f1", name: "Flaky_Lookup", arguments: #"{"key": "cats"}"#),
                ScriptedToolCall(id: "c1", name: "Chatty_Echo", arguments: #"{"message": "hi"}"#),
            ])
        }
    }

    @Test func customToolsRunInTheProjectsPythonAndTheDotEnvPicksModelAndEndpoint() async throws {
        let provider = try await Self.provider()
        defer { Task { try? await provider.shutdown() } }
        let folder = try Self.project(
            env: """
                # the project's own settings, as `crewai run` reads them
                OPENAI_API_KEY="\(Self.key)"
                export OPENAI_BASE_URL=\(provider.baseURL)/v1
                MODEL=gpt-from-dotenv
                """)
        let run = try await cli.crew(
            ["run", folder.path + "/proj", "--python", "python3", "--input", "topic=cats"],
            environment: ["MODEL_NAME": "ignored-because-MODEL-is-set"])
        #expect(run.status == 0, "\(run.stderr)")
        let results = Dictionary(
            provider.requests.flatMap(\.toolResults).compactMap { result in result.callID.map { ($0, result) } },
            uniquingKeysWith: { first, _ in first })
        #expect(results["r1"]?.content == "cba")
        #expect(results["w1"]?.content == "3")
        #expect(results["g1"]?.content.contains("Ahoy") == true, "\(results["g1"]?.content ?? "")")
        #expect(results["f1"]?.isError == true)
        #expect(results["f1"]?.content.contains("Error") == true, "\(results["f1"]?.content ?? "")")
        #expect(results["c1"]?.content.contains("hi") == true)
        #expect(provider.requests.allSatisfy { $0.model == "gpt-from-dotenv" })
        #expect(provider.requests.allSatisfy { $0.header("Authorization") == "Bearer \(Self.key)" })
        // The key came from .env at run time: no record, artifact or output holds it.
        let written = try FileManager.default.subpathsOfDirectory(atPath: folder.path + "/proj/.crew")
        for path in written {
            let data = FileManager.default.contents(atPath: folder.path + "/proj/.crew/" + path) ?? Data()
            #expect(!String(decoding: data, as: UTF8.self).contains(Self.key), "\(path)")
        }
        // The bridge imported the project without leaving bytecode in it.
        let pycache = try FileManager.default.subpathsOfDirectory(atPath: folder.path + "/proj/src")
        #expect(!pycache.contains { $0.contains("__pycache__") })
    }

    /// A variable set in crew's own environment wins over `.env`, as python-dotenv does not override it.
    @Test func theEnvironmentWinsOverDotEnv() async throws {
        let provider = try await Self.provider()
        defer { Task { try? await provider.shutdown() } }
        let folder = try Self.project(env: "MODEL=gpt-from-dotenv\nOPENAI_API_KEY=\(Self.key)\n")
        let run = try await cli.crew(
            ["run", folder.path + "/proj", "--python", "python3", "--input", "topic=cats"],
            environment: ["MODEL": "gpt-from-shell", "OPENAI_API_BASE": "\(provider.baseURL)/v1"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(!provider.requests.isEmpty && provider.requests.allSatisfy { $0.model == "gpt-from-shell" })
    }

    /// Without `--python` the same project stops at E304, naming each tool and its agent.
    @Test func withoutPythonEachCustomToolIsAnError() async throws {
        let folder = try Self.project(env: "")
        let run = try await cli.crew(["validate", folder.path + "/proj"])
        #expect(run.status == 1)
        #expect(run.stdout.components(separatedBy: "error[E304]").count - 1 == 6, "\(run.stdout)")
        #expect(run.stdout.contains("custom tool `MyCustomTool` of agent `editor`"))
        // A `crewai:` section in a crew.yaml beside the project turns the bridge on as `--python` does.
        folder.write("proj/crew.yaml", "crewai:\n  python: python3\n")
        let bridged = try await cli.crew(["validate", folder.path + "/proj"])
        #expect(bridged.status == 0, "\(bridged.stdout)")
        let tools = try await cli.crew(["tools", folder.path + "/proj"])
        #expect(tools.status == 0 && tools.stdout.contains("Reverse_Text"), "\(tools.stdout)\(tools.stderr)")
    }

    /// A `.env` that is a link is refused when the run starts, never followed.
    @Test func aLinkedDotEnvIsRefused() async throws {
        let folder = try Self.project(env: "")
        try FileManager.default.removeItem(atPath: folder.path + "/proj/.env")
        folder.write("elsewhere.env", "OPENAI_API_KEY=\(Self.key)\n")
        try FileManager.default.createSymbolicLink(
            atPath: folder.path + "/proj/.env", withDestinationPath: folder.path + "/elsewhere.env")
        let run = try await cli.crew(["run", folder.path + "/proj", "--python", "python3", "--input", "topic=cats"])
        #expect(run.status != 0)
        #expect(run.stderr.contains("R512") && run.stderr.contains(".env"), "\(run.stderr)")
    }
}
