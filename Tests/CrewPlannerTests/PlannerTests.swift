import CrewBuild
import CrewCore
import CrewPlanner
import CrewSpec
import CrewTestSupport
import Foundation
import Testing

@Suite struct PlannerTests {
    func plan(_ yaml: String) throws -> (ValidatedCrew, Plan) {
        let folder = TemporaryFolder()
        let result = Compiler.compile(path: folder.write("crew.yaml", yaml))
        #expect(!result.diagnostics.hasErrors, "\(result.diagnostics.items)")
        return (try #require(result.validated), try #require(result.plan))
    }

    func names(_ crew: ValidatedCrew, _ indices: [Int]) -> [String] {
        indices.map { crew.crew.tasks[$0].name.value }
    }

    static let header = """
        version: 1
        name: p
        models: { m: { provider: mock } }
        agents: { w: { role: W, goal: G } }
        tasks:

        """

    @Test func tiesAreBrokenByDeclarationOrder() throws {
        let (crew, plan) = try plan(
            Self.header + """
                  z: { agent: w, description: Z, context: [b] }
                  b: { agent: w, description: B }
                  a: { agent: w, description: A }
                  c: { agent: w, description: C, context: [a] }
                """)
        #expect(names(crew, plan.order) == ["b", "z", "a", "c"])
        #expect(plan.waves.map { names(crew, $0) } == [["b", "a"], ["z", "c"]])
    }

    @Test func wavesCriticalPathAndWidth() throws {
        let (crew, plan) = try plan(
            Self.header + """
                  start: { agent: w, description: S }
                  left: { agent: w, description: L, context: [start] }
                  right: { agent: w, description: R, context: [start] }
                  deeper: { agent: w, description: D, context: [right] }
                  end: { agent: w, description: E, context: [left, deeper] }
                  lonely: { agent: w, description: X }
                """)
        #expect(plan.waves.map { names(crew, $0) } == [["start", "lonely"], ["left", "right"], ["deeper"], ["end"]])
        #expect(names(crew, plan.criticalPath) == ["start", "right", "deeper", "end"])
        #expect(plan.widestWave == 2)
        #expect(names(crew, plan.dependents[0]) == ["left", "right"])
    }

    @Test func everyTaskComesAfterItsContext() throws {
        let (crew, plan) = try plan(CrewGenerator(tasks: 500, agents: 7, edgesPerTask: 4, seed: 3).yaml())
        var position = Array(repeating: 0, count: plan.order.count)
        for (i, task) in plan.order.enumerated() { position[task] = i }
        for (task, deps) in crew.dependencies.enumerated() {
            for dep in deps {
                #expect(position[dep] < position[task])
                #expect(plan.waveOfTask[dep] < plan.waveOfTask[task])
            }
        }
        #expect(plan.waves.flatMap { $0 }.count == 500)
    }

    @Test func aLongChainDoesNotOverflowTheStack() throws {
        var yaml = Self.header
        for i in 0..<5000 {
            yaml += "  t\(i): { agent: w, description: T\(i)\(i > 0 ? ", context: [t\(i - 1)]" : "") }\n"
        }
        let (_, plan) = try plan(yaml)
        #expect(plan.waves.count == 5000)
        #expect(plan.criticalPath.count == 5000)
    }

    @Test func graphsShowWavesAndEdges() throws {
        let (crew, plan) = try plan(
            Self.header + """
                  a: { agent: w, description: A }
                  "b-2": { agent: w, description: B, context: [a] }
                """)
        let dot = GraphRenderer.render(crew, plan, format: .dot)
        #expect(dot.contains("subgraph cluster_wave0"))
        #expect(dot.contains("\"a\" -> \"b-2\""))
        let mermaid = GraphRenderer.render(crew, plan, format: .mermaid)
        #expect(mermaid.hasPrefix("flowchart LR"))
        #expect(mermaid.contains("subgraph wave2 [\"wave 2\"]"))
        #expect(mermaid.contains("t0 --> t1"))
    }
}
