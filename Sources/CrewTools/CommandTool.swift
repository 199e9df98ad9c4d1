import CrewCore
import Foundation

/// The `command` tool: runs one program with an argument list built from templates, never through a shell.
///
/// Plan entry: `program` (a name looked up on `PATH`, or a path; relative paths are relative to the crew's folder),
/// `args` (templates: `{name}` is a property of the call's arguments, `${env:...}`/`${file:...}` are references
/// resolved once at setup), `env` (variables for the program, references resolved once at setup), `input_schema`
/// (the JSON Schema of the call's arguments; an object with no properties by default), which is also the
/// descriptor's input schema, less crew's own keys.
///
/// Each template becomes exactly one argument, whatever its value holds (spaces, `;`, `$(...)`); how values are
/// filled in, and when one may start with `-`, is `CommandArguments`.
///
/// The program runs in the crew's folder with stdin from /dev/null and a `ChildEnvironment`: PATH, HOME, LANG and
/// TMPDIR of crew's environment plus `env`, nothing else. Exit status 0 gives a result with stdout and stderr (each
/// cut at `outputLimit` bytes, with full sizes); any other status is a `ToolFailure` with the same text. A
/// cancelled call stops the program's process group (SIGTERM, then SIGKILL after a second).
public struct CommandTool: AgentTool {
    public let descriptor: ToolDescriptor
    let executable: String
    let arguments: CommandArguments
    let environment: ChildEnvironment
    let directory: String
    let outputLimit: Int

    /// Builds the tool from its `plan.json` entry; a program that cannot be found, a malformed template or `env`,
    /// or an unset reference is a `ToolSetupError`. `outputLimit` caps each of stdout and stderr in a result.
    public init(
        name: String, config: JSONValue, context: ToolContext, outputLimit: Int = 256 * 1024,
        inheritedEnvironment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ToolSetupError) {
        let settings = ToolConfig(name: name, type: "command", config: config)
        let program = try settings.requiredString("program")
        guard let executable = ProgramLocator.find(program, crewFolder: context.crewFolder) else {
            throw settings.failure("program `\(program)` was not found (looked on PATH) or is not executable")
        }
        let schema = try Self.inputSchema(settings)
        let sources = try settings.strings("args")
        arguments = try CommandArguments(
            program: program, sources: sources, schema: schema, settings: settings, context: context)
        environment = ChildEnvironment(
            from: inheritedEnvironment, declared: try Self.declaredEnvironment(settings, context))
        self.executable = executable
        self.directory = context.crewFolder
        self.outputLimit = max(1, outputLimit)
        let shown = ([program] + sources).joined(separator: " ")
        descriptor = ToolDescriptor(
            name: name,
            description: settings.description(
                default: "Runs the command `\(shown)`, with `{name}` filled from the call's arguments, and returns "
                    + "its exit status, stdout and stderr."),
            inputSchema: CommandArguments.modelSchema(schema))
    }

    private static func inputSchema(_ settings: ToolConfig) throws(ToolSetupError) -> JSONValue {
        guard let schema = settings.config["input_schema"], schema != .null else {
            return .object(["type": .string("object"), "properties": .object([:])])
        }
        guard var members = schema.objectValue else { throw settings.failure("`input_schema` must be a mapping") }
        if members["type"] == nil { members["type"] = .string("object") }
        return .object(members)
    }

    /// `env`, resolved: each value's references go through `context`, which records them as secrets.
    private static func declaredEnvironment(_ settings: ToolConfig, _ context: ToolContext) throws(ToolSetupError)
        -> [String: String]
    {
        var out: [String: String] = [:]
        for (name, source) in try settings.stringPairs("env") {
            guard !name.isEmpty, !name.contains("="), !name.contains("\0") else {
                throw settings.failure("`env` name `\(name)` is not a variable name")
            }
            let value = try settings.resolve(source, context, what: "`env.\(name)`")
            guard !value.contains("\0") else { throw settings.failure("`env.\(name)` contains a NUL byte") }
            out[name] = value
        }
        return out
    }

    /// The argument vector for one call (see `CommandArguments`).
    func argv(for call: JSONValue) throws(ToolFailure) -> [String] {
        try arguments.argv(for: call)
    }

    public func call(_ arguments: JSONValue) async throws(ToolFailure) -> String {
        let argv = try argv(for: arguments)
        let output = try await ProcessRunner.run(
            executable: executable, arguments: argv, environment: environment, directory: directory,
            outputLimit: outputLimit)
        let report = Self.report(output)
        if output.stopped { throw ToolFailure("the command was stopped before it finished\n" + report) }
        guard output.termination == .exited(0) else { throw ToolFailure(report) }
        return report
    }

    static func report(_ output: ProcessOutput) -> String {
        [output.termination.resultLine, section("stdout", output.stdout), section("stderr", output.stderr)]
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
