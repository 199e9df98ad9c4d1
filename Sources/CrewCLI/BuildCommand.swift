import ArgumentParser
import CrewBuild
import CrewCore
import CrewKit
import CrewPlanner
import CrewSpec
import Foundation

/// `crew build`: compile a crew into a reproducible artifact folder.
struct BuildCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration.crew(
        "build", abstract: "Validate and plan a crew, compile its knowledge, and write the build artifact."
    )

    @OptionGroup var crew: CrewPathOptions

    @Option(name: .shortAndLong, help: "Artifact folder (default: .crew/build in the crew's folder).")
    var output: String?

    @Option(help: "Diagnostics format: text, json, or github.")
    var format: DiagnosticRenderer.Format = .text

    @Option(help: "Also compile for another engine: argo (an Argo Workflows WorkflowTemplate; see specs/argo.md).")
    var target: BuildTarget?

    @Option(help: "--target argo: the container image holding crew and this artifact at /crew/artifact.")
    var image: String = ArgoTemplate.defaultImage

    @Option(help: "--target argo: the namespace of the WorkflowTemplate.")
    var namespace: String?

    @Option(help: "--target argo: the Kubernetes Secret holding the keys the crew reads (one key per variable).")
    var secret: String = "crew-secrets"

    @Option(help: "--target argo: a ReadWriteMany PersistentVolumeClaim for crew's task cache, shared by the steps.")
    var cacheClaim: String?

    @Flag(help: "No progress lines.")
    var quiet = false

    func run() async throws {
        let started = Date()
        let compiled = Compilation.compile(path: crew.path, crewAI: crew.crewAI, format: format, toStdout: false)
        guard compiled.succeeded, let validated = compiled.result.validated, let plan = compiled.result.plan else {
            throw ExitCode(1)
        }
        let built: BuiltArtifact
        do {
            let argo =
                target == .argo
                ? ArgoTemplate.Options(image: image, namespace: namespace, secret: secret, cacheClaim: cacheClaim)
                : nil
            built = try await Engine.shared.build(compiled, to: output.map { ConfinedPath(base: $0) }, argo: argo) {
                [quiet] line in
                if !quiet { Terminal.err("  \(line)\n") }
            }
        } catch {
            throw Engine.fail(error)
        }
        let hash = built.artifact.artifactHash
        let bytes = built.artifact.files.values.reduce(0) { $0 + $1.count }
        Terminal.out(
            "built `\(validated.crew.name.value)`: \(plural(validated.crew.tasks.count, "task")) in "
                + "\(plural(plan.waves.count, "wave")) -> \(built.folder) (artifact \(hash.prefix(12)), "
                + "\(ByteCountFormatter.string(fromByteCount: Int64(bytes), countStyle: .file)), "
                + "\(Int(Date().timeIntervalSince(started) * 1000)) ms)\n" + BuildReport.describe(built.knowledge))
    }
}

/// What `crew build --target` compiles for besides crew itself.
enum BuildTarget: String, CaseIterable, ExpressibleByArgument {
    case argo
}
