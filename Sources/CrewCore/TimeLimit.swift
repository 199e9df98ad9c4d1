/// Races work against a clock. Past the limit the work is cancelled and the caller decides what a timeout means
/// (a provider's `.timeout`, a tool's error result), so every deadline in crew is this one race.
public enum TimeLimit {
    /// The work's value, or nil when `seconds` pass first; the work's own error is thrown as it is.
    public static func run<T: Sendable>(seconds: Double, _ work: @escaping @Sendable () async throws -> T)
        async throws -> T?
    {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await work() }
            group.addTask {
                try await Task.sleep(nanoseconds: Seconds.nanoseconds(seconds))
                return nil
            }
            defer { group.cancelAll() }
            return try await group.next() ?? nil
        }
    }
}
