import CrewProviders

/// How a run executes, from the command line and the plan.
public struct RunSettings: Sendable {
    public var maxParallel: Int
    /// Stop at the first failed task (cancelling the others) instead of finishing independent branches.
    public var failFast: Bool
    /// Ask providers to stream their answers (SSE).
    public var stream: Bool
    /// The folder `output.file` paths are relative to: the crew's folder, or `--output-dir`.
    public var outputFolder: String

    public init(maxParallel: Int, failFast: Bool = false, stream: Bool = true, outputFolder: String) {
        self.maxParallel = max(1, maxParallel)
        self.failFast = failFast
        self.stream = stream
        self.outputFolder = outputFolder
    }
}

/// How a run ended.
public enum RunStatus: String, Sendable {
    case running, succeeded, failed, interrupted

    /// The process exit code for this outcome: 0, 1, or 130 (as for SIGINT).
    public var exitCode: Int32 {
        switch self {
        case .succeeded: return 0
        case .interrupted: return 130
        case .failed, .running: return 1
        }
    }
}

/// What happened to one task.
public enum TaskOutcome: Sendable {
    case succeeded(TaskReport)
    case failed(String, TaskReport)
    case cancelled
}

/// Figures for one task's work.
public struct TaskReport: Sendable {
    public var usage: TokenUsage = .zero
    public var costUSD: Double?
    public var latencyMS: Int = 0
    public var requests: Int = 0
    public var repairs: Int = 0
    /// Model turns, tool rounds included.
    public var turns: Int = 0
    public var toolCalls: Int = 0
    /// Drafts a reviewer sent back with feedback.
    public var reviews: Int = 0
    public var output: String = ""

    public init() {}
}
