import ArgumentParser
import CrewBuild
import CrewCore
import Foundation

/// `crew build`: compile a crew into a reproducible artifact folder.
struct BuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build", abstract: "Validate and plan a crew, and write the build artifact.")

    @OptionGroup var crew: CrewPathOptions

    @Option(name: .shortAndLong, help: "Artifact folder (default: .crew/build in the crew's folder).")
    var output: String?

    @Option(help: "Diagnostics format: text, json, or github.")
    var format: DiagnosticRenderer.Format = .text

    func run() throws {
        let result = Compilation.compile(path: crew.path, format: format, toStdout: false)
        guard result.succeeded, let validated = result.validated, let plan = result.plan else {
            throw ExitCode(1)
        }
        let artifact = Artifact(validated: validated, plan: plan, inputFiles: Artifact.inputFiles(for: validated))
        let folder = output ?? FileSystem.join(validated.crew.displayRoot, ".crew/build")
        do {
            try artifact.write(to: folder)
        } catch {
            Terminal.err("error: \(error)\n")
            throw ExitCode(1)
        }
        let hash = artifact.manifest.string(at: "artifact_sha256") ?? ""
        Terminal.out(
            "built `\(validated.crew.name.value)`: \(plural(validated.crew.tasks.count, "task")) in "
                + "\(plural(plan.waves.count, "wave")) -> "
                + "\(folder) (artifact \(hash.prefix(12)))\n")
    }
}

extension JSONValue {
    func string(at key: String) -> String? {
        guard case .object(let members) = self, case .string(let value)? = members[key] else { return nil }
        return value
    }
}
