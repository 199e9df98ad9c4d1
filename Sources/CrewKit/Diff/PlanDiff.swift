import CrewCore
import CrewDocuments
import CrewRuntime

/// What changes between two versions of a crew (`crew diff`), in the terms a reviewer of a pull request needs: the
/// tasks added, removed or changed and how their prompts read now, the graph's edges, the models, tools and
/// knowledge bases, and which tasks a cached run of the new version would execute again, with the tokens and cost
/// that would take (estimated from the prompts' sizes and the models' prices).
public struct PlanDiff: Sendable {
    public enum Status: String, Sendable {
        case added, removed, changed, unchanged
    }

    public struct TaskChange: Sendable {
        public var name: String
        public var status: Status
        /// What changed, in words: `description`, `agent `writer`: goal`, `model `main`: temperature 0.2 → 0`.
        public var changes: [String] = []
        /// The rendered prompt (system, then user) as a unified diff, old → new; empty when it reads the same.
        public var promptDiff = ""
        /// Why a cached run of the new version would run it again; nil when its cached answer still holds.
        public var rerun: String?
        public var estimate: Estimate?
    }

    public struct EntryChange: Sendable {
        public var kind: String
        public var name: String
        public var status: Status
        public var changes: [String] = []
    }

    /// Tokens and cost of running tasks: input from the prompts' sizes (a token per 4 bytes), output at each model's
    /// `max_tokens` (or 1,000 without one), so an upper estimate.
    public struct Estimate: Sendable {
        public var inputTokens = 0
        public var outputTokens = 0
        public var costUSD: Double?
        /// Models of these tasks with no price: their cost is not in `costUSD`.
        public var unpriced: Set<String> = []

        mutating func add(_ other: Estimate) {
            inputTokens += other.inputTokens
            outputTokens += other.outputTokens
            if let cost = other.costUSD { costUSD = (costUSD ?? 0) + cost }
            unpriced.formUnion(other.unpriced)
        }
    }

    public var old: String
    public var new: String
    public var tasks: [TaskChange] = []
    public var edgesAdded: [(from: String, to: String)] = []
    public var edgesRemoved: [(from: String, to: String)] = []
    public var entries: [EntryChange] = []
    public var total = Estimate()

    /// Whether anything differs at all.
    public var isEmpty: Bool {
        tasks.allSatisfy { $0.status == .unchanged } && edgesAdded.isEmpty && edgesRemoved.isEmpty
            && entries.isEmpty
    }

    /// The tasks a cached run of the new version would execute again, in its plan order.
    public var rerun: [String] { tasks.filter { $0.rerun != nil }.map(\.name) }
}
