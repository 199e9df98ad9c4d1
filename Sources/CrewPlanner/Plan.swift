import CrewCore
import CrewSpec

/// The planned DAG of a validated crew. Task numbers are indices into `crew.tasks` (declaration order).
public struct Plan: Sendable {
    /// A topological order; among tasks that could go next, the one declared first goes first.
    public let order: [Int]
    /// Groups of tasks that can run together: wave 0 needs nothing, wave n needs something from wave n-1.
    public let waves: [[Int]]
    /// The wave of each task.
    public let waveOfTask: [Int]
    /// The longest chain of dependent tasks, first to last; the run cannot be shorter than this chain.
    public let criticalPath: [Int]
    /// For each task, the tasks that list it as context.
    public let dependents: [[Int]]

    /// The size of the largest wave: how much parallelism the crew can use.
    public var widestWave: Int { waves.map(\.count).max() ?? 0 }

    public init(order: [Int], waves: [[Int]], waveOfTask: [Int], criticalPath: [Int], dependents: [[Int]]) {
        self.order = order
        self.waves = waves
        self.waveOfTask = waveOfTask
        self.criticalPath = criticalPath
        self.dependents = dependents
    }
}
