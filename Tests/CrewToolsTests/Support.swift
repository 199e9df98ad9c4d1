import CrewCore
import Testing

@testable import CrewTools

/// A context whose `${env:NAME}` values come from `env`; anything else is unset.
func testContext(folder: String = "/nonexistent", env: [String: String] = [:]) -> ToolContext {
    ToolContext(crewFolder: folder) { segment throws(ToolSetupError) -> String in
        switch segment {
        case .env(let name):
            guard let value = env[name] else { throw ToolSetupError("environment variable `\(name)` is not set") }
            return value
        case .file(let path): throw ToolSetupError("file `\(path)` is not readable")
        case .text(let text): return text
        case .input(let name): return "{\(name)}"
        }
    }
}

/// The failure message of a call that must fail; records an issue when it succeeds.
func failure(_ tool: some AgentTool, _ arguments: JSONValue, sourceLocation: Testing.SourceLocation = #_sourceLocation)
    async -> String
{
    do {
        let result = try await tool.call(arguments)
        Issue.record("expected a failure, got: \(result.prefix(300))", sourceLocation: sourceLocation)
        return ""
    } catch {
        return error.message
    }
}

func object(_ members: [String: String]) -> JSONValue {
    .object(members.mapValues { .string($0) })
}

extension JSONValue {
    static func args(_ members: [String: JSONValue]) -> JSONValue { .object(members) }
}
