import CrewCore

/// How a crewAI project is read beyond its files: the Python that may run its own tools. Given explicitly
/// (`--python PATH`, or `crewai: { python: PATH }` in a crew.yaml beside the project), because it runs the
/// project's code.
public struct CrewAIOptions: Sendable, Equatable {
    /// The interpreter of the project's environment. A path with a `/` is relative to the project folder when not
    /// absolute; a bare name is looked up on `PATH`. nil: custom tools are not bridged (`E304`).
    public var python: String?

    public init(python: String? = nil) {
        self.python = python
    }
}
