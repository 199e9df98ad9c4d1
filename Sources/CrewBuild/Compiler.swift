import CrewCore
import CrewPlanner
import CrewSpec

/// The compiler pipeline: load -> validate -> plan. Each stage's output is a type, so a later stage can only be
/// reached with the earlier one's checked result.
public enum Compiler {
    public struct Result: Sendable {
        /// The loaded crew (possibly with errors), for commands that report on it.
        public var crew: Crew?
        public var validated: ValidatedCrew?
        public var plan: Plan?
        public var diagnostics: Diagnostics
        public var sources: SourceText

        public var succeeded: Bool { plan != nil && !diagnostics.hasErrors }
    }

    public static func compile(path: String, loader: CrewLoader = CrewLoader()) -> Result {
        let loaded = loader.load(path: path)
        var diagnostics = loaded.diagnostics
        guard let crew = loaded.crew else {
            return Result(crew: nil, validated: nil, plan: nil, diagnostics: diagnostics, sources: loaded.sources)
        }
        let (validated, found) = Validator.validate(
            crew, sources: loaded.sources, priorErrors: loaded.diagnostics.hasErrors)
        diagnostics.append(contentsOf: found.items)
        guard let validated, !diagnostics.hasErrors else {
            return Result(crew: crew, validated: nil, plan: nil, diagnostics: diagnostics, sources: loaded.sources)
        }
        let plan = Planner.plan(validated)
        return Result(crew: crew, validated: validated, plan: plan, diagnostics: diagnostics, sources: loaded.sources)
    }
}
