import CrewBuild
import CrewCore
import CrewDocuments
import CrewSpec
import CrewTestSupport
import Testing

/// The `env` of a `command` tool: decoded, checked for literal secrets, and written to the plan as references.
@Suite struct CommandEnvTests {
    func crew(env: String) -> String {
        """
        version: 1
        name: env
        models:
          m: { provider: mock, model: m }
        tools:
          run:
            type: command
            program: env
            env: \(env)
        agents:
          a: { role: R, goal: G, tools: [run] }
        tasks:
          t: { agent: a, description: D }

        """
    }

    @Test func referencesAndPlainValuesAreAcceptedAndKeptAsWritten() throws {
        let folder = TemporaryFolder()
        let compiled = Compiler.compile(
            path: folder.write("crew.yaml", crew(env: #"{ API_TOKEN: "${env:TOKEN}", MODE: fast }"#)))
        #expect(compiled.diagnostics.items.filter { $0.severity == .error }.isEmpty, "\(compiled.diagnostics.items)")
        let validated = try #require(compiled.validated)
        let plan = try #require(compiled.plan)
        let json = PlanBuilder.document(validated, plan).json
        #expect(
            json["tools"]?["run"]?["env"] == .object(["API_TOKEN": .string("${env:TOKEN}"), "MODE": .string("fast")]))
    }

    @Test func aLiteralSecretIsRefused() {
        let folder = TemporaryFolder()
        let compiled = Compiler.compile(path: folder.write("crew.yaml", crew(env: "{ API_TOKEN: hunter2-literal }")))
        #expect(compiled.diagnostics.items.map(\.code).contains("E130"))
    }
}
