import CrewTestSupport
import Foundation
import Testing

/// The `crew` executable as a user runs it: exit codes, output formats, colour.
@Suite struct CLITests {
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static let binary: String = {
        let runner = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var folder = runner.deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: folder.appendingPathComponent("crew").path), folder.path != "/" {
            folder.deleteLastPathComponent()
        }
        return folder.appendingPathComponent("crew").path
    }()

    init() {}

    /// Runs `crew` and waits for it on a thread of its own: blocking a test's task would stall Swift's small
    /// cooperative pool (two threads here) and with it every other test's timers.
    func crew(_ arguments: [String], environment: [String: String] = [:], in folder: String? = nil) async throws
        -> Output
    {
        try await run(Self.binary, arguments, environment: environment, in: folder)
    }

    /// Runs any program the same way (git, for a repository a test makes).
    func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:], in folder: String? = nil)
        async throws -> Output
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { $1 }
        process.environment = env
        if let folder { process.currentDirectoryURL = URL(fileURLWithPath: folder) }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        return await withCheckedContinuation { continuation in
            Thread {
                let stdout = out.fileHandleForReading.readDataToEndOfFile()
                let stderr = err.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                continuation.resume(
                    returning: Output(
                        status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                        stderr: String(decoding: stderr, as: UTF8.self)))
            }.start()
        }
    }

    @Test func versionPrints() async throws {
        let out = try await crew(["--version"])
        #expect(out.status == 0)
        #expect(out.stdout.hasPrefix("0."))
    }

    @Test func exitCodesAreZeroOneTwo() async throws {
        #expect(try await crew(["validate", Fixtures.root + "/valid/minimal.yaml"]).status == 0)
        #expect(try await crew(["validate", Fixtures.root + "/invalid/cycle-three.yaml"]).status == 1)
        #expect(try await crew(["validate", "--format", "yaml"]).status == 2)
        #expect(try await crew(["validate", "--no-such-flag"]).status == 2)
        #expect(try await crew(["frobnicate"]).status == 2)
        #expect(try await crew(["validate", "/no/such/crew"]).status == 1)
    }

    @Test func validateSpeaksJSONAndGitHub() async throws {
        let path = Fixtures.root + "/invalid/unknown-task-agent.yaml"
        let json = try await crew(["validate", path, "--format", "json"])
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect(object?["errors"] as? Int == 1)
        let github = try await crew(["validate", path, "--format", "github"])
        #expect(github.stdout.hasPrefix("::error file="))
        #expect(github.stdout.contains(",line=18,col=12,"))
    }

    @Test func colourOnlyOnATerminalAndNeverWithNoColor() async throws {
        let path = Fixtures.root + "/invalid/unknown-task-agent.yaml"
        #expect(!(try await crew(["validate", path])).stdout.contains("\u{1B}["))
        #expect(!(try await crew(["validate", path], environment: ["NO_COLOR": "1"])).stdout.contains("\u{1B}["))
    }

    @Test func initMakesACrewThatBuildsAndGraphs() async throws {
        let folder = TemporaryFolder()
        let created = try await crew(["init", folder.path + "/starter"])
        #expect(created.status == 0, "\(created.stderr)")
        #expect(try await crew(["init", folder.path + "/starter"]).status == 1)  // never overwrites
        #expect(try await crew(["validate", folder.path + "/starter"]).status == 0)
        let built = try await crew(["build", folder.path + "/starter"])
        #expect(built.status == 0, "\(built.stderr)")
        #expect(FileManager.default.fileExists(atPath: folder.path + "/starter/.crew/build/manifest.json"))
        let dot = try await crew(["graph", folder.path + "/starter", "--format", "dot"])
        #expect(dot.stdout.hasPrefix("digraph"))
    }

    @Test func buildOfAnInvalidCrewWritesNothing() async throws {
        let folder = TemporaryFolder()
        let out = try await crew(["build", Fixtures.root + "/invalid/cycle-three.yaml", "-o", folder.path + "/out"])
        #expect(out.status == 1)
        #expect(out.stderr.contains("error[E204]"))
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/out"))
    }

    @Test func completionsAreGenerated() async throws {
        let out = try await crew(["completions", "bash"])
        #expect(out.status == 0 && out.stdout.contains("validate"))
        #expect(try await crew(["completions", "tcsh"]).status == 2)
    }
}
