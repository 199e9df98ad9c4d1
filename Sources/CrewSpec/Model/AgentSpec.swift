import CrewCore
import CrewDocuments

/// An agent: who the model plays (role, goal, backstory), which model it uses and what it may call.
public struct AgentSpec: Sendable {
    public typealias KnowledgeContext = CrewDocuments.KnowledgeContext
    public typealias OnMaxIterations = CrewDocuments.OnMaxIterations

    public var name: Located<String>
    public var role: Template
    public var goal: Template
    public var backstory: Template?
    public var model: Located<String>?
    public var tools: [Located<String>] = []
    public var knowledge: [Located<String>] = []
    public var delegateTo: [Located<String>] = []
    public var maxIterations: Located<Int>?
    public var knowledgeContext: KnowledgeContext = .off
    public var onMaxIterations: OnMaxIterations = .fail
    public var location: SourceLocation

    public init(name: Located<String>, role: Template, goal: Template, location: SourceLocation) {
        self.name = name
        self.role = role
        self.goal = goal
        self.location = location
    }

    public static let defaultMaxIterations = PlanDefaults.maxIterations
}
