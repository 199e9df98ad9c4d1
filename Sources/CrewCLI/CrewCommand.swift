import ArgumentParser
import CrewCore
import CrewSpec
import Foundation

/// `crew`: the root command. Usage errors exit 2, invalid crews exit 1.
public struct CrewCommand: AsyncParsableCommand {
    /// The program's name, which each subcommand also names as its super command (see `parsedAlone`).
    static let name = "crew"

    public static let configuration = CommandConfiguration(
        commandName: name,
        abstract: "Compile and run teams of LLM agents declared in YAML.",
        version: CrewVersion.current,
        subcommands: [
            ValidateCommand.self, BuildCommand.self, GraphCommand.self, RunCommand.self, RunsCommand.self,
            ShowCommand.self, LogsCommand.self, StatsCommand.self, ModelsCommand.self, QueryCommand.self,
            ToolsCommand.self, TestCommand.self, DiffCommand.self, PlanCommand.self, ServeLauncher.self,
            TokenLauncher.self,
            InitCommand.self, CompletionsCommand.self,
        ]
    )

    public init() {}

    /// A command parsed from the arguments, to be run. Parsed on the main thread and run on an event loop, and never
    /// shared: `crew` parses while the event loops start (`EventLoopJobs.takeOver`).
    public struct Parsed: @unchecked Sendable {
        let command: any ParsableCommand
    }

    /// Parses the arguments on the calling thread; a usage error, `--help` or `--version` is answered, and exits.
    public static func parseCommand(_ arguments: [String] = Array(CommandLine.arguments.dropFirst())) -> Parsed {
        Parsed(command: parsedAlone(arguments) ?? CommandMain.parse(Self.self, arguments))
    }

    /// Runs a parsed command and exits with the documented code.
    public static func run(_ parsed: Parsed) async -> Never {
        await CommandMain.execute(parsed.command, root: Self.self)
    }

    /// The subcommand the arguments start with, parsed as a root of its own; nil when they name none, or when it does
    /// not parse that way, and the root parses them instead. Parsed from the root, ArgumentParser first reflects two
    /// hidden commands to look for a completion-script request: 8 M of the 127 M instructions `crew run` spent
    /// before its first request (Benchmarks/orchestration/README.md). A subcommand skips that as a root only when it
    /// names a super command (`CommandConfiguration.crew`). Help, `--version`, completion requests and every usage
    /// error go through the root, so they read exactly as they always did.
    package static func parsedAlone(_ arguments: [String]) -> (any ParsableCommand)? {
        guard let name = arguments.first,
            let leaf = configuration.subcommands.first(where: {
                $0._commandName == name && $0.configuration._superCommandName == Self.name
            })
        else { return nil }
        // `--help` parses as ArgumentParser's help command, for the root to answer.
        guard let command = try? leaf.parseAsRoot(Array(arguments.dropFirst())), type(of: command) == leaf else {
            return nil
        }
        return command
    }
}

extension CommandConfiguration {
    /// A subcommand of `crew`, which names `crew` as its super command: parsed on its own, it is still `crew <name>`
    /// (`CrewCommand.parsedAlone`).
    static func crew(_ name: String, abstract: String, discussion: String = "") -> CommandConfiguration {
        CommandConfiguration(
            commandName: name, _superCommandName: CrewCommand.name, abstract: abstract, discussion: discussion)
    }
}

/// How a program of commands runs (`crew`, `crew-server`): parse, run, and exit with the documented code.
package enum CommandMain {
    package static func run<Root: ParsableCommand>(_ root: Root.Type, _ arguments: [String]) async -> Never {
        await execute(parse(root, arguments), root: root)
    }

    /// The command `arguments` name under `root`; a usage error, help or a version request is answered, and exits.
    package static func parse<Root: ParsableCommand>(_ root: Root.Type, _ arguments: [String]) -> any ParsableCommand {
        do {
            return try root.parseAsRoot(arguments)
        } catch {
            exit(root, error)
        }
    }

    /// Runs a parsed command; `root` reports its errors.
    package static func execute<Root: ParsableCommand>(_ parsed: any ParsableCommand, root: Root.Type) async -> Never {
        var command = parsed
        do {
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            Foundation.exit(0)
        } catch {
            exit(root, error)
        }
    }

    /// Exits with the documented code for `error`, after its message.
    private static func exit<Root: ParsableCommand>(_ root: Root.Type, _ error: any Error) -> Never {
        if let code = error as? ExitCode { Foundation.exit(code.rawValue) }
        let code = root.exitCode(for: error)
        let message = root.fullMessage(for: error)
        if code == .success {
            print(message)
            Foundation.exit(0)
        }
        FileHandle.standardError.write(Data((message + "\n").utf8))
        // Every parse or argument error is a usage error; the documented code for those is 2.
        Foundation.exit(code == .validationFailure ? 2 : code.rawValue)
    }
}

/// Options shared by the commands that read a crew.
struct CrewPathOptions: ParsableArguments {
    @Argument(help: "A crew file, a folder with crew.yaml, or a crewAI project folder.", completion: .file())
    var path: String = "."

    @Option(
        help: ArgumentHelp(
            "A crewAI project's Python: its own tools run there, through crew's bridge (this runs the project's code).",
            valueName: "PATH"), completion: .file())
    var python: String?

    /// How a crewAI project is read: `--python` made absolute, so that the bridge finds it from the crew's folder.
    var crewAI: CrewAIOptions {
        guard let python, python.contains("/"), !python.hasPrefix("/") else { return CrewAIOptions(python: python) }
        return CrewAIOptions(python: FileManager.default.currentDirectoryPath + "/" + python)
    }
}
