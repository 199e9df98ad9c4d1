import ArgumentParser
import CrewBuild
import CrewCore
import CrewRuntime
import CrewSpec
import Foundation

/// Where `crew run` gets its plan: a build artifact folder (manifest.json + plan.json), or a crew compiled in
/// memory. Either way the runtime receives the same plan.json document.
struct PlanSource {
    var planJSON: JSONValue
    var artifactHash: String
    /// The folder outputs and runs are relative to by default.
    var baseFolder: String
    /// The artifact folder, when the plan comes from one (knowledge indexes live there).
    var artifactFolder: String?

    struct Failure: Error {}

    static func load(_ path: String) async throws -> PlanSource {
        if isArtifact(path) { return try artifact(path) }
        let result = Compilation.compile(path: path, format: .text, toStdout: false)
        guard result.succeeded, let validated = result.validated, let plan = result.plan else { throw Failure() }
        if !validated.crew.knowledge.isEmpty {
            guard let built = try? await BuildPipeline.build(result, output: nil, quiet: true) else { throw Failure() }
            var source = try artifact(built.folder)
            source.baseFolder = validated.crew.displayRoot
            return source
        }
        let artifact = Artifact(validated: validated, plan: plan, inputFiles: Artifact.inputFiles(for: validated))
        return PlanSource(
            planJSON: PlanEncoder.encode(validated, plan),
            artifactHash: artifact.manifest["artifact_sha256"]?.stringValue ?? "",
            baseFolder: validated.crew.displayRoot, artifactFolder: nil)
    }

    static func isArtifact(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: FileSystem.join(path, "manifest.json"))
            && FileManager.default.fileExists(atPath: FileSystem.join(path, "plan.json"))
    }

    /// Reads an artifact and checks plan.json against the manifest, so a damaged or hand-edited plan never runs.
    static func artifact(_ folder: String) throws -> PlanSource {
        let checked: ArtifactCheck.Checked
        let plan: JSONValue
        do {
            checked = try ArtifactCheck.read(folder)
            plan = try JSONParser.parse(checked.plan)
        } catch {
            Terminal.err("error: \(error)\n")
            throw Failure()
        }
        let manifest = checked.manifest
        // An artifact at CREW/.crew/build belongs to CREW: outputs and runs go there.
        let url = URL(fileURLWithPath: folder).standardized
        let parent = url.deletingLastPathComponent()
        let base =
            url.lastPathComponent == "build" && parent.lastPathComponent == ".crew"
            ? parent.deletingLastPathComponent().path : "."
        return PlanSource(
            planJSON: plan, artifactHash: manifest["artifact_sha256"]?.stringValue ?? "", baseFolder: base,
            artifactFolder: folder)
    }

    /// The plan as the runtime reads it; an unreadable one is reported and ends the command (exit 1).
    func executionPlan() throws -> ExecutionPlan {
        do {
            return try ExecutionPlan.decode(planJSON, artifactHash: artifactHash)
        } catch {
            Terminal.err("error: \(error)\n")
            throw ExitCode(1)
        }
    }
}
