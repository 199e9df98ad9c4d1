import CrewCore
import CrewProviders

/// Runs work with a time limit; past it, the work is cancelled and `.timeout` thrown.
enum Deadline {
    static func run<T: Sendable>(seconds: Double, _ work: @escaping @Sendable () async throws(ProviderError) -> T)
        async throws(ProviderError) -> T
    {
        do {
            guard let value = try await TimeLimit.run(seconds: seconds, work) else { throw ProviderError.timeout }
            return value
        } catch let error as ProviderError {
            throw error
        } catch {
            throw .cancelled
        }
    }
}
