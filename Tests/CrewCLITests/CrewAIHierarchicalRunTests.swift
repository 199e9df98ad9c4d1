import CrewCore
import CrewTestSupport
import Foundation
import Testing

/// A crewAI project with `Process.hierarchical` and `manager_llm`, run against the provider test server: the
/// manager (crewAI's "Crew Manager", on the manager model) runs every task and delegates it through `ask_agent`, to
/// the task's own agent when it has one and to any agent when it has none; workers answer on the default model
/// that `MODEL` in the project's `.env` names.
@Suite struct CrewAIHierarchicalRunTests {
    let cli = CLITests()

    static func project(_ provider: ProviderTestServer) -> TemporaryFolder {
        let folder = TemporaryFolder(prefix: "crew-hierarchical")
        folder.write(
            "proj/config/agents.yaml",
            """
            researcher:
              role: Researcher
              goal: Find facts about {topic}
            writer:
              role: Writer
              goal: Write about {topic}
            """)
        folder.write(
            "proj/config/tasks.yaml",
            """
            research_task:
              description: Research {topic}
              expected_output: Five facts
            write_task:
              description: Write a short piece on {topic}
              expected_output: One paragraph
              agent: writer
            """)
        folder.write(
            "proj/crew.py",
            """
            from crewai import Agent, Crew, Process, Task
            from crewai.project import CrewBase, agent, crew, task


            @CrewBase
            class Newsroom:
                @agent
                def researcher(self) -> Agent:
                    return Agent(config=self.agents_config["researcher"])

                @agent
                def writer(self) -> Agent:
                    return Agent(config=self.agents_config["writer"])

                @task
                def research_task(self) -> Task:
                    return Task(config=self.tasks_config["research_task"])

                @task
                def write_task(self) -> Task:
                    return Task(config=self.tasks_config["write_task"])

                @crew
                def crew(self) -> Crew:
                    return Crew(agents=self.agents, tasks=self.tasks, process=Process.hierarchical,
                                manager_llm="gpt-manager")
            """)
        folder.write(
            "proj/.env", "OPENAI_API_KEY=sk-hier-canary-31\nOPENAI_BASE_URL=\(provider.baseURL)/v1\nMODEL=gpt-worker\n")
        return folder
    }

    /// The `agent` values `ask_agent` offers in a request, if it offers the tool.
    static func colleagues(_ request: RecordedRequest) -> [String]? {
        let tools = request.json?["tools"]?.arrayValue ?? []
        let ask = tools.first { $0["function"]?["name"]?.stringValue == "ask_agent" }
        return ask?["function"]?["parameters"]?["properties"]?["agent"]?["enum"]?.arrayValue?.compactMap(\.stringValue)
    }

    @Test func theManagerRunsEveryTaskAndDelegatesAsCrewAIDoes() async throws {
        let provider = try await ProviderTestServer.start { request in
            guard request.model == "gpt-manager" else { return .reply(text: "worker answer") }
            guard request.toolResults.isEmpty else { return .reply(text: "manager final") }
            let colleague = Self.colleagues(request)?.first ?? "nobody"
            return .toolCalls([
                ScriptedToolCall(
                    id: "ask1", name: "ask_agent", arguments: #"{"agent": "\#(colleague)", "question": "Please help"}"#)
            ])
        }
        defer { Task { try? await provider.shutdown() } }
        let folder = Self.project(provider)
        let run = try await cli.crew(["run", folder.path + "/proj", "--input", "topic=tides"])
        #expect(run.status == 0, "\(run.stderr)")
        let managers = provider.requests.filter { $0.model == "gpt-manager" && $0.toolResults.isEmpty }
        #expect(managers.count == 2)
        #expect(managers.allSatisfy { $0.systemText?.contains("Crew Manager") == true })
        // research_task has no agent: any agent; write_task names `writer`: only that one.
        #expect(managers.compactMap(Self.colleagues).map { $0.sorted() } == [["researcher", "writer"], ["writer"]])
        let workers = provider.requests.filter { $0.model == "gpt-worker" }
        #expect(workers.count == 2)
        #expect(workers.contains { $0.systemText?.contains("Researcher") == true })
        #expect(workers.contains { $0.systemText?.contains("Writer") == true })
        #expect(provider.requests.allSatisfy { $0.header("Authorization") == "Bearer sk-hier-canary-31" })
    }

    /// Without `manager_llm` or `manager_agent` crewAI refuses the crew, and so does crew, at the process.
    @Test func aHierarchicalCrewWithoutAManagerIsRefused() async throws {
        let provider = try await ProviderTestServer.start { _ in .reply(text: "unused") }
        defer { Task { try? await provider.shutdown() } }
        let folder = Self.project(provider)
        let crewPy = folder.path + "/proj/crew.py"
        let text = try String(contentsOfFile: crewPy, encoding: .utf8)
        try text.replacingOccurrences(of: ",\n                    manager_llm=\"gpt-manager\"", with: "")
            .write(toFile: crewPy, atomically: true, encoding: .utf8)
        let run = try await cli.crew(["validate", folder.path + "/proj"])
        #expect(run.status == 1)
        #expect(run.stdout.contains("error[E303]: a hierarchical crew needs `manager_llm` or `manager_agent`"))
        #expect(provider.requests.isEmpty)
    }
}
