import ArgumentParser
import CrewCore
import CrewKit
import CrewSpec
import Foundation

/// The `crew` process's one engine (made on first use, so `crew --version` makes none), and the way every command
/// gets a plan and reports a failure.
package enum Engine {
    static let shared: CrewEngine = {
        var configuration = CrewEngine.Configuration()
        configuration.readsProjectEnvironmentFile = true
        return CrewEngine(configuration: configuration)
    }()

    /// A coded failure on stderr; the command then ends with `code`.
    package static func fail(_ error: any Error, exit code: Int32 = 1) -> ExitCode {
        Terminal.err(ErrorReport.text(error))
        return ExitCode(code)
    }

    /// The plan at `path`: a build artifact, or a crew compiled (its diagnostics on stderr) and, when it has
    /// knowledge, built into its `.crew/build` first. Any failure is reported and ends the command (exit 1).
    static func plan(at path: String, crewAI: CrewAIOptions = CrewAIOptions()) async throws -> RunnablePlan {
        do {
            if CrewEngine.isArtifact(path) { return try shared.load(artifact: path) }
            let compiled = Compilation.compile(path: path, crewAI: crewAI, format: .text, toStdout: false)
            guard compiled.succeeded else { throw ExitCode(1) }
            return try await shared.runnable(compiled)
        } catch let exit as ExitCode {
            throw exit
        } catch {
            throw fail(error)
        }
    }

    /// The artifact folder `crew query` reads: the path itself, or the crew built into its `.crew/build`.
    static func artifactFolder(for path: String) async throws -> String {
        if CrewEngine.isArtifact(path) { return path }
        let compiled = Compilation.compile(path: path, format: .text, toStdout: false)
        guard compiled.succeeded else { throw ExitCode(1) }
        do {
            return try await shared.build(compiled).folder
        } catch {
            throw fail(error)
        }
    }
}
