import ArgumentParser
import CrewBuild
import CrewCore
import CrewRuntime
import CrewSpec
import Foundation

/// Compile, compile the knowledge bases, write the artifact: what `crew build` does, and what `crew run` and
/// `crew query` do first for a crew that has knowledge (their indexes must be files to be mapped).
enum BuildPipeline {
    struct Built {
        var folder: String
        var artifact: Artifact
        var result: Compiler.Result
        var reports: [KnowledgeBuild.Report]
    }

    struct Failure: Error {}

    static func build(path: String, output: String?, format: DiagnosticRenderer.Format, quiet: Bool) async throws
        -> Built
    {
        try await build(Compilation.compile(path: path, format: format, toStdout: false), output: output, quiet: quiet)
    }

    /// The same from a crew already compiled (its diagnostics already shown).
    static func build(_ result: Compiler.Result, output: String?, quiet: Bool) async throws -> Built {
        guard result.succeeded, let validated = result.validated, let plan = result.plan else { throw Failure() }
        let knowledgeFiles: [String: [UInt8]]
        let reports: [KnowledgeBuild.Report]
        do {
            (knowledgeFiles, reports) = try await KnowledgeBuild.compile(validated, plan, quiet: quiet)
        } catch {
            Terminal.err("error: \(error)\n")
            throw Failure()
        }
        let artifact = Artifact(
            validated: validated, plan: plan, inputFiles: Artifact.inputFiles(for: validated),
            extraFiles: knowledgeFiles)
        let location =
            output.map { ConfinedPath(base: $0) }
            ?? ConfinedPath(base: validated.crew.displayRoot, below: ".crew/build")
        let folder = location.description
        do {
            try artifact.write(to: location)
        } catch {
            Terminal.err("error: \(error)\n")
            throw Failure()
        }
        return Built(folder: folder, artifact: artifact, result: result, reports: reports)
    }
}

/// The artifact folder `crew query` reads: the path itself, or the crew built into its `.crew/build`.
enum KnowledgeArtifact {
    static func folder(for path: String) async throws -> String {
        if PlanSource.isArtifact(path) { return path }
        do {
            return try await BuildPipeline.build(path: path, output: nil, format: .text, quiet: true).folder
        } catch {
            throw ExitCode(1)
        }
    }

    static func plan(in folder: String) throws -> ExecutionPlan {
        guard let source = try? PlanSource.artifact(folder) else { throw ExitCode(1) }
        return try source.executionPlan()
    }
}
