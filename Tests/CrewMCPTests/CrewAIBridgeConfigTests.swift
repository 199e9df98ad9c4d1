import CrewCore
import CrewTestSupport
import CrewTools
import Foundation
import Testing

@testable import CrewMCPLink

/// The plan's `crewai_bridge` entry becomes the bridge's command line, with the bridge's source carried in the
/// binary exactly as Python/crewai_bridge.py has it.
@Suite struct CrewAIBridgeConfigTests {
    @Test func theEmbeddedSourceIsTheFile() throws {
        let file = try String(contentsOfFile: Fixtures.packageRoot + "/Python/crewai_bridge.py", encoding: .utf8)
        #expect(CrewAIBridgeSource.text == file, "Python/crewai_bridge.py changed: run scripts/embed.py")
    }

    @Test func aBridgeEntryStartsThePythonWithTheSourceAndEachTool() throws {
        let config = JSONValue.object([
            "crewai_bridge": .object([
                "python": .string(".venv/bin/python"),
                "tools": .array([.string("demo.tools:Search"), .string(#"demo.tools:Greeter:{"greeting":"Ahoy"}"#)]),
            ])
        ])
        let endpoint = try ServerConfig.bridgeProcess(config["crewai_bridge"]!, tool: "search")
        guard case .process(let command, let arguments, let environment) = endpoint else {
            return #expect(Bool(false))
        }
        #expect(command == ".venv/bin/python")
        #expect(arguments.first == "-c" && arguments[1] == CrewAIBridgeSource.text)
        #expect(
            Array(arguments.dropFirst(2)) == [
                "--root", ".", "--tool", "demo.tools:Search", "--tool", #"demo.tools:Greeter:{"greeting":"Ahoy"}"#,
            ])
        #expect(environment == ["PYTHONDONTWRITEBYTECODE": "1"])
        #expect(throws: ToolSetupError.self) {
            try ServerConfig.bridgeProcess(.object(["python": .string("python3")]), tool: "search")
        }
    }
}
