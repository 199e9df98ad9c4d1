import CrewCore
import Foundation

/// The `command` tool: runs one program with an argument list built from templates, never through a shell.
///
/// Plan entry: `program` (a name looked up on `PATH`, or a path; relative paths are relative to the crew's folder),
/// `args` (templates: `{name}` is a property of the call's arguments, `${env:...}`/`${file:...}` are references
/// resolved once at setup), `input_schema` (the JSON Schema of the call's arguments; an object with no properties
/// by default), which is also the descriptor's input schema.
///
/// Each template becomes exactly one argument, whatever its value holds (spaces, `;`, `$(...)`). A template that
/// uses a property the call leaves out (or sets to null) is dropped as a whole, so optional flags like `--max={n}`
/// disappear rather than arrive half-filled. Strings are passed as they are, integers and booleans as JSON text,
/// arrays and objects as JSON.
///
/// The program runs in the crew's folder with stdin from /dev/null. Exit status 0 gives a result with stdout and
/// stderr (each cut at `outputLimit` bytes, with full sizes); any other status is a `ToolFailure` with the same
/// text. A cancelled call stops the program's process group (SIGTERM, then SIGKILL after a second).
public struct CommandTool: AgentTool {
    public let descriptor: ToolDescriptor
    let executable: String
    let arguments: [[ArgumentPiece]]
    let directory: String
    let outputLimit: Int

    enum ArgumentPiece: Equatable {
        case text(String)
        case input(String)
    }

    /// Builds the tool from its `plan.json` entry; a program that cannot be found, a malformed template or an
    /// unset reference is a `ToolSetupError`. `outputLimit` caps each of stdout and stderr in a result.
    public init(name: String, config: JSONValue, context: ToolContext, outputLimit: Int = 256 * 1024)
        throws(ToolSetupError)
    {
        let settings = ToolConfig(name: name, type: "command", config: config)
        let program = try settings.requiredString("program")
        guard let executable = ProgramLocator.find(program, crewFolder: context.crewFolder) else {
            throw settings.failure("program `\(program)` was not found (looked on PATH) or is not executable")
        }
        var arguments: [[ArgumentPiece]] = []
        for source in try settings.strings("args") {
            arguments.append(try Self.pieces(source, settings, context))
        }
        let schema = try Self.inputSchema(settings)
        self.executable = executable
        self.arguments = arguments
        self.directory = context.crewFolder
        self.outputLimit = max(1, outputLimit)
        let shown = ([program] + (try settings.strings("args"))).joined(separator: " ")
        descriptor = ToolDescriptor(
            name: name,
            description: settings.description(
                default: "Runs the command `\(shown)`, with `{name}` filled from the call's arguments, and returns "
                    + "its exit status, stdout and stderr."),
            inputSchema: schema)
    }

    private static func pieces(_ source: String, _ settings: ToolConfig, _ context: ToolContext)
        throws(ToolSetupError) -> [ArgumentPiece]
    {
        let (template, problems) = TemplateParser.parse(
            source, at: SourceLocation(file: "plan.json", line: 1, column: 1), inputs: true)
        if let problem = problems.first { throw settings.failure("argument `\(source)`: \(problem.message)") }
        var pieces: [ArgumentPiece] = []
        for segment in template.segments {
            switch segment {
            case .text(let text): pieces.append(.text(text))
            case .input(let name): pieces.append(.input(name))
            case .env, .file:
                do {
                    pieces.append(.text(try context.reference(segment)))
                } catch {
                    throw settings.failure("argument `\(source)`: \(error.message)")
                }
            }
        }
        return pieces
    }

    private static func inputSchema(_ settings: ToolConfig) throws(ToolSetupError) -> JSONValue {
        guard let schema = settings.config["input_schema"], schema != .null else {
            return .object(["type": .string("object"), "properties": .object([:])])
        }
        guard var members = schema.objectValue else { throw settings.failure("`input_schema` must be a mapping") }
        if members["type"] == nil { members["type"] = .string("object") }
        return .object(members)
    }

    /// The argument vector for one call; nil entries (templates with a missing property) are left out.
    func argv(for call: JSONValue) throws(ToolFailure) -> [String] {
        var out: [String] = []
        nextArgument: for pieces in arguments {
            var text = ""
            for piece in pieces {
                switch piece {
                case .text(let literal): text += literal
                case .input(let name):
                    guard let value = call[name], value != .null else { continue nextArgument }
                    text += Self.text(of: value)
                }
            }
            guard !text.contains("\0") else { throw ToolFailure("an argument contains a NUL byte") }
            out.append(text)
        }
        return out
    }

    static func text(of value: JSONValue) -> String {
        switch value {
        case .string(let text): text
        case .double(let number) where number == number.rounded() && abs(number) < 1e15: String(Int(number))
        default: value.serialized()
        }
    }

    public func call(_ arguments: JSONValue) async throws(ToolFailure) -> String {
        let argv = try argv(for: arguments)
        let output = try await ProcessRunner.run(
            executable: executable, arguments: argv, directory: directory, outputLimit: outputLimit)
        let report = Self.report(output)
        if output.stopped { throw ToolFailure("the command was stopped before it finished\n" + report) }
        guard output.termination == .exited(0) else { throw ToolFailure(report) }
        return report
    }

    static func report(_ output: ProcessOutput) -> String {
        [output.termination.description, section("stdout", output.stdout), section("stderr", output.stderr)]
            .joined(separator: "\n")
    }

    private static func section(_ name: String, _ captured: CapturedOutput) -> String {
        guard captured.total > 0 else { return "--- \(name): empty ---" }
        var text = "--- \(name) (\(captured.total) bytes) ---\n"
        text += String(decoding: HTTPResult.completeUTF8(captured.bytes), as: UTF8.self)
        if captured.total > captured.bytes.count {
            text += "\n[cut after the first \(captured.bytes.count) bytes of \(captured.total)]"
        }
        return text
    }
}

/// Finds the program a `command` tool runs, once at setup.
enum ProgramLocator {
    static func find(_ program: String, crewFolder: String) -> String? {
        guard !program.contains("\0") else { return nil }
        if program.contains("/") {
            let path = program.hasPrefix("/") ? program : crewFolder + "/" + program
            return isExecutable(path) ? path : nil
        }
        let searchPath = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        // Relative PATH entries (`.`) are skipped: the program must not depend on where crew was started.
        for folder in searchPath.split(separator: ":") where folder.hasPrefix("/") {
            let candidate = "\(folder)/\(program)"
            if isExecutable(candidate) { return candidate }
        }
        return nil
    }

    private static func isExecutable(_ path: String) -> Bool {
        var isFolder: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) && !isFolder.boolValue
            && FileManager.default.isExecutableFile(atPath: path)
    }
}
