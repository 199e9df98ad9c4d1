import ArgumentParser
import CrewBuild
import CrewCore
import CrewKit
import CrewPlanner

/// `crew graph`: print the planned DAG as Mermaid or Graphviz DOT, waves as clusters.
struct GraphCommand: ParsableCommand {
    static let configuration = CommandConfiguration.crew(
        "graph", abstract: "Print the planned task graph (Mermaid or DOT).")

    @OptionGroup var crew: CrewPathOptions

    @Option(help: "mermaid or dot.")
    var format: GraphRenderer.Format = .mermaid

    func run() throws {
        let result = Compilation.compile(path: crew.path, crewAI: crew.crewAI, format: .text, toStdout: false).result
        guard result.succeeded, let validated = result.validated, let plan = result.plan else {
            throw ExitCode(1)
        }
        Terminal.out(GraphRenderer.render(validated, plan, format: format))
    }
}

extension GraphRenderer.Format: ExpressibleByArgument {}
