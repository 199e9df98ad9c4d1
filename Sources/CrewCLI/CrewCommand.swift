import ArgumentParser
import CrewCore
import CrewSpec
import Foundation

/// `crew`: the root command. Usage errors exit 2, invalid crews exit 1.
public struct CrewCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "crew",
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

    /// Parses the process arguments, runs the command and exits with the documented code.
    public static func runAndExit(_ arguments: [String] = Array(CommandLine.arguments.dropFirst())) async -> Never {
        await CommandMain.run(Self.self, arguments)
    }
}

/// How a program of commands runs (`crew`, `crew-server`): parse, run, and exit with the documented code.
package enum CommandMain {
    package static func run<Root: ParsableCommand>(_ root: Root.Type, _ arguments: [String]) async -> Never {
        do {
            var command = try root.parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            Foundation.exit(0)
        } catch let code as ExitCode {
            Foundation.exit(code.rawValue)
        } catch {
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
