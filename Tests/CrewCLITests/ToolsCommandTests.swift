import CrewCore
import CrewTestSupport
import Foundation
import Testing

/// `crew tools`, and tool activity in `crew run`, `crew logs` and `crew show`.
@Suite struct ToolsCommandTests {
    let cli = CLITests()

    /// A researcher with a knowledge tool, a writer who may ask the researcher, and `extraTools` for the researcher.
    func crewFolder(model: String, extraTools: String = "", researcherTools: String = "search_notes")
        -> TemporaryFolder
    {
        let folder = TemporaryFolder(prefix: "crew-cli-tools")
        folder.write("notes/tides.md", "# Tides\n\nSpring tides come twice a month.\n")
        folder.write(
            "crew.yaml",
            """
            version: 1
            name: cli-tools
            inputs: { topic: { type: string, default: tides } }
            models:
              m: \(model)
            knowledge:
              notes: { sources: [notes/*.md] }
            tools:
              search_notes: { type: knowledge, knowledge: notes, mode: bm25, description: Search our notes }
            \(extraTools)
            agents:
              researcher: { role: Researcher, goal: "Dig into {topic}", tools: [\(researcherTools)] }
              writer: { role: Writer, goal: Write, delegate_to: [researcher] }
            tasks:
              brief: { agent: writer, description: BRIEF }
            defaults: { model: m }
            """)
        return folder
    }

    @Test func listsEachAgentsToolsWithTheirSchemas() async throws {
        let folder = crewFolder(model: "{ provider: mock }")
        let out = try await cli.crew(["tools", folder.path])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.contains("agent `researcher`: 1 tool"))
        #expect(out.stdout.contains("search_notes  (tool `search_notes`, type knowledge)\n    Search our notes"))
        #expect(out.stdout.contains("agent `writer`: 1 tool"))
        #expect(out.stdout.contains("ask_agent  (built in, for delegate_to)"))
        #expect(out.stdout.contains("- researcher: Researcher; Dig into tides"))
        #expect(out.stdout.contains("\"required\": ["))

