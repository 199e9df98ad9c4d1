import CrewCore
import CrewDocuments
import CrewProviders
import Foundation

/// The rate limiters of one process, one per model endpoint: runs at once that use the same model (same server,
/// model name, key and limits) share one budget, as the provider counts it. A run given no pool makes its own.
public final class RateLimiterPool: @unchecked Sendable {
    struct Key: Hashable {
        var baseURL: String
        var model: String
        /// Whose budget: the key's hash (a provider counts per key), else where a key would come from.
        var account: String?
        var requestsPerMinute: Int?
        var tokensPerMinute: Int?
    }

    private let lock = NSLock()
    private var limiters: [Key: RateLimiter] = [:]

    public init() {}

    /// The limiter for `model` at `endpoint`; nil when the model sets no limit.
    func limiter(for model: ModelDefinition, endpoint: Endpoint) -> RateLimiter? {
        guard model.requestsPerMinute != nil || model.tokensPerMinute != nil else { return nil }
        let key = Key(
            baseURL: endpoint.baseURL, model: model.model,
            account: endpoint.apiKey.map { Hashing.sha256($0.value) } ?? endpoint.keySource,
            requestsPerMinute: model.requestsPerMinute, tokensPerMinute: model.tokensPerMinute)
        return lock.withLock {
            if let shared = limiters[key] { return shared }
            let made = RateLimiter(requestsPerMinute: model.requestsPerMinute, tokensPerMinute: model.tokensPerMinute)
            limiters[key] = made
            return made
        }
    }
}
