import CrewCore
import CrewTools
import Foundation

/// Reads `${env:...}` and `${file:...}` references for tools and remembers every value it hands out, so they can be
/// scrubbed from tool results, records and messages.
final class SecretLedger: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [String] = []
    let environment: [String: String]

    init(environment: [String: String]) {
        self.environment = environment
    }

    var secrets: [String] { lock.withLock { values } }

    func resolve(_ segment: Template.Segment, tool: String) throws(ToolSetupError) -> String {
        let value: String?
        let what: String
        switch segment {
        case .env(let name):
            value = environment[name].flatMap { $0.isEmpty ? nil : $0 }
            what = "the environment variable \(name) is not set"
        case .file(let path):
            value = ModelClients.readSecretFile(path)
            what = "the secret file \(path) cannot be read or is empty"
        case .text(let text): return text
        case .input(let name): return "{\(name)}"
        }
        guard let value else { throw ToolSetupError("tool `\(tool)`: \(what)") }
        lock.withLock { values.append(value) }
        return value
    }
}
