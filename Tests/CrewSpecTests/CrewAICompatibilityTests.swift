import CrewBuild
import CrewCore
import CrewDocuments
import CrewPlanner
import CrewSpec
import CrewTestSupport
import Foundation
import Testing

/// The 20 real crewAI crews in ../shared/compat: each either builds or fails only with diagnostics that name
/// what crewAI keeps in Python.
@Suite(.enabled(if: Fixtures.crewAIExamplesAvailable, "the crewAI corpus (../shared/compat) is not beside this clone"))
struct CrewAICompatibilityTests {
    static let projects: [String] = {
        guard let enumerator = FileManager.default.enumerator(atPath: Fixtures.crewAIExamples) else { return [] }
        var found: [String] = []
        while let path = enumerator.nextObject() as? String {
            if path.hasSuffix("/config/agents.yaml") {
                found.append(String(path.dropLast("/config/agents.yaml".count)))
            }
        }
        return found.sorted()
    }()

    @Test(arguments: projects)
    func readsTheProject(_ project: String) {
        let result = Compiler.compile(path: Fixtures.crewAIExamples + "/" + project)
        let codes = Set(result.diagnostics.items.map(\.code))
        #expect(result.crew?.origin == .crewAI)
        #expect(codes.isSubset(of: ["E301", "E302", "W406"]), "\(project): \(result.diagnostics.items)")
        for diagnostic in result.diagnostics.items {
            #expect(diagnostic.location != nil && diagnostic.hint != nil)
        }
        if !result.diagnostics.hasErrors {
            #expect(result.plan != nil)
        }
    }

    @Test func nineOfTheTwentyBuildAsTheyAre() {
        #expect(Self.projects.count == 20)
        let building = Self.projects.filter { Compiler.compile(path: Fixtures.crewAIExamples + "/" + $0).succeeded }
        #expect(building.count == 9, "\(building)")
    }
}

/// crewAI's sequential process as context edges, on a fixture kept in this repository.
@Suite struct CrewAISequencingTests {
    @Test func sequentialAndAsyncTasksBecomeContextEdges() throws {
        let result = Compiler.compile(path: Fixtures.root + "/valid/crewai-sequential")
        let crew = try #require(result.validated)
        let plan = try #require(result.plan)
        let context = crew.crew.tasks.map { task in task.context.map(\.value) }
        // crewAI 1.15.30: a synchronous task without `context` gets every earlier output; an async one gets none.
        #expect(context[0] == [])
        #expect(context[1] == [])
        #expect(context[2] == [])
        #expect(context[3] == ["research_task", "news_task", "papers_task"])
        #expect(context[4] == ["research_task"])  // explicit context wins
        #expect(plan.waves.count == 2)
        #expect(crew.crew.inputs.map(\.name.value) == ["topic"])
        #expect(crew.crew.agents[0].delegateTo.map(\.value) == ["reporting_analyst"])
        #expect(crew.crew.models.map(\.provider.value) == [.anthropic, .openai])
    }
}
