import ArgumentParser
import CrewCore
import CrewKit
import Foundation

/// `crew diff OLD NEW [CREW]`: what a change does to a crew, for a pull request (specs/diff.md).
struct DiffCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration.crew(
        "diff",
        abstract: "Show what changes between two versions of a crew: tasks, prompts, graph, models, tools, knowledge.",
        discussion: """
            OLD and NEW are folders or git revisions; CREW (default `.`) is the crew's path below each: in the \
            folder (a crew or a build artifact), or in the repository at that revision, read with git without \
            touching the work tree. `crew diff main . examples/brief` compares the work tree with main. Exit 0 \
            with or without differences, 1 when a side cannot be read.
            """)

    @Argument(help: "The old version: a folder, an artifact, or a git revision.")
    var old: String

    @Argument(help: "The new version: a folder, an artifact, or a git revision.")
    var new: String

    @Argument(help: "The crew's path below each side (a folder, or the repository at a revision).")
    var crew: String = "."

    @Option(help: "Output format: text, markdown (a pull request comment), or json.")
    var format: DiffReport.Format = .text

    @Option(name: .customLong("input"), help: "An input value for rendering the prompts, key=value (repeatable).")
    var inputs: [String] = []

    func run() async throws {
        var values: [String: String] = [:]
        for assignment in inputs {
            guard let equals = assignment.firstIndex(of: "="), equals != assignment.startIndex else {
                throw ValidationError("--input takes key=value, got `\(assignment)`")
            }
            values[String(assignment[..<equals])] = String(assignment[assignment.index(after: equals)...])
        }
        let engine = Engine.shared
        let sides: (DiffSide, DiffSide)
        do {
            sides = (try await engine.diffSide(old, crew: crew), try await engine.diffSide(new, crew: crew))
        } catch {
            throw Engine.fail(error)
        }
        let diff = PlanDiff.compare(sides.0, sides.1, inputs: values)
        Terminal.outRaw(DiffReport(format: format).render(diff))
    }
}
