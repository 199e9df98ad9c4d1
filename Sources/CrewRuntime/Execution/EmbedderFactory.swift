import CrewCore
import CrewDocuments
import CrewProviders
import Foundation

/// Makes the embedder a plan names, reading its key at this moment (build time or query time) and nowhere else.
public enum EmbedderFactory {
    public static func make(
        _ definition: EmbedderDefinition, transport: ProviderTransport, environment: [String: String]
    )
        throws(ModelClients.SetupError) -> any Embedder
    {
        if definition.provider == .mock {
            return MockEmbedder(
                model: definition.model,
                dimensions: definition.effectiveDimensions ?? PlanDefaults.mockEmbedderDimensions)
        }
        let format: HTTPEmbedder.Format = definition.provider == .gemini ? .gemini : .openai
        let provider: Endpoint.Provider = format == .gemini ? .gemini : .openai
        let fallback = definition.provider == .ollama ? Endpoint.ollamaBaseURL : Endpoint.defaultBaseURL(provider)
        var baseURL = definition.baseURL.flatMap { ModelClients.resolve($0, environment) } ?? fallback
        while baseURL.hasSuffix("/") { baseURL.removeLast() }
        var key: String?
        switch definition.apiKey {
        case .env(let name)?: key = environment[name].flatMap { $0.isEmpty ? nil : $0 }
        case .file(let path)?: key = ModelClients.readSecretFile(path)
        case nil: key = nil
        }
        if key == nil, baseURL == Endpoint.defaultBaseURL(provider) {
            let how = definition.apiKey.map { "set \($0) (\($0.description))" } ?? "add `api_key: ${env:NAME}`"
            throw ModelClients.SetupError(
                code: .r511, message: "embedder `\(definition.name)` needs an API key: \(how)")
        }
        let endpoint = Endpoint(
            provider: provider, baseURL: baseURL, apiKey: key.map(Secret.init),
            keySource: definition.apiKey?.description)
        return HTTPEmbedder(
            format: format, endpoint: endpoint, model: definition.model, dimensions: definition.dimensions,
            batchSize: definition.batchSize ?? PlanDefaults.embedderBatchSize, transport: transport)
    }
}
