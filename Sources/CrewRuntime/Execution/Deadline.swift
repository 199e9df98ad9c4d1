import CrewCore
import CrewProviders

/// Runs work with a time limit; past it, the work is cancelled and `.timeout` thrown.
enum Deadline {
    static func run<T: Sendable>(seconds: Double, _ work: @escaping @Sendable () async throws(ProviderError) -> T)
        async throws(ProviderError) -> T
    {
        do {
            return try await withThrowingTaskGroup(of: T?.self) { group in
                group.addTask { try await work() }
                group.addTask {
                    try await Task.sleep(nanoseconds: Seconds.nanoseconds(seconds))
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let value = first else { throw ProviderError.timeout }
                return value
            }
        } catch let error as ProviderError {
            throw error
        } catch {
            throw .cancelled
        }
    }
}
