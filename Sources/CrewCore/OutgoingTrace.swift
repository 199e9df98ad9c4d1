/// The trace context a tool call's outgoing requests carry (W3C `traceparent`), set by the runtime around the call
/// when trace propagation is on, and read by the http tool and the MCP client. Empty otherwise, so nothing is sent.
public enum OutgoingTrace {
    @TaskLocal public static var headers: [TraceHeader] = []
}

/// One header of a trace context, as a propagator writes it.
public struct TraceHeader: Sendable, Hashable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}
