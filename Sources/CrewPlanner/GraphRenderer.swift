import CrewCore
import CrewSpec

/// Draws the planned DAG for people: Graphviz DOT or Mermaid, one cluster per wave, edges from context to task.
public enum GraphRenderer {
    public enum Format: String, Sendable, CaseIterable {
        case mermaid, dot
    }

    public static func render(_ crew: ValidatedCrew, _ plan: Plan, format: Format) -> String {
        switch format {
        case .dot: return dot(crew, plan)
        case .mermaid: return mermaid(crew, plan)
        }
    }

    static func dot(_ validated: ValidatedCrew, _ plan: Plan) -> String {
        let crew = validated.crew
        let critical = Set(zip(plan.criticalPath, plan.criticalPath.dropFirst()).map { "\($0.0)>\($0.1)" })
        var out = "digraph \(quoted(crew.name.value)) {\n  rankdir=LR;\n  node [shape=box, style=rounded];\n"
        for (number, wave) in plan.waves.enumerated() {
            out += "  subgraph cluster_wave\(number) {\n    label=\(quoted("wave \(number + 1)"));\n    style=dashed;\n"
            for task in wave {
                let agent = crew.agents[validated.agentOfTask[task]].name.value
                out +=
                    "    \(quoted(crew.tasks[task].name.value)) [label=\(quoted("\(crew.tasks[task].name.value)\n(\(agent))"))];\n"
            }
            out += "  }\n"
        }
        for task in plan.order {
            for dep in validated.dependencies[task] {
                let style = critical.contains("\(dep)>\(task)") ? " [penwidth=2]" : ""
                out += "  \(quoted(crew.tasks[dep].name.value)) -> \(quoted(crew.tasks[task].name.value))\(style);\n"
            }
        }
        return out + "}\n"
    }

    static func mermaid(_ validated: ValidatedCrew, _ plan: Plan) -> String {
        let crew = validated.crew
        var out = "flowchart LR\n"
        for (number, wave) in plan.waves.enumerated() {
            out += "  subgraph wave\(number + 1) [\"wave \(number + 1)\"]\n"
            for task in wave {
                let agent = crew.agents[validated.agentOfTask[task]].name.value
                out +=
                    "    t\(task)[\"\(escapeMermaid(crew.tasks[task].name.value))<br/><small>\(escapeMermaid(agent))</small>\"]\n"
            }
            out += "  end\n"
        }
        for task in plan.order {
            for dep in validated.dependencies[task] { out += "  t\(dep) --> t\(task)\n" }
        }
        if plan.criticalPath.count > 1 {
            out += "  classDef critical stroke-width:3px\n"
            out += "  class \(plan.criticalPath.map { "t\($0)" }.joined(separator: ",")) critical\n"
        }
        return out
    }

    static func quoted(_ s: String) -> String {
        "\"" + s.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"").replacing("\n", with: "\\n") + "\""
    }

    static func escapeMermaid(_ s: String) -> String {
        s.replacing("\"", with: "#quot;").replacing("<", with: "#lt;").replacing(">", with: "#gt;")
    }
}
