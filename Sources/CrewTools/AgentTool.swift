import CrewCore

/// Something an agent can call. The runtime parses the model's arguments and checks them against
/// `descriptor.inputSchema` before `call`, caps the result, applies the tool's timeout by cancelling the calling task,
/// and records everything; a tool only does its one job.
public protocol AgentTool: Sendable {
    var descriptor: ToolDescriptor { get }
    /// Runs one call. A failure the model should read (a refused URL, a missing file, a non-zero exit) is thrown as
    /// a `ToolFailure`; the task goes on. Must return promptly (with any error) when the calling task is cancelled.
    func call(_ arguments: JSONValue) async throws(ToolFailure) -> String
    /// Releases what the tool holds (an HTTP client, a server process); called once when the run ends.
    func close() async
}

extension AgentTool {
    public func close() async {}
}

/// Why a call failed, in words for the model (and the run record): what went wrong and, when it helps, what to do.
/// Never contains a secret.
public struct ToolFailure: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}

/// Why a tool cannot be set up at all (a bad setting in the plan, an unset `${env:...}`, an MCP server that does not
/// start). This stops the run before any task starts, with a message naming the tool.
public struct ToolSetupError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}

/// What tools need from the run that hosts them.
public struct ToolContext: Sendable {
    /// The crew's folder: `file` tool roots are relative to it.
    public var crewFolder: String
    /// The value of a `${env:NAME}` or `${file:PATH}` segment (`.env`/`.file`). The runtime records every value it
    /// hands out so that it is scrubbed from records and logs. Throws when the reference is unset or unreadable;
    /// the message names the reference, never a value.
    public var reference: @Sendable (Template.Segment) throws(ToolSetupError) -> String

    public init(
        crewFolder: String, reference: @escaping @Sendable (Template.Segment) throws(ToolSetupError) -> String
    ) {
        self.crewFolder = crewFolder
        self.reference = reference
    }

    /// A template from the plan (`${env:...}` and `${file:...}` references, braces literal) with every reference
    /// filled in.
    public func resolve(_ source: String) throws(ToolSetupError) -> String {
        let (template, problems) = TemplateParser.parse(
            source, at: SourceLocation(file: "plan.json", line: 1, column: 1), inputs: false)
        if let problem = problems.first { throw ToolSetupError(problem.message) }
        var out = ""
        for segment in template.segments {
            switch segment {
            case .text(let text): out += text
            case .input(let name): out += "{\(name)}"
            case .env, .file: out += try reference(segment)
            }
        }
        return out
    }
}
