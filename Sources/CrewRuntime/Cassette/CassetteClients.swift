import CrewDocuments
import CrewProviders

/// A model's client that records each answered request of one task.
struct RecordingClient: ChatClient {
    let inner: any ChatClient
    let recorder: CassetteRecorder
    let provider: ModelProvider
    let model: String
    let task: String

    func complete(_ request: ChatRequest, observe: @escaping @Sendable (ClientEvent) -> Void)
        async throws(ProviderError) -> ChatResponse
    {
        let response = try await inner.complete(request, observe: observe)
        recorder.record(
            task: task, model: model, request: CanonicalRequest(request, provider: provider), response: response)
        return response
    }
}

/// A model's client that answers one task's requests from a cassette, with no network. A streamed request gets its
/// answer as one piece, so the live view shows it as it would.
struct ReplayClient: ChatClient {
    let player: CassettePlayer
    let provider: ModelProvider
    let task: String

    func complete(_ request: ChatRequest, observe: @escaping @Sendable (ClientEvent) -> Void)
        async throws(ProviderError) -> ChatResponse
    {
        if Task.isCancelled { throw .cancelled }
        observe(.request(attempt: 1))
        let response = try player.answer(CanonicalRequest(request, provider: provider), task: task).get()
        if request.stream, !response.text.isEmpty { observe(.delta(response.text)) }
        return response
    }
}
