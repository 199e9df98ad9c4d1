import ArgumentParser
import CrewBuild
import CrewCore
import CrewKit
import CrewPlanner
import CrewSpec

/// `crew validate`: report every problem in a crew; exit 0 when valid (warnings allowed), 1 on errors.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration.crew(
        "validate", abstract: "Check a crew and report every problem with its file:line:column.")

    @OptionGroup var crew: CrewPathOptions

    @Option(help: "Output format: text, json, or github (GitHub Actions annotations).")
    var format: DiagnosticRenderer.Format = .text

    func run() throws {
        let result = Compilation.compile(path: crew.path, crewAI: crew.crewAI, format: format, toStdout: true).result
        guard result.succeeded, let validated = result.validated, let plan = result.plan else {
            throw ExitCode(1)
        }
        if format == .text {
            let c = validated.crew
            let path = plan.criticalPath.map { c.tasks[$0].name.value }.joined(separator: " -> ")
            let counts = [
                plural(c.tasks.count, "task"), plural(c.agents.count, "agent"), plural(c.models.count, "model"),
            ]
            Terminal.out(
                "crew `\(c.name.value)` is valid: \(counts.joined(separator: ", ")); "
                    + "\(plural(plan.waves.count, "wave")), widest \(plan.widestWave); critical path \(path)\n")
        }
    }
}

func plural(_ count: Int, _ word: String) -> String {
    "\(count) \(word)\(count == 1 ? "" : "s")"
}
