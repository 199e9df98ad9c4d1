/// Turns texts into vectors. Defined here, with no HTTP in sight, so that the compiler can embed knowledge through
/// whatever the command line hands it (a provider over HTTP, or the mock).
public protocol Embedder: Sendable {
    /// Names the embedding space: provider, model and dimensions. Vectors from different identities never mix.
    var identity: String { get }
    /// How many texts one request may carry.
    var batchSize: Int { get }
    /// One vector per text, in order.
    func embed(_ texts: [String]) async throws -> [[Float]]
}

/// The identity string of an embedding space, the same whether built from a crew file or read back from a plan.
public enum EmbedderIdentity {
    public static func of(provider: String, model: String, dimensions: Int?) -> String {
        "\(provider)/\(model)/\(dimensions.map(String.init) ?? "native")"
    }
}
