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

    func crew(_ arguments: [String], environment: [String: String] = [:], in folder: String? = nil) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
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
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }

    @Test func versionPrints() throws {
        let out = try crew(["--version"])
        #expect(out.status == 0)
        #expect(out.stdout.hasPrefix("0."))
    }

    @Test func exitCodesAreZeroOneTwo() throws {
        #expect(try crew(["validate", Fixtures.root + "/valid/minimal.yaml"]).status == 0)
        #expect(try crew(["validate", Fixtures.root + "/invalid/cycle-three.yaml"]).status == 1)
        #expect(try crew(["validate", "--format", "yaml"]).status == 2)
        #expect(try crew(["validate", "--no-such-flag"]).status == 2)
        #expect(try crew(["frobnicate"]).status == 2)
        #expect(try crew(["validate", "/no/such/crew"]).status == 1)
    }

    @Test func validateSpeaksJSONAndGitHub() throws {
        let path = Fixtures.root + "/invalid/unknown-task-agent.yaml"
        let json = try crew(["validate", path, "--format", "json"])
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect(object?["errors"] as? Int == 1)
        let github = try crew(["validate", path, "--format", "github"])
        #expect(github.stdout.hasPrefix("::error file="))
        #expect(github.stdout.contains(",line=18,col=12,"))
    }

    @Test func colourOnlyOnATerminalAndNeverWithNoColor() throws {
        let path = Fixtures.root + "/invalid/unknown-task-agent.yaml"
        #expect(!(try crew(["validate", path])).stdout.contains("\u{1B}["))
        #expect(!(try crew(["validate", path], environment: ["NO_COLOR": "1"])).stdout.contains("\u{1B}["))
    }

    @Test func initMakesACrewThatBuildsAndGraphs() throws {
        let folder = TemporaryFolder()
        let created = try crew(["init", folder.path + "/starter"])
        #expect(created.status == 0, "\(created.stderr)")
        #expect(try crew(["init", folder.path + "/starter"]).status == 1)  // never overwrites
        #expect(try crew(["validate", folder.path + "/starter"]).status == 0)
        let built = try crew(["build", folder.path + "/starter"])
        #expect(built.status == 0, "\(built.stderr)")
        #expect(FileManager.default.fileExists(atPath: folder.path + "/starter/.crew/build/manifest.json"))
        let dot = try crew(["graph", folder.path + "/starter", "--format", "dot"])
        #expect(dot.stdout.hasPrefix("digraph"))
    }

    @Test func buildOfAnInvalidCrewWritesNothing() throws {
        let folder = TemporaryFolder()
        let out = try crew(["build", Fixtures.root + "/invalid/cycle-three.yaml", "-o", folder.path + "/out"])
        #expect(out.status == 1)
        #expect(out.stderr.contains("error[E204]"))
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/out"))
    }

    @Test func completionsAreGenerated() throws {
        let out = try crew(["completions", "bash"])
        #expect(out.status == 0 && out.stdout.contains("validate"))
        #expect(try crew(["completions", "tcsh"]).status == 2)
    }
}