        let json = try await cli.crew(["tools", folder.path, "--json", "--agent", "writer"])
        #expect(json.status == 0, "\(json.stderr)")
        let document = try JSONParser.parse(json.stdout)
        let agents = document["agents"]?.arrayValue ?? []
        #expect(agents.map { $0["agent"]?.stringValue } == ["writer"])
        let tool = try #require(agents.first?["tools"]?.arrayValue?.first)
        #expect(tool["name"]?.stringValue == "ask_agent")
        #expect(tool["type"]?.stringValue == "delegation")
        #expect(tool["input_schema"]?["properties"]?["agent"]?["enum"] == .array([.string("researcher")]))
        #expect(tool["input_schema"]?["required"] == .array([.string("agent"), .string("question")]))
    }

    @Test func listsBuiltInFileAndHTTPTools() async throws {
        let folder = crewFolder(
            model: "{ provider: mock }",
            extraTools: """
                  pages: { type: http, allow: ["https://example.com/*"] }
                  drafts: { type: file, root: drafts, write: true }
                """,
            researcherTools: "pages, drafts")
        let out = try await cli.crew(["tools", folder.path, "--agent", "researcher"])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.contains("agent `researcher`: 2 tools"))
        #expect(out.stdout.contains("pages  (tool `pages`, type http)"))
        #expect(out.stdout.contains("drafts  (tool `drafts`, type file)"))
        let json = try await cli.crew(["tools", folder.path, "--agent", "researcher", "--json"])
        let tools = try JSONParser.parse(json.stdout)["agents"]?.arrayValue?.first?["tools"]?.arrayValue ?? []
        #expect(tools.map { $0["entry"]?.stringValue } == ["pages", "drafts"])
        #expect(tools.map { $0["type"]?.stringValue } == ["http", "file"])
        let pages = try #require(tools.first)
        #expect(pages["description"]?.stringValue?.contains("https://example.com/*") == true)
        #expect(pages["input_schema"]?["properties"]?["url"]?["type"]?.stringValue == "string")
        #expect(pages["input_schema"]?["type"]?.stringValue == "object")
        let drafts = try #require(tools.last)
        #expect(drafts["input_schema"]?["properties"]?["path"] != nil)
    }

    @Test func anUnknownAgentIsAUsageError() async throws {
        let folder = crewFolder(model: "{ provider: mock }")
        let out = try await cli.crew(["tools", folder.path, "--agent", "editor"])
        #expect(out.status == 2)
        #expect(out.stderr.contains("the crew has no agent `editor`; its agents are `researcher`, `writer`"))
    }

    @Test func aToolThatCannotBeSetUpExitsOne() async throws {
        let folder = crewFolder(
            model: "{ provider: mock }",
            extraTools: "  mcp_notes: { type: mcp, command: crew-no-such-server-\(UUID().uuidString) }",
            researcherTools: "search_notes, mcp_notes")
        let out = try await cli.crew(["tools", folder.path])
        #expect(out.status == 1)
        #expect(out.stderr.contains("error[R513]: "))
        #expect(out.stderr.contains("crew-no-such-server"))
        #expect(!out.stderr.contains("Fatal error"))
    }

    @Test func aMissingMCPHostStopsTheRunNamingIt() async throws {
        let host = "/no/such/folder/crew-mcp"
        let folder = crewFolder(
            model: "{ provider: mock }", extraTools: "  demo: { type: mcp, command: python3 }",
            researcherTools: "search_notes, demo")
        for command in [["tools", folder.path], ["run", folder.path]] {
            let out = try await cli.crew(command, environment: ["CREW_MCP_HOST": host])
            #expect(out.status == 1, "\(command): \(out.stderr)")
            #expect(
                out.stderr.contains("helper `crew-mcp`, which is not there (CREW_MCP_HOST=\(host))"), "\(out.stderr)")
            #expect(!out.stderr.contains("Fatal error"))
        }
    }

    @Test(.enabled(if: MCPServer.available, "needs python3 with the `mcp` module; CI sets CREW_REQUIRE_MCP=1"))
    func anMCPToolIsListedAndCalledThroughCrewMCP() async throws {
        let server = try await ProviderTestServer.start { request in
            guard request.toolResults.isEmpty else { return .reply(text: "the sum is in") }
            return .toolCalls([ScriptedToolCall(id: "c1", name: "add", arguments: #"{"a": 2, "b": 40}"#)])
        }
        defer { Task { try? await server.shutdown() } }
        let model =
            "{ provider: openai, model: test-model, base_url: \"\(server.baseURL)/v1\", api_key: \"${env:CREW_TEST_KEY}\" }"
        let folder = crewFolder(
            model: model,
            extraTools:
                "  demo: { type: mcp, command: python3, args: [\"\(MCPServer.script)\", stdio], include: [add] }",
            researcherTools: "demo")
        var yaml = try String(contentsOfFile: folder.path + "/crew.yaml", encoding: .utf8)
        yaml = yaml.replacing("brief: { agent: writer", with: "brief: { agent: researcher")
        folder.write("crew.yaml", yaml)
        let tools = try await cli.crew(["tools", folder.path, "--agent", "researcher"])
        #expect(tools.status == 0, "\(tools.stderr)")
        #expect(tools.stdout.contains("add  (tool `demo`, type mcp)\n    Adds two integers."), "\(tools.stdout)")
        let run = try await cli.crew(["run", folder.path], environment: ["CREW_TEST_KEY": "k"])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        let result = server.requests.compactMap { $0.toolResults.first?.content }.first
        #expect(result == "42")
    }

    @Test func toolCallsShowInLogsAndShow() async throws {
        let server = try await ProviderTestServer.start { request in
            let asked = request.json?.serialized().contains("BRIEF") == true
            guard asked, request.toolResults.isEmpty else { return .reply(text: "spring tides, twice a month") }
            return .toolCalls([ScriptedToolCall(id: "c1", name: "search_notes", arguments: #"{"query": "spring"}"#)])
        }
        defer { Task { try? await server.shutdown() } }
        let model =
            "{ provider: openai, model: test-model, base_url: \"\(server.baseURL)/v1\", api_key: \"${env:CREW_TEST_KEY}\" }"
        let folder = crewFolder(model: model)
        var yaml = try String(contentsOfFile: folder.path + "/crew.yaml", encoding: .utf8)
        yaml = yaml.replacing("brief: { agent: writer", with: "brief: { agent: researcher")
        folder.write("crew.yaml", yaml)
        let run = try await cli.crew(["run", folder.path], environment: ["CREW_TEST_KEY": "k"])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("`brief` calls search_notes(\"spring\")"))
        #expect(run.stdout.contains("1 tool call"))
        // The knowledge tool searched the compiled index: the model got the passage with its source and lines.
        let result = server.requests.compactMap { $0.toolResults.first?.content }.first ?? ""
        #expect(result.contains("notes/tides.md:") && result.contains("Spring tides come twice a month."), "\(result)")
        let runs = folder.path + "/.crew/runs"
        let logs = try await cli.crew(["logs", "last", "--runs-dir", runs])
        #expect(logs.stdout.contains("`brief` calls search_notes(\"spring\")"))
        #expect(logs.stdout.contains("`brief` search_notes returned"))
        let show = try await cli.crew(["show", "last", "--runs-dir", runs])
        #expect(show.stdout.contains("=== brief (succeeded)\ntool calls: 1\n  search_notes"))
        #expect(show.stdout.contains("chars\n\nspring tides, twice a month"))
    }

    @Test func delegationsShowNestedInShow() async throws {
        let server = try await ProviderTestServer.start { request in
            if request.lastUserText.contains("asks for your help") { return .reply(text: "twice a month") }
            guard request.toolResults.isEmpty else { return .reply(text: "the brief") }
            let question = #"{"agent": "researcher", "question": "How often are spring tides?"}"#
            return .toolCalls([ScriptedToolCall(id: "d1", name: "ask_agent", arguments: question)])
        }
        defer { Task { try? await server.shutdown() } }
        let model =
            "{ provider: openai, model: test-model, base_url: \"\(server.baseURL)/v1\", api_key: \"${env:CREW_TEST_KEY}\" }"
        let folder = crewFolder(model: model)
        let run = try await cli.crew(["run", folder.path], environment: ["CREW_TEST_KEY": "k"])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("`brief`: writer asks researcher: \"How often are spring tides?\""))
        let show = try await cli.crew(["show", "last", "--runs-dir", folder.path + "/.crew/runs"])
        #expect(show.stdout.contains("tool calls: 1, delegations: 1"))
        #expect(show.stdout.contains("\n  → researcher, asked by writer: \"How often are spring tides?\"\n"))
        #expect(show.stdout.contains("\n  ← researcher answered in"))
        #expect(show.stdout.contains("\n  ask_agent "))
    }
}

/// The reference MCP server of the CrewMCP tests, when python3 has the `mcp` module (or CI requires it).
enum MCPServer {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../CrewMCPTests/Servers/demo_server.py").standardizedFileURL.path

    static let available: Bool = {
        if ProcessInfo.processInfo.environment["CREW_REQUIRE_MCP"] == "1" { return true }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import mcp"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }()
}
