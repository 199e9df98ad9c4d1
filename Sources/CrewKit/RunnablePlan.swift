import CrewBuild
import CrewCore
import CrewDocuments
import CrewRuntime
import Foundation

/// A plan ready to run, from a build artifact or a crew compiled in memory: the runtime receives the same plan
/// document either way.
public struct RunnablePlan: Sendable {
    public var plan: ExecutionPlan
    /// The folder outputs and runs are relative to by default.
    public var baseFolder: String
    /// The artifact folder, when the plan comes from one (knowledge indexes live there).
    public var artifactFolder: String?

    public var document: PlanDocument { plan.document }
}

extension CrewEngine {
    /// Whether `path` is a build artifact folder (a manifest.json and a plan.json) rather than a crew.
    public static func isArtifact(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: FileSystem.join(path, Artifact.manifestName))
            && FileManager.default.fileExists(atPath: FileSystem.join(path, "plan.json"))
    }

    /// Reads the artifact in `folder` and checks plan.json against its manifest and against the compiler's
    /// guarantees, so a damaged or hand-edited plan never runs.
    public func load(artifact folder: String) throws -> RunnablePlan {
        let checked = try ArtifactCheck.read(folder)
        let json: JSONValue
        do {
            json = try JSONParser.parse(checked.plan)
        } catch {
            throw CrewFailure(.r501, "plan.json in \(folder) is not JSON: \(error)")
        }
        let document = try PlanDocument.decode(json)
        let plan = ExecutionPlan(
            document, artifactHash: checked.manifest["artifact_sha256"]?.stringValue ?? "",
            knowledgeHashes: ExecutionPlan.knowledgeHashes(
                manifestFiles: checked.manifest["files"]?.objectValue ?? [:], bases: document.knowledge.keys),
            documentFile: Data(checked.plan))
        return RunnablePlan(plan: plan, baseFolder: Self.crewFolder(ofArtifact: folder), artifactFolder: folder)
    }

    /// The plan of a compiled crew. A crew with knowledge bases is built into its `.crew/build` first: a run maps
    /// its indexes from files.
    public func runnable(_ compiled: CompiledCrew, progress: @escaping @Sendable (String) -> Void = { _ in })
        async throws -> RunnablePlan
    {
        guard let folder = compiled.folder, compiled.succeeded else { throw compiled.hasErrorsFailure }
        if compiled.hasKnowledge {
            let built = try await build(compiled, progress: progress)
            var loaded = try load(artifact: built.folder)
            loaded.baseFolder = folder
            return loaded
        }
        guard let artifact = compiled.artifact() else { throw compiled.hasErrorsFailure }
        return RunnablePlan(
            plan: ExecutionPlan(
                artifact.document, artifactHash: artifact.artifactHash, documentFile: artifact.files["plan.json"]),
            baseFolder: folder, artifactFolder: nil)
    }

    /// An artifact at CREW/.crew/build belongs to CREW: outputs and runs go there. Any other artifact's are relative
    /// to the current folder of the caller.
    static func crewFolder(ofArtifact folder: String) -> String {
        let url = URL(fileURLWithPath: folder).standardized
        let parent = url.deletingLastPathComponent()
        return url.lastPathComponent == "build" && parent.lastPathComponent == ".crew"
            ? parent.deletingLastPathComponent().path : "."
    }
}
