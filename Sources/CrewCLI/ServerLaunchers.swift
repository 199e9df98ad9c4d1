import ArgumentParser
import CrewMCPLink
import Foundation

/// `crew serve` and `crew token`: the program `crew-server` runs them, found next to `crew` (or at `CREW_SERVER`),
/// with the arguments as they are. `crew` does not link the server, which made every command's start slower (see
/// `HelperProgram.server`); `crew serve --help` is crew-server's own help.
struct ServeLauncher: ServerLauncher {
    static let configuration = CommandConfiguration.crew(
        "serve", abstract: "Serve a folder of crews over HTTP (API v1, live events).",
        discussion: "Runs `crew-server serve`: `crew serve --help` lists its options.")

    @Argument(parsing: .captureForPassthrough, help: "What `crew serve --help` lists.")
    var arguments: [String] = []
}

struct TokenLauncher: ServerLauncher {
    static let configuration = CommandConfiguration.crew(
        "token", abstract: "Manage the API tokens of `crew serve`.",
        discussion: "Runs `crew-server token`: `crew token --help` lists its commands.")

    @Argument(parsing: .captureForPassthrough, help: "What `crew token --help` lists.")
    var arguments: [String] = []
}

/// A command of `crew` that `crew-server` runs: its name and its arguments are handed over.
protocol ServerLauncher: ParsableCommand {
    var arguments: [String] { get }
}

extension ServerLauncher {
    func run() throws {
        try ServerProgram.replaceProcess(command: Self.configuration.commandName ?? "", arguments)
    }
}

enum ServerProgram {
    /// Replaces this process with `crew-server COMMAND ARGUMENTS...` (same environment, same file descriptors), so
    /// that signals, exit codes and output are the server's own. Returns only by throwing.
    static func replaceProcess(command: String, _ arguments: [String]) throws -> Never {
        let path: String
        do {
            path = try HostLocator.locate(.server, environment: ProcessInfo.processInfo.environment)
        } catch {
            throw Engine.fail(error)
        }
        let argv = [path, command] + arguments
        var pointers = argv.map { strdup($0) }
        pointers.append(nil)
        execv(path, pointers)
        let reason = String(cString: strerror(errno))
        throw Engine.fail(ExecFailure(message: "cannot start \(path): \(reason)"))
    }

    struct ExecFailure: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}
