import CrewBuild
import CrewCore
import CrewDocuments
import CrewSpec

/// A crew compiled in memory: its diagnostics (with the source text to show them) and, when it has no error, the
/// validated crew and its plan.
public struct CompiledCrew: Sendable {
    public let result: Compiler.Result

    public var diagnostics: Diagnostics { result.diagnostics }
    public var sources: SourceText { result.sources }
    public var succeeded: Bool { result.succeeded }
    /// The crew's folder as given: outputs, runs and `.crew/build` are below it by default.
    public var folder: String? { result.crew?.displayRoot }
    /// Whether a run needs the knowledge indexes built first.
    public var hasKnowledge: Bool { !(result.validated?.crew.knowledge.isEmpty ?? true) }

    /// The artifact without knowledge indexes (its plan document, and the hash a build of it would have); nil when
    /// the crew has errors. It reads every input file to hash it, so it is made when asked for, not when compiled.
    public func artifact(knowledgeFiles: [String: [UInt8]] = [:]) -> Artifact? {
        guard result.succeeded, let validated = result.validated, let plan = result.plan else { return nil }
        return Artifact(
            validated: validated, plan: plan, inputFiles: Artifact.inputFiles(for: validated),
            extraFiles: knowledgeFiles)
    }

    /// The failure to report when a caller needs a crew without errors.
    var hasErrorsFailure: CrewFailure {
        CrewFailure(.r520, "the crew has \(diagnostics.errorCount) error(s)", hint: "`crew validate` lists them")
    }
}

extension CrewEngine {
    /// Loads, validates and plans the crew at `path` (a crew folder or file, or a crewAI project). Never throws:
    /// every problem is a diagnostic.
    public func compile(path: String, crewAI: CrewAIOptions = CrewAIOptions()) -> CompiledCrew {
        CompiledCrew(result: Compiler.compile(path: path, loader: CrewLoader(crewAI: crewAI)))
    }
}
