import CrewCore
import CrewDocuments
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
/// Receives a run's events as they happen.
public protocol RunObserver: Sendable {
    func handle(_ event: RunEvent)
    /// Streamed text of a task; frequent, so not an event in the record.
    func progress(task: String, outputTokens: Int)
    /// A piece of the answer a task's model is streaming now (a `request` event starts a new answer); not recorded:
    /// the finished output is.
    func output(task: String, piece: String)
    /// Whether `progress` and `output` do anything: streamed pieces are counted and passed on only when one does,
    /// since for a quiet run that cost more than reading them.
    var followsStreamedText: Bool { get }
    /// The observer as a tracer of tool calls, when it is one. A requirement rather than an `as?` cast: a cast to a
    /// protocol scans every conformance in the binary the first time for each observer type, at every run's start.
    var toolCallTracing: (any ToolCallTracing)? { get }
}

extension RunObserver {
    public func progress(task: String, outputTokens: Int) {}
    public func output(task: String, piece: String) {}
    public var followsStreamedText: Bool { false }
    public var toolCallTracing: (any ToolCallTracing)? { nil }
}

/// An observer that traces tool calls, and names the trace context a call's own requests carry on (specs/telemetry.md,
/// "Propagation"). Consulted after the call's `tool_call` event, before the tool runs.
public protocol ToolCallTracing: RunObserver {
    /// The headers for the requests of call `callID` of `task`; empty when none should be sent.
    func traceHeaders(task: String, callID: String) -> [TraceHeader]
}

extension ToolCallTracing {
    /// Every tracer of tool calls names itself as one, so that no conformer can forget to.
    public var toolCallTracing: (any ToolCallTracing)? { self }
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
    /// Set when the output came from the task cache: what the run that stored it spent.
    public var cached: CacheHit?
    /// The task failed on a model's answer that a later attempt may get (rate limits, 5xx, timeouts, cut streams),
    /// after the model's own retries.
    public var retryable = false

    public init() {}

    public struct CacheHit: Sendable {
        public var inputTokens: Int
        public var outputTokens: Int
        public var costUSD: Double?
    }
}
