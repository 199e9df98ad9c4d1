import ArgumentParser
import CrewCLI
import CrewCore

/// `crew-server`: the program behind `crew serve` and `crew token`, which `crew` runs with its arguments as given.
/// It names itself `crew` so that its help and errors read as the commands the user typed.
public struct ServerCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "crew", abstract: "The server of crew: `crew serve` and `crew token`.",
        version: CrewVersion.current, subcommands: [ServeCommand.self, TokenCommand.self])

    public init() {}

    public static func runAndExit(_ arguments: [String] = Array(CommandLine.arguments.dropFirst())) async -> Never {
        await CommandMain.run(Self.self, arguments)
    }
}
