import ArgumentParser
import CrewCLI
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
