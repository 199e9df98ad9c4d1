/// Generates large, valid crews for benchmarks and stress tests: a random DAG (edges only to earlier tasks, so it
/// is acyclic) with a fixed seed, so every run builds the same crew.
public struct CrewGenerator {
    public var tasks: Int
    public var agents: Int
    public var edgesPerTask: Int
    public var seed: UInt64

    public init(tasks: Int, agents: Int = 50, edgesPerTask: Int = 3, seed: UInt64 = 42) {
        self.tasks = tasks
        self.agents = agents
        self.edgesPerTask = edgesPerTask
        self.seed = seed
    }

    public func yaml() -> String {
        var rng = SplitMix64(seed: seed)
        var out = "version: 1\nname: generated-\(tasks)\ninputs:\n  topic: { type: string, default: batteries }\n"
        out += "models:\n  fast: { provider: openai, model: gpt-4o-mini, api_key: \"${env:OPENAI_API_KEY}\" }\n"
        out += "agents:\n"
        for a in 0..<agents {
            out += "  agent\(a):\n    role: Analyst number \(a)\n    goal: Study {topic} from angle \(a)\n"
            out += "    backstory: You are agent \(a) of \(agents).\n"
        }
        out += "tasks:\n"
        for t in 0..<tasks {
            out += "  task\(t):\n    agent: agent\(Int(rng.next() % UInt64(agents)))\n"
            out += "    description: Step \(t) of the analysis of {topic}.\n    expected_output: A paragraph.\n"
            if t > 0 {
                var deps = Set<Int>()
                for _ in 0..<min(edgesPerTask, t) { deps.insert(Int(rng.next() % UInt64(t))) }
                out += "    context: [\(deps.sorted().map { "task\($0)" }.joined(separator: ", "))]\n"
            }
        }
        out += "defaults: { model: fast, max_parallel: 16 }\n"
        return out
    }
}

/// A small, fast, seedable generator (Vigna's SplitMix64), so generated data is the same on every machine.
public struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
