import CrewCore

/// A unit of work for one agent. Its `context` tasks are both its dependencies and the outputs it is shown.
public struct TaskSpec: Sendable {
    public var name: Located<String>
    public var agent: Located<String>?
    public var description: Template
    public var expectedOutput: Template?
    public var context: [Located<String>] = []
    public var output: OutputSpec?
    /// Seconds; overrides `defaults.timeout`.
    public var timeout: Located<Double>?
    public var humanReview = false
    /// `cache:` as written: true caches the task even when the run does not ask (specs/cache.md), false never.
    public var cache: Bool?
    /// crewAI's `async_execution`, kept for the record; it only changes which edges the reader makes.
    public var asyncExecution = false
    public var location: SourceLocation

    public init(name: Located<String>, description: Template, location: SourceLocation) {
        self.name = name
        self.description = description
        self.location = location
    }
}

/// Where a task's final output goes and what shape it must have.
public struct OutputSpec: Sendable {
    public enum Schema: Sendable {
        case inline(JSONValue, SourceLocation)
        /// A path relative to the crew's folder, resolved and inlined at build time.
        case file(Located<String>)
    }

    public var file: Located<String>?
    public var schema: Schema?
    /// How many times to re-ask the model after an answer that breaks the schema.
    public var maxRepairs: Located<Int>?
    public var location: SourceLocation

    public init(location: SourceLocation) {
        self.location = location
    }
}
