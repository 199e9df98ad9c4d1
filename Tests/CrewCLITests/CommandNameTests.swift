import ArgumentParser
import CrewCLI
import CrewCore
import CrewServeCLI
import Foundation
import Testing

@Suite struct CommandNameTests {
    /// Every command names itself, in `crew` and in `crew-server`. ArgumentParser otherwise makes a name from the
    /// type's, through reflection and run-time protocol lookups, at every start, `crew --version` included.
    @Test func everyCommandNamesItself() {
        var pending: [any ParsableCommand.Type] = [CrewCommand.self, ServerCommand.self]
        var seen = 0
        while let command = pending.popLast() {
            #expect(command.configuration.commandName != nil, "\(command)")
            pending += command.configuration.subcommands
            seen += 1
        }
        #expect(seen >= 25)
    }
}

/// A subcommand named first is parsed as a root of its own (`CrewCommand.parsedAlone`) when it parses that way:
/// the same command as below `crew`, and everything else (help, usage errors, `--version`) from the root, as before.
@Suite struct LeafCommandTests {
    let cli = CLITests()

    @Test(arguments: [
        ["run", "crew.yaml", "--quiet", "--max-parallel", "4", "--runs-dir", "r", "--input", "topic=x"],
        ["run", "--resume", "20261205-101010-abcd", "."], ["validate", "x.yaml", "--format", "json"],
        ["build", ".", "--output", "out", "--quiet"], ["show", "last"], ["logs", "last", "--json"], ["stats"],
        ["init", "folder"], ["completions", "zsh"],
        ["serve", "--port", "1"], ["token", "list"],
    ])
    func aSubcommandParsesAloneAsBelowTheRoot(arguments: [String]) throws {
        let alone = try #require(CrewCommand.parsedAlone(arguments))
        let below = try CrewCommand.parseAsRoot(arguments)
        #expect(String(reflecting: alone) == String(reflecting: below))
    }

    @Test(arguments: [
        [], ["--version"], ["help", "run"], ["no-such-command"], ["run", "--help"], ["run", "--no-such-option"],
        ["validate", "--version"], ["show", "a", "b", "c"], ["run", "--generate-completion-script", "bash"],
    ])
    func theRestGoesToTheRoot(arguments: [String]) {
        #expect(CrewCommand.parsedAlone(arguments) == nil)
    }

    @Test func helpAndUsageErrorsReadAsBelowTheRoot() async throws {
        let help = try await cli.crew(["run", "--help"])
        #expect(help.status == 0 && help.stdout.contains("USAGE: crew run [<options>] [<path>]"))
        let wrong = try await cli.crew(["validate", "--no-such-option"])
        #expect(wrong.status == 2 && wrong.stderr.contains("See 'crew validate --help' for more information."))
        let version = try await cli.crew(["validate", "--version"])
        #expect(version.status == 0 && version.stdout == CrewVersion.current + "\n")
    }
}

/// `crew serve` and `crew token` are run by `crew-server`, next to `crew`: arguments, output and exit codes pass
/// through unchanged, and a missing `crew-server` is a clear error.
@Suite struct ServerLauncherTests {
    let cli = CLITests()

    @Test func argumentsOutputAndExitCodesAreTheServers() async throws {
        let help = try await cli.crew(["serve", "--help"])
        #expect(help.status == 0 && help.stdout.contains("USAGE: crew serve [<options>] [<crews-dir>]"))
        #expect(help.stdout.contains("--max-runs"))
        let wrong = try await cli.crew(["serve", "--max-runs", "0"])
        #expect(wrong.status == 2 && wrong.stderr.contains("--max-runs must be from 1 to 10000"))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("launcher-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let list = try await cli.crew(["token", "list", "--data", folder.path])
        #expect(list.status == 0 && list.stdout == "no tokens in \(folder.path)\n")
        let listed = try await cli.crew(["--help"])
        #expect(listed.stdout.contains("serve") && listed.stdout.contains("token"))
    }

    @Test func aMissingServerProgramIsAClearError() async throws {
        let missing = try await cli.crew(["serve", "--help"], environment: ["CREW_SERVER": "/nonexistent/crew-server"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("run the program `crew-server`, which is not there"))
        #expect(missing.stderr.contains("CREW_SERVER"))
        let folder = try await cli.crew(["token", "list"], environment: ["CREW_SERVER": "/tmp"])
        #expect(folder.status == 1 && folder.stderr.contains("is not an executable file"))
    }
}
