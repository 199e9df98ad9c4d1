import CrewCore
import CrewDocuments
import CrewProviders
import Foundation

/// Failures in words that say what to fix, with every secret removed (a provider may echo part of a key).
public enum FailureText {
    public static func describe(_ raw: ProviderError, model: ModelDefinition, endpoint: Endpoint?, secrets: [String])
        -> String
    {
        let error = displayable(raw, secrets: secrets)
        let who = "model `\(model.name)`"
        let key = endpoint?.keySource.map { "the key in \($0)" } ?? "the request (no key is set)"
        let server = endpoint?.baseURL ?? model.provider.rawValue
        let text: String
        switch error {
        case .http(401, let message, _): text = "\(who): \(key) was rejected (401): \(message)"
        case .http(403, let message, _): text = "\(who): \(key) may not use `\(model.model)` (403): \(message)"
        case .http(404, let message, _):
            text =
                "\(who): \(server) does not know model `\(model.model)` (404): \(message); check `model:` and `base_url:`"
        case .http(let status, let message, _) where status >= 500 || status == 429:
            text = "\(who): \(server) answered \(status) until the retries ran out: \(message)"
        case .http(let status, let message, _): text = "\(who): the request was refused (\(status)): \(message)"
        case .connection(let detail): text = "\(who): cannot reach \(server): \(detail)"
        case .timeout: text = "\(who): no answer in time (timeout)"
        case .malformed(let detail): text = "\(who): the answer could not be read: \(detail)"
        case .streamCut: text = "\(who): the answer's stream was cut off before its end, on every attempt"
        case .cancelled: text = "cancelled"
        case .tooLarge(let bound, let limit): text = "\(who): \(bound.message(limit: limit)); not retried"
        case .notRecorded(let message): text = "\(who): \(message)"
        }
        return scrub(text, secrets: secrets)
    }

    public static func short(_ raw: ProviderError, secrets: [String]) -> String {
        let error = displayable(raw, secrets: secrets)
        let text: String
        switch error {
        case .http(let status, let message, _): text = "HTTP \(status): \(message)"
        case .connection(let detail): text = "connection failed: \(detail)"
        case .timeout: text = "timeout"
        case .malformed(let detail): text = "unreadable answer: \(detail)"
        case .streamCut: text = "stream cut off"
        case .cancelled: text = "cancelled"
        case .tooLarge(let bound, let limit): text = bound.message(limit: limit)
        case .notRecorded: text = "not in the cassette"
        }
        return scrub(text, secrets: secrets)
    }

    /// Removes each secret, in any of its encodings, and anything shaped like an API key, from a message (see
    /// `SecretRedactor`, which also says which secrets are too short to remove).
    public static func scrub(_ text: String, secrets: [String]) -> String {
        SecretRedactor(secrets: secrets).redact(text)
    }

    /// The most of a provider's own message (or a connection's or parser's detail) shown in a failure. Providers
    /// keep up to 8 KiB of an error body, so that the cut comes after scrubbing, here, and never halves a key.
    public static let messageLimit = 300

    /// `error` with its message scrubbed and then cut to `messageLimit` characters.
    static func displayable(_ error: ProviderError, secrets: [String]) -> ProviderError {
        func shown(_ message: String) -> String {
            let clean = scrub(message, secrets: secrets)
            return clean.count > messageLimit ? String(clean.prefix(messageLimit)) + "…" : clean
        }
        switch error {
        case .http(let status, let message, let retryAfter):
            return .http(status: status, message: shown(message), retryAfter: retryAfter)
        case .connection(let detail): return .connection(shown(detail))
        case .malformed(let detail): return .malformed(shown(detail))
        default: return error
        }
    }
}
